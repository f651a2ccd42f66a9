"""``{% filter page_title %}{% block title %}{% endblock %}{% endfilter %}``: the document title of every page.

A template cannot ask whether a child filled a block, so base.html renders the block and this filter joins it
to the site name: "Register a card – Kaikukanta", or just "Kaikukanta" when the page has no title of its own.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

SITE_NAME = "Kaikukanta"


@register.filter(is_safe=True)
def page_title(value) -> str:
    """The block's rendered (already escaped) text, whitespace collapsed, followed by " – Kaikukanta"."""
    text = " ".join(str(conditional_escape(value)).split())
    return mark_safe(f"{text} – {SITE_NAME}" if text else SITE_NAME)
