"""The staff section of an office's or a venue's page, rendered here so that the owning apps (lower layers)
never import access: ``{% load access_tags %}{% staff_section office %}``."""

from django import template

from access.views import INVITE_FORM_KEY, staff_context

register = template.Library()


@register.inclusion_tag("access/_staff.html", takes_context=True)
def staff_section(context, target):
    """Who works at ``target``, and for its managers the end-access and deactivate buttons, last sign-ins and
    second factors, the waiting invitations and the invite form (bound, with its errors, when
    ``access.views.staff_invite`` renders the page again)."""
    request = context["request"]
    return {
        "request": request, "csrf_token": context.get("csrf_token"),
        **staff_context(request, target, invite_form=context.get(INVITE_FORM_KEY)),
    }
