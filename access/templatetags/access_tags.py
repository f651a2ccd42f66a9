"""The staff section of an office's or a venue's page, rendered here so that the owning apps (lower layers)
never import access: ``{% load access_tags %}{% staff_section office %}``."""

from django import template
from django.urls import reverse

from access.forms import InvitationForm
from access.permissions import may_manage_staff
from access.selectors import invitation_pending_list, staff_kind, staff_list
from access.views import INVITE_FORM_KEY, STAFF_PAGES

register = template.Library()


@register.inclusion_tag("access/_staff.html", takes_context=True)
def staff_section(context, target):
    """Who works at ``target``, and for its managers the end-access buttons, the waiting invitations and the
    invite form (bound, with its errors, when ``access.views.staff_invite`` renders the page again)."""
    request = context["request"]
    pages = STAFF_PAGES[staff_kind(target)]
    can_manage = may_manage_staff(request.user, target)
    return {
        "request": request, "csrf_token": context.get("csrf_token"),
        "target": target,
        "staff": list(staff_list(target=target)),
        "invitations": list(invitation_pending_list(user=request.user, target=target)) if can_manage else [],
        "can_manage": can_manage,
        "invite_form": context.get(INVITE_FORM_KEY) or InvitationForm(),
        "invite_url": reverse(pages.invite, args=[target.pk]),
        "end_url_name": pages.end,
    }
