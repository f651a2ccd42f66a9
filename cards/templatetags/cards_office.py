"""The office page (distributors) shows the office's community cards: rendered here, so that the lower
app never imports the cards app (regions ← distributors ← cards)."""

from django import template

from cards.models import Card
from core.scopes import scope_for

register = template.Library()


@register.inclusion_tag("cards/_office_community_cards.html", takes_context=True)
def office_community_cards(context, office):
    request = context["request"]
    scope = scope_for(request.user)
    cards = (
        Card.objects.visible_to(request.user).filter(office=office, kind=Card.Kind.COMMUNITY)
        .order_by("-issued_on", "-pk")
    )
    return {
        "office": office, "cards": list(cards[:100]), "request": request,
        "can_create": scope.national or office.region_id in scope.region_ids,
        "csrf_token": context.get("csrf_token"),
    }
