"""The region page (regions) lists the region's offices: rendered here, so that the lower app never imports this one
(regions ← distributors)."""

from django import template
from django.utils import timezone

from distributors.selectors import office_list
from regions.permissions import manages_region

register = template.Library()

SHOWN = 50


@register.inclusion_tag("distributors/_region_offices.html", takes_context=True)
def region_offices(context, region):
    request = context["request"]
    offices = office_list(user=request.user, region_id=region.pk)
    return {
        "region": region, "offices": list(offices[:SHOWN]), "more": offices.count() > SHOWN,
        "today": timezone.localdate(),
        "can_add": manages_region(request.user, region.pk),
    }
