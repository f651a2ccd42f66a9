from django.contrib import admin
from django.db.models import QuerySet

from core.admin import COORDINATOR, DISTRIBUTOR, REGIONAL_CONTACT, ScopedAdmin, roles_of
from core.scopes import scope_for
from regions.admin import municipalities_visible_to

from .models import Office, OfficeMembership, Organisation

REGIONAL = frozenset({COORDINATOR, REGIONAL_CONTACT})


def organisations_visible_to(user) -> QuerySet:
    """Coordinator: all; everyone else: the organisations of the offices they see."""
    if scope_for(user).national:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=Office.objects.visible_to(user).values("organisation_id"))


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    """Organisations are shared across regions (a national NGO has offices everywhere): a regional
    contact may add one for a new office, only the coordinator renames one."""

    view_roles = REGIONAL
    add_roles = REGIONAL
    change_roles = frozenset({COORDINATOR})
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)

    def scoped_queryset(self, request) -> QuerySet:
        return organisations_visible_to(request.user)

    def may_write(self, request, obj, allowed) -> bool:
        if obj._state.adding:  # a new organisation has no region yet
            return bool(roles_of(request) & allowed)
        return super().may_write(request, obj, allowed)


@admin.register(Office)
class OfficeAdmin(ScopedAdmin):
    """A region's offices are its regional contacts' to manage; the coordinator reads; staff see their own."""

    view_roles = frozenset({COORDINATOR, REGIONAL_CONTACT, DISTRIBUTOR})
    add_roles = frozenset({REGIONAL_CONTACT})
    change_roles = frozenset({REGIONAL_CONTACT})
    list_display = ("name", "organisation", "region", "municipality", "active_from", "active_until")
    list_select_related = ("organisation", "region", "municipality")
    list_filter = (("region", admin.RelatedOnlyFieldListFilter), "organisation__kind")
    search_fields = ("name", "organisation__name")

    def related_choices(self, request, db_field):
        if db_field.name == "organisation":
            # Not regional data: any organisation may open an office in the contact's region.
            return Organisation.objects.all()
        if db_field.name == "municipality":
            return municipalities_visible_to(request.user)
        return super().related_choices(request, db_field)


@admin.register(OfficeMembership)
class OfficeMembershipAdmin(ScopedAdmin):
    """Access grants of distributor staff: given and ended by the region's contacts, never deleted."""

    view_roles = frozenset({COORDINATOR, REGIONAL_CONTACT, DISTRIBUTOR})
    add_roles = frozenset({REGIONAL_CONTACT})
    change_roles = frozenset({REGIONAL_CONTACT})
    list_display = ("user", "office", "started_on", "ended_on")
    list_select_related = ("user", "office")
    list_filter = (("office", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("=user__username",)

    def region_id_of(self, obj) -> int | None:
        return obj.office.region_id if obj.office_id else None

    def get_readonly_fields(self, request, obj=None):
        return ("user", "office") if obj is not None else ()
