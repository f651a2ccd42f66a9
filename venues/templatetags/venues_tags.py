"""The region page (regions) lists the region's venues: rendered here, so that the lower app never imports this one
(regions ← venues)."""

from django import template
from django.utils import timezone

from regions.permissions import manages_region
from venues.selectors import venue_list

register = template.Library()

SHOWN = 50


@register.inclusion_tag("venues/_region_venues.html", takes_context=True)
def region_venues(context, region):
    request = context["request"]
    venues = venue_list(user=request.user, region_id=region.pk)
    return {
        "region": region, "venues": list(venues[:SHOWN]), "more": venues.count() > SHOWN,
        "today": timezone.localdate(), "can_add": manages_region(request.user, region.pk),
    }
