"""Reads about offices, always from the user's scope (``Office.objects.visible_to(user)``)."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Office, OfficeMembership, Organisation


def office_list(*, user, q: str = "", region_id: int | None = None) -> QuerySet[Office]:
    staff = (
        OfficeMembership.objects.open_ended().filter(office=OuterRef("pk"))
        .order_by().values("office").annotate(n=Count("pk")).values("n")
    )
    qs = (
        Office.objects.visible_to(user)
        .select_related("region", "organisation", "municipality")
        .annotate(staff_count=Coalesce(Subquery(staff, output_field=IntegerField()), 0))
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(organisation__name__icontains=q))
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    return qs.order_by("region__name", "name")


def organisation_names() -> list[str]:
    """Every organisation's name, for the office form's suggestions (organisations are not personal data and
    offices of one welfare area or NGO in several regions share theirs)."""
    return list(Organisation.objects.order_by("name").values_list("name", flat=True))


def office_get(*, user, pk: int) -> Office:
    return Office.objects.visible_to(user).select_related("region", "organisation", "municipality").get(pk=pk)


def public_offices(region, day) -> QuerySet[Office]:
    """Where to get the card in ``region``: its offices active on ``day`` that chose to be listed on the public region
    page, with the public contact they give (the template shows only the ``public_*`` fields, never ``email``)."""
    return (Office.objects.active_on(day).filter(region=region, public_listing=True)
            .select_related("organisation", "municipality").order_by("name", "pk"))
