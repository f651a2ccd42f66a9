"""``{% error_summary form %}`` at the top of a form: when the form came back with errors, a box headed "There is a
problem" lists each error as a link to its field and takes the focus (static/js/kaikukanta.js), so keyboard and
screen-reader users start from what went wrong instead of the autofocused first field (dropped here). One partial,
templates/includes/error_summary.html, for every staff form and allauth's (templates/allauth/elements/form.html).
"""

from django import template

from core.forms import drop_autofocus, error_summary_items

register = template.Library()


@register.inclusion_tag("includes/error_summary.html")
def error_summary(form, level: int = 2) -> dict:
    """``level``: the heading's level where an h2 would break the outline (a form under an h2 section: 3)."""
    errors = error_summary_items(form)
    if errors:
        drop_autofocus(form)
    prefix = getattr(form, "prefix", None)
    return {"errors": errors, "summary_id": f"error-summary-{prefix}" if prefix else "error-summary",
            "level": level if level in range(2, 7) else 2}
