"""Card rules a template needs to name: ``{% load cards_rules %}{% child_age_limit as age %}`` (R5), so no
template writes the national child age limit as a number."""

from django import template

from regions.models import NationalSettings

register = template.Library()


@register.simple_tag
def child_age_limit() -> int:
    return NationalSettings.current().child_age_limit
