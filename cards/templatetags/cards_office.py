"""The office page (distributors) shows the office's community cards: rendered here, so that the lower
app never imports the cards app (regions ← distributors ← cards)."""

from django import template

from cards.models import Card
from regions.permissions import manages_region

register = template.Library()


@register.inclusion_tag("cards/_office_community_cards.html", takes_context=True)
def office_community_cards(context, office):
    request = context["request"]
    cards = (
        Card.objects.visible_to(request.user).filter(office=office, kind=Card.Kind.COMMUNITY)
        .order_by("-issued_on", "-pk")
    )
    return {
        "office": office, "cards": list(cards[:100]), "request": request,
        "can_create": manages_region(request.user, office.region_id),  # as community_card_create asks
        "csrf_token": context.get("csrf_token"),
    }
