"""Reads about offices, always from the user's scope (``Office.objects.visible_to(user)``)."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from access.models import Invitation
from core.scopes import scope_for

from .models import Office, OfficeMembership


def office_list(*, user, q: str = "") -> QuerySet[Office]:
    staff = (
        OfficeMembership.objects.filter(office=OuterRef("pk"), ended_on__isnull=True)
        .order_by().values("office").annotate(n=Count("pk")).values("n")
    )
    qs = (
        Office.objects.visible_to(user)
        .select_related("region", "organisation", "municipality")
        .annotate(staff_count=Coalesce(Subquery(staff, output_field=IntegerField()), 0))
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(organisation__name__icontains=q))
    return qs.order_by("region__name", "name")


def office_get(*, user, pk: int) -> Office:
    return Office.objects.visible_to(user).select_related("region", "organisation", "municipality").get(pk=pk)


def office_staff(office: Office) -> QuerySet[OfficeMembership]:
    return office.memberships.filter(ended_on__isnull=True).select_related("user").order_by("user__username")


def office_pending_invitations(*, user, office: Office) -> QuerySet[Invitation]:
    return Invitation.objects.visible_to(user).pending().filter(office=office).select_related("invited_by")


def can_manage(user, office: Office) -> bool:
    """Regional contacts manage their region's offices; the national coordinator every office."""
    return scope_for(user).manages(office.region_id)
