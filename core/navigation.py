"""Which pages each role sees in the menu, and where each role lands after signing in.

Entries whose URL name is not (yet) routed are skipped, so apps add their pages here as they grow.
The first entry a user's role has is their home page.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .scopes import scope_for

# (role, url name, label); role is one of Scope.roles.
ENTRIES = [
    ("venue", "venues:counter", _("Counter")),
    ("venue", "venues:uses", _("Venue uses")),
    ("venue", "venues:offers", _("Offers")),
    ("venue", "venues:performances", _("Bookings")),
    ("distributor", "cards:list", _("Cards")),
    ("distributor", "cards:register", _("Register a card")),
    ("regional_contact", "reports:regional", _("Regional dashboard")),
    ("regional_contact", "regions:regions", _("Region")),
    ("regional_contact", "distributors:offices", _("Offices")),
    ("regional_contact", "venues:venues", _("Venues")),
    ("regional_contact", "cards:list", _("Cards")),
    ("regional_contact", "access:staff", _("Staff")),
    ("regional_contact", "reports:audit", _("Audit trail")),
    ("regional_contact", "venues:booking_statistics", _("No-shows")),
    ("coordinator", "reports:national", _("National dashboard")),
    ("coordinator", "regions:regions", _("Regions")),
    ("coordinator", "regions:settings", _("National settings")),
    ("coordinator", "distributors:offices", _("Offices")),
    ("coordinator", "venues:venues", _("Venues")),
    ("coordinator", "access:staff", _("Staff")),
    ("coordinator", "reports:audit", _("Audit trail")),
]


def nav_items(user) -> list[dict]:
    roles = scope_for(user).roles
    items, seen = [], set()
    for role in roles:
        for entry_role, name, label in ENTRIES:
            if entry_role != role or name in seen:
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            seen.add(name)
            items.append({"url": url, "label": label, "name": name})
    items.append({"url": reverse("profile"), "label": _("Profile"), "name": "profile"})
    return items
