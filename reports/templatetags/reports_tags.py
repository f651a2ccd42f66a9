from django import template
from django.utils import formats

from reports import selectors

register = template.Library()


@register.filter
def participations(summary: dict) -> int:
    """A dashboard summary's uses and child tickets together (``reports.selectors.participations``)."""
    return selectors.participations(summary)


@register.filter
def num(value):
    """Thousands with a narrow no-break space (Finnish style, and unambiguous in every language); a decimal (a mean)
    with the page's decimal sign; no figure (a mean of nobody) as a dash."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=2, use_l10n=True)
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return f"{value:,}".replace(",", "\u202f")
