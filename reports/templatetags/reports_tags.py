from django import template

from reports import selectors

register = template.Library()


@register.filter
def participations(summary: dict) -> int:
    """A dashboard summary's uses and child tickets together (``reports.selectors.participations``)."""
    return selectors.participations(summary)


@register.filter
def num(value):
    """Thousands with a narrow no-break space (Finnish style, and unambiguous in every language)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return f"{value:,}".replace(",", "\u202f")
