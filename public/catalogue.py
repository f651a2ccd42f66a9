"""The public catalogue "Where the card works" and the region pages (issue 13, points 2 and 3), without sign-in.

Every read goes through the public selectors of the apps below (``venues.selectors.public_*``,
``regions.selectors.public_*``, ``distributors.selectors.public_offices``): which venues are listed (active today, of a
network running today, or a pop-up in its campaign), an offer's availability as one word (never a count of uses), the
offices that chose to be listed. The views only read the GET filters and arrange the page.
"""

import dataclasses
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from bookings import selectors as booking_selectors
from distributors import selectors as distributor_selectors
from regions import selectors as region_selectors
from venues import selectors as venue_selectors
from venues.models import Venue

PAGE_SIZE = 20


@dataclasses.dataclass
class CatalogueEntry:
    venue: Venue
    region_name: str
    region_url: str
    offers: list
    performances: list = dataclasses.field(default_factory=list)


class CatalogueFilters(forms.Form):
    """The catalogue's GET parameters (shareable addresses). An unknown value is dropped rather than refused: an old
    shared link to a region that has since ended still opens the catalogue."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        help_text=_("A venue, a municipality or an event or course"))
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)
    municipality = forms.TypedChoiceField(label=_("Municipality"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, data, *, regions, region_labels, municipalities, categories):
        super().__init__(data)
        self.fields["region"].choices = [("", _("All regions"))] + [
            (region.pk, region_labels.get(region.pk, region.name)) for region in regions]
        self.fields["municipality"].choices = [("", _("All municipalities"))] + [
            (municipality.pk, str(municipality)) for municipality in municipalities]
        self.fields["category"].choices = [("", _("All categories")), *categories]

    def options(self, name: str, chosen) -> str:
        """A select's <option>s as one string: the catalogue has over a hundred municipalities, and Django's widget
        templates render each option through its own template includes (most of a page's time)."""
        chosen = "" if chosen is None else str(chosen)
        return format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            (value, mark_safe(" selected") if str(value) == chosen else "", label)
            for value, label in self.fields[name].choices))

    def filters(self) -> dict:
        """The valid filters; an invalid one is left out (and its field shows it empty)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})  # holds only the valid fields
        return {
            "q": (cleaned.get("q") or "").strip(),
            "region_id": cleaned.get("region"),
            "municipality_id": cleaned.get("municipality"),
            "category": cleaned.get("category") or "",
        }


def _query_string(filters: dict) -> str:
    params = {"q": filters["q"], "region": filters["region_id"], "municipality": filters["municipality_id"],
              "category": filters["category"]}
    return urlencode({key: value for key, value in params.items() if value not in ("", None)})


@require_safe
def catalogue(request):
    """``/<lang>/venues/``: every venue where the card works today, filtered by region, municipality, category and a
    free text given as GET parameters, 20 to a page, with each venue's current and coming offers."""
    day = timezone.localdate()
    language = translation.get_language()
    regions = list(region_selectors.public_regions(day))
    labels = {region.pk: region_selectors.region_name(region, language) for region in regions}
    choices = venue_selectors.public_filter_choices(day)
    form = CatalogueFilters(request.GET, regions=regions, region_labels=labels, municipalities=choices.municipalities,
                            categories=choices.categories)
    filters = form.filters()
    venues = venue_selectors.public_venues(day, **filters)
    page = Paginator(venues, PAGE_SIZE).get_page(request.GET.get("page"))
    offers = venue_selectors.public_offers(page.object_list, day)
    performances = booking_selectors.public_performances([venue.pk for venue in page.object_list], day)
    region_urls = {region.pk: reverse("public:region", args=[region.pk]) for region in regions}
    entries = [CatalogueEntry(venue=venue, region_name=labels.get(venue.region_id, venue.region.name)
                              if venue.region_id else "", region_url=region_urls.get(venue.region_id, ""),
                              offers=offers.get(venue.pk, []), performances=performances.get(venue.pk, []))
               for venue in page.object_list]
    selects = {name: form.options(name, filters[key]) for name, key in (
        ("region", "region_id"), ("municipality", "municipality_id"), ("category", "category"))}
    chosen_region = next((region for region in regions if region.pk == filters["region_id"]), None)
    return render(request, "public/catalogue.html", {
        "form": form, "selects": selects, "q": filters["q"], "page": page, "entries": entries,
        "query": _query_string(filters),
        "filtered": any(value not in ("", None) for value in filters.values()),
        "chosen_region": chosen_region, "chosen_region_name": labels.get(chosen_region.pk) if chosen_region else "",
        "local_only": [labels[region.pk] for region in regions if region.local_only],
        "today": day,
    })


