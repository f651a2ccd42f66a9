from django.contrib import admin

from core.admin import COORDINATOR, REGIONAL_CONTACT, VENUE, ScopedAdmin
from regions.admin import municipalities_visible_to

from .models import Offer, Venue, VenueMembership

MANAGERS = frozenset({COORDINATOR, REGIONAL_CONTACT})
VIEWERS = frozenset({COORDINATOR, REGIONAL_CONTACT, VENUE})


@admin.register(Venue)
class VenueAdmin(ScopedAdmin):
    """A region's venues are its contacts' to manage; pop-up venues (no region) are the coordinator's."""

    view_roles = VIEWERS
    add_roles = MANAGERS
    change_roles = MANAGERS
    list_display = ("name", "category", "region", "municipality", "is_popup", "offers_courses",
                    "active_from", "active_until")
    list_select_related = ("region", "municipality")
    list_filter = ("is_popup", "category", "offers_courses", ("region", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name",)
    # The public texts in three languages are the venue staff's Public information page (``public_contact`` here
    # is the Finnish text).
    exclude = tuple(f"{name}_{lang}" for name in ("public_description", "address", "accessibility", "public_contact")
                    for lang in ("fi", "sv", "en"))

    def coordinator_may_write(self, obj) -> bool:
        return obj.is_popup

    def related_choices(self, request, db_field):
        if db_field.name == "municipality":
            return municipalities_visible_to(request.user)
        return super().related_choices(request, db_field)


@admin.register(Offer)
class OfferAdmin(ScopedAdmin):
    view_roles = VIEWERS
    add_roles = MANAGERS
    change_roles = MANAGERS
    list_display = ("title", "venue", "kind", "starts_on", "ends_on", "quota", "used_count")
    list_select_related = ("venue",)
    list_filter = ("kind", ("venue", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title",)
    date_hierarchy = "starts_on"
    readonly_fields = ("used_count",)
    # The admin writes the Finnish title (``title``); the Swedish and English ones are the offer form's.
    exclude = ("title_fi", "title_sv", "title_en")

    def region_id_of(self, obj) -> int | None:
        return obj.venue.region_id if obj.venue_id else None

    def coordinator_may_write(self, obj) -> bool:
        return bool(obj.venue_id) and obj.venue.is_popup


@admin.register(VenueMembership)
class VenueMembershipAdmin(ScopedAdmin):
    """Access grants of box-office staff: given and ended by the region's contacts (the coordinator's
    for pop-up venues), never deleted."""

    view_roles = VIEWERS
    add_roles = MANAGERS
    change_roles = MANAGERS
    list_display = ("user", "venue", "started_on", "ended_on")
    list_select_related = ("user", "venue")
    list_filter = (("venue", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("=user__username",)

    def region_id_of(self, obj) -> int | None:
        return obj.venue.region_id if obj.venue_id else None

    def coordinator_may_write(self, obj) -> bool:
        return bool(obj.venue_id) and obj.venue.is_popup

    def get_readonly_fields(self, request, obj=None):
        return ("user", "venue") if obj is not None else ()
