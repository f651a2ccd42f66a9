from django.contrib import admin
from django.db.models import QuerySet

from core.admin import COORDINATOR, REGIONAL_CONTACT, ReadOnlyScopedAdmin, ScopedAdmin
from core.scopes import scope_for

from .models import Municipality, NationalSettings, Region, RegionMembership, WelfareArea

NATIONAL = frozenset({COORDINATOR})
REGIONAL = frozenset({COORDINATOR, REGIONAL_CONTACT})


def municipalities_visible_to(user) -> QuerySet:
    """Everything for the coordinator; the municipalities of the user's regions for everyone else."""
    if scope_for(user).national:
        return Municipality.objects.all()
    return Municipality.objects.filter(region__in=Region.objects.visible_to(user))


def welfare_areas_visible_to(user) -> QuerySet:
    if scope_for(user).national:
        return WelfareArea.objects.all()
    return WelfareArea.objects.filter(pk__in=municipalities_visible_to(user).values("welfare_area_id"))


def region_memberships_visible_to(user) -> QuerySet:
    """Coordinator: all grants; a regional contact: the contacts of their regions; others: their own."""
    scope = scope_for(user)
    if scope.national:
        return RegionMembership.objects.all()
    return RegionMembership.objects.filter(region_id__in=scope.region_ids)


@admin.register(WelfareArea)
class WelfareAreaAdmin(ReadOnlyScopedAdmin):
    view_roles = REGIONAL
    list_display = ("code", "name_fi", "name_sv")
    search_fields = ("code", "name_fi", "name_sv")

    def scoped_queryset(self, request) -> QuerySet:
        return welfare_areas_visible_to(request.user)


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyScopedAdmin):
    view_roles = REGIONAL
    list_display = ("code", "name_fi", "name_sv", "welfare_area", "region")
    list_select_related = ("welfare_area", "region")
    list_filter = (("welfare_area", admin.RelatedOnlyFieldListFilter), ("region", admin.RelatedOnlyFieldListFilter))
    search_fields = ("=code", "name_fi", "name_sv")

    def scoped_queryset(self, request) -> QuerySet:
        return municipalities_visible_to(request.user)


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    """Regions and pilots are the coordinator's; a regional contact sees their own region."""

    view_roles = REGIONAL
    add_roles = NATIONAL
    change_roles = NATIONAL
    list_display = ("name", "pilot", "active_from", "active_until", "local_only", "default_validity_days")
    list_filter = ("pilot", "local_only")
    search_fields = ("name",)
    # The Finnish name is ``name``; the Swedish and English names and the page text are the region's Public texts page.
    exclude = tuple(f"{name}_{lang}" for name in ("name", "public_text") for lang in ("fi", "sv", "en"))


@admin.register(NationalSettings)
class NationalSettingsAdmin(ScopedAdmin):
    view_roles = NATIONAL
    add_roles = NATIONAL
    change_roles = NATIONAL
    list_display = ("__str__", "child_age_limit", "group_min", "group_max", "default_validity_days",
                    "cancel_window_days", "late_entry_days", "retention_days", "unusual_uses_per_week")

    def scoped_queryset(self, request) -> QuerySet:
        if scope_for(request.user).national:
            return NationalSettings.objects.all()
        return NationalSettings.objects.none()

    def has_add_permission(self, request) -> bool:
        """A singleton: the one row (pk 1) is created once."""
        return super().has_add_permission(request) and not NationalSettings.objects.exists()

    def save_model(self, request, obj, form, change) -> None:
        obj.pk = 1
        super().save_model(request, obj, form, change)


@admin.register(RegionMembership)
class RegionMembershipAdmin(ScopedAdmin):
    """Regional-contact and coordinator grants are the coordinator's to give; ended, never deleted."""

    view_roles = REGIONAL
    add_roles = NATIONAL
    change_roles = NATIONAL
    list_display = ("user", "role", "region", "started_on", "ended_on")
    list_select_related = ("user", "region")
    list_filter = ("role", ("region", admin.RelatedOnlyFieldListFilter))
    search_fields = ("=user__username",)

    def scoped_queryset(self, request) -> QuerySet:
        return region_memberships_visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        return ("user", "role", "region") if obj is not None else ()

