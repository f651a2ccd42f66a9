from django import template

from counter.selectors import mask_number, use_description

register = template.Library()


@register.filter
def masked(number: str) -> str:
    """A card number as venue staff see it in lists and exports: ``ABC-•••-GHJ``."""
    return mask_number(number or "")


@register.filter(name="use_description")
def use_description_filter(use) -> str:
    """``ticket · community card (group of 3)``, as the counter's script writes it too."""
    return use_description(use)
