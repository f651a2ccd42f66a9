"""Who may: one function per question about cards (DESIGN §5). No queries: the user's scope is read once per
request (``core.scopes.scope_for``) and the card's office and region are on the row already loaded."""

from core.scopes import scope_for


def may_see_card_number(user, *, office_id: int | None, region_id: int | None) -> bool:
    """A card's number in full only to those who may see the card itself, the rule of
    ``Card.objects.visible_to``: its office's staff, its region's contacts and the coordinators.

    Everyone else, venue staff in particular, sees ``cards.numbers.mask`` of it: venue staff may only ever
    see the number they typed.
    """
    scope = scope_for(user)
    return scope.national or office_id in scope.office_ids or region_id in scope.region_ids
