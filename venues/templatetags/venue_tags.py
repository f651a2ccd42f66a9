from django import template

from venues.selectors import mask_number

register = template.Library()


@register.filter
def masked(number: str) -> str:
    """A card number as venue staff see it in lists and exports: ``ABC-•••-GHJ``."""
    return mask_number(number or "")
