"""The card history (CardEvent.details, JSON) shown as people read it: dates in the page's format, card numbers
hyphenated, reasons translated ("lost" -> "kadonnut"), never the stored raw value."""

import datetime

from django import template

from cards import numbers
from cards.models import Card

register = template.Library()


@register.filter
def iso_date(value):
    """An ISO date string from the JSON details as a date, for ``|date``; anything else unchanged."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@register.filter
def card_number(value) -> str:
    return numbers.display(value) if value else ""


@register.filter
def inactive_reason(value) -> str:
    """The translated label of a stored Card.InactiveReason code."""
    return dict(Card.InactiveReason.choices).get(value, value)