@require_safe
def region_index(request):
    """``/<lang>/regions/``: every network running today with its municipalities."""
    day = timezone.localdate()
    language = translation.get_language()
    regions = [(region, region_selectors.region_name(region, language))
               for region in region_selectors.public_regions(day)]
    regions.sort(key=lambda pair: (pair[1].casefold(), pair[0].pk))
    return render(request, "public/region_index.html", {"regions": regions, "today": day})


@require_safe
def region_page(request, pk: int):
    """``/<lang>/regions/<pk>/``: a network's period, municipalities, where to get the card (listed offices), its two
    contact persons and a link to its venues in the catalogue; 404 for a region not running today."""
    day = timezone.localdate()
    region = region_selectors.public_region(pk, day)
    people = region_selectors.contact_persons_by_side(region)
    return render(request, "public/region.html", {
        "region": region, "region_name": region_selectors.region_name(region, translation.get_language()),
        "municipalities": sorted(region.municipalities.all(), key=lambda m: (str(m).casefold(), m.pk)),
        "offices": distributor_selectors.public_offices(region, day),
        "contact_persons": list(people.items()),
        "venue_count": venue_selectors.public_venue_count(day, region_id=region.pk),
        "catalogue_query": urlencode({"region": region.pk}),
        "today": day,
    })


# --- where the holder's own card works (issue 14: the mobile card page) -------------------------------------------


@dataclasses.dataclass
class HolderVenues:
    """The catalogue as one card sees it (R8): a local-only region's card only its region's venues; any other card
    every venue except those of local-only regions (pop-ups included)."""

    region_name: str
    local_only: bool
    own: list  # [(municipality name, [Venue, …])], by municipality, then name
    others: list  # [(region name, number of venues, catalogue address filtered to the region)]
    popups: list
    own_url: str  # the catalogue filtered to the card's region
    catalogue_url: str  # the whole catalogue (for a card that is not local-only)


def holder_venues(card, day) -> HolderVenues:
    """The catalogue's venues (``venue_selectors.public_venues``) where ``card`` works on ``day``: three queries and
    a bounded page: the card's own region venue by venue, other regions as counts with a link to the catalogue."""
    from django.db.models import Count

    language = translation.get_language()
    region = card.region
    venues = venue_selectors.public_venues(day)
    local_only = bool(region and region.local_only)
    venues = venues.filter(region_id=region.pk) if local_only else venues.exclude(region__local_only=True)
    own: dict[str, list] = {}
    for venue in venues.filter(region_id=region.pk if region else None):
        own.setdefault(str(venue.municipality) if venue.municipality_id else "", []).append(venue)
    counts = dict(venues.exclude(region_id=region.pk if region else None).filter(region__isnull=False).order_by()
                  .values_list("region_id").annotate(n=Count("pk")))
    catalogue_url = reverse("public:catalogue")
    others = []
    if counts:
        for other in region_selectors.public_regions(day).filter(pk__in=counts):
            others.append((region_selectors.region_name(other, language), counts[other.pk],
                           f"{catalogue_url}?{urlencode({'region': other.pk})}"))
    others.sort(key=lambda row: row[0].casefold())
    return HolderVenues(
        region_name=region_selectors.region_name(region, language) if region else "",
        local_only=local_only,
        own=sorted(own.items(), key=lambda pair: pair[0].casefold()),
        others=others,
        popups=[] if local_only else list(venues.filter(region__isnull=True)),
        own_url=f"{catalogue_url}?{urlencode({'region': region.pk})}" if region else catalogue_url,
        catalogue_url=catalogue_url,
    )
