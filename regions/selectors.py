"""Reads for the region pages, always from the user's scope: the coordinator reads every region, a regional
contact their own; nobody else reads any (``regions.permissions``)."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import translation

from core.scopes import scope_for

from .models import Municipality, NationalSettings, Region, RegionContactPerson, WelfareArea


def managed_regions(user) -> QuerySet[Region]:
    """The regions whose pages ``user`` opens: all for the coordinator, their own for a regional contact."""
    scope = scope_for(user)
    return Region.objects.all() if scope.national else Region.objects.filter(pk__in=scope.region_ids)


def region_list(*, user) -> QuerySet[Region]:
    return (
        managed_regions(user)
        .annotate(municipality_count=Count("municipalities", distinct=True))
        .prefetch_related(Prefetch("municipalities", queryset=Municipality.objects.order_by("name_fi")))
        .order_by("name", "pk")
    )


def region_get(*, user, pk: int) -> Region:
    """One region the user manages, with its municipalities and contact persons; any other answers 404."""
    region = (
        managed_regions(user)
        .prefetch_related(
            Prefetch("municipalities",
                     queryset=Municipality.objects.select_related("welfare_area").order_by("name_fi")),
            Prefetch("contact_persons", queryset=RegionContactPerson.objects.order_by("side")),
        )
        .filter(pk=pk).first()
    )
    if region is None:
        raise Http404
    return region


def contact_persons_by_side(region: Region) -> dict[str, RegionContactPerson | None]:
    """The region's contact person of each side (None where none is named yet)."""
    people = {person.side: person for person in region.contact_persons.all()}
    return {side: people.get(side) for side in RegionContactPerson.Side.values}


def municipality_choices(region: Region | None) -> QuerySet[Municipality]:
    """Municipalities a region may have: those in no network yet and its own (a municipality is in one network at a
    time), by welfare area and name, for the region form's grouped checkboxes."""
    free = Q(region__isnull=True)
    if region is not None and region.pk:
        free |= Q(region=region)
    return (Municipality.objects.filter(free).select_related("welfare_area", "region")
            .order_by("welfare_area__name_fi", "name_fi", "pk"))


def municipalities_of(region: Region) -> QuerySet[Municipality]:
    """A region's municipalities: where its offices and venues may be."""
    return Municipality.objects.filter(region=region).order_by("name_fi", "pk")


def welfare_areas() -> QuerySet[WelfareArea]:
    return WelfareArea.objects.order_by("name_fi")


def national_settings() -> NationalSettings:
    """The row itself, read fresh (not the counters' cached copy): the page shows what is stored."""
    return NationalSettings.objects.get_or_create(pk=1)[0]


# --- the public region pages and catalogue (public/, no sign-in) ---------------------------------


def public_regions(day) -> QuerySet[Region]:
    """The networks running on ``day`` (R9), with their municipalities, for the public region index and filters."""
    return (
        Region.objects.active_on(day)
        .prefetch_related(Prefetch("municipalities", queryset=Municipality.objects.order_by("name_fi", "pk")))
        .order_by("name", "pk")
    )


def public_region(pk: int, day) -> Region:
    """One network running on ``day`` with its municipalities (and their welfare areas) and its contact persons; a
    region that has ended or not begun answers 404 on the public side."""
    region = (
        Region.objects.active_on(day)
        .prefetch_related(
            Prefetch("municipalities",
                     queryset=Municipality.objects.select_related("welfare_area").order_by("name_fi", "pk")),
            Prefetch("contact_persons", queryset=RegionContactPerson.objects.order_by("side")),
        )
        .filter(pk=pk).first()
    )
    if region is None:
        raise Http404
    return region


def region_name(region: Region, language: str) -> str:
    """A region's name in ``language``: the name its contacts gave in that language (``name_sv``, ``name_en``,
    regions/translation.py); else, from its prefetched municipalities, a region named after one of its
    municipalities (Tampere, Savonlinna) takes that municipality's Swedish name (Tammerfors, Nyslott) on Swedish
    pages; otherwise its Finnish name."""
    own = getattr(region, f"name_{language}", None)
    if own:
        return own
    finnish = region.name_fi or region.name
    if language == "sv":
        for municipality in region.municipalities.all():
            if municipality.name_fi == finnish and municipality.name_sv:
                return municipality.name_sv
    return finnish


def region_names(language: str | None = None) -> dict[int, str]:
    """Every region's name in ``language`` (default: the active one) as ``region_name`` gives it (Tampere is
    Tammerfors on Swedish pages), ended pilots included: for pages, reports and exports that read rows as values
    (a ``region__name`` there would be the Finnish column whatever the page's language)."""
    language = language or translation.get_language()
    regions = Region.objects.prefetch_related(Prefetch("municipalities", queryset=Municipality.objects.order_by("pk")))
    return {region.pk: region_name(region, language) for region in regions}
