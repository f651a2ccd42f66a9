"""The Django admin respects the scopes of DESIGN §5, in one place.

Every admin of a Kaikukanta model derives from :class:`ScopedAdmin`:

* the list (and every object the admin can reach: change, history, delete pages, list filters) starts
  from the model's ``visible_to(user)`` queryset, so an object outside the user's scope answers
  "does not exist" exactly as if it were not there;
* permissions come from the user's roles (``core.scopes.Scope.roles``), not from Django's
  model permissions, which nobody has to maintain by hand: each admin lists the roles that may view,
  add and change it; a write is allowed only when the object *after* the change still lies in what
  the user manages (a regional contact: their regions; the coordinator: what the admin says);
* foreign-key choices in forms are limited through ``visible_to`` too, so nobody is offered a region,
  office or venue they cannot see;
* nobody deletes anything here: cards and uses change only through ``cards.services``, memberships
  (access grants) are ended with an end date so the audit trail keeps them.

Entering the admin at all still needs ``is_staff`` (Django's own gate).
"""

from typing import ClassVar

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import MESSAGES
from .scopes import scope_for

COORDINATOR = "coordinator"
REGIONAL_CONTACT = "regional_contact"
DISTRIBUTOR = "distributor"
VENUE = "venue"


def roles_of(request) -> frozenset[str]:
    """The user's roles, or none when the user may not be in the admin at all."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return frozenset()
    return frozenset(scope_for(user).roles)


def _not_allowed_message() -> str:
    return MESSAGES["not_allowed"]


class UsernameField(forms.ModelChoiceField):
    """Pick an account by its exact username: granting access never lists the nation's accounts."""

    widget = forms.TextInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("username"))
        kwargs.setdefault("help_text", _("The exact username of the person's account."))
        kwargs.setdefault("error_messages", {"invalid_choice": _("No active account has this username.")})
        super().__init__(
            queryset=get_user_model().objects.filter(is_active=True),
            to_field_name="username",
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            **kwargs,
        )


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose queryset, permissions and form choices all come from the user's scope."""

    view_roles: ClassVar[frozenset[str]] = frozenset()
    add_roles: ClassVar[frozenset[str]] = frozenset()
    change_roles: ClassVar[frozenset[str]] = frozenset()

    # --- scope ---------------------------------------------------------------------------------

    def scoped_queryset(self, request) -> models.QuerySet:
        """Override for models without their own ``visible_to``."""
        return self.model.objects.visible_to(request.user)

    def get_queryset(self, request) -> models.QuerySet:
        qs = self.scoped_queryset(request)
        ordering = self.get_ordering(request)
        if ordering:
            qs = qs.order_by(*ordering)
        return qs

    def region_id_of(self, obj) -> int | None:
        """The region a regional contact must manage to write ``obj``; None = not a regional object."""
        return getattr(obj, "region_id", None)

    def coordinator_may_write(self, obj) -> bool:
        return True

    def may_write(self, request, obj, allowed: frozenset[str]) -> bool:
        """May the user hold ``obj`` (as it is, or as a form is about to save it) with these roles?"""
        roles = roles_of(request) & allowed
        if not roles:
            return False
        scope = scope_for(request.user)
        if COORDINATOR in roles and self.coordinator_may_write(obj):
            return True
        return REGIONAL_CONTACT in roles and self.region_id_of(obj) in scope.region_ids

    # --- permissions ---------------------------------------------------------------------------

    def has_module_permission(self, request) -> bool:
        return bool(roles_of(request) & (self.view_roles | self.change_roles))

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(roles_of(request) & (self.view_roles | self.change_roles))

    def has_add_permission(self, request) -> bool:
        return bool(roles_of(request) & self.add_roles)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return bool(roles_of(request) & self.change_roles)
        return self.may_write(request, obj, self.change_roles)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # --- forms ---------------------------------------------------------------------------------

    def related_choices(self, request, db_field) -> models.QuerySet | None:
        """Choices for a foreign key: the related model's ``visible_to`` when it has one."""
        related = db_field.related_model
        manager_qs = related._default_manager.all()
        if hasattr(manager_qs, "visible_to"):
            return manager_qs.visible_to(request.user)
        return None

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.ForeignKey) and db_field.related_model is get_user_model():
            return UsernameField(required=not db_field.blank)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = self.related_choices(request, db_field)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ScopedForm(form_class):
            def _post_clean(self) -> None:
                super()._post_clean()
                if self._errors:
                    return
                allowed = model_admin.add_roles if self.instance._state.adding else model_admin.change_roles
                if not model_admin.may_write(request, self.instance, allowed):
                    self.add_error(None, _not_allowed_message())

        ScopedForm.__name__ = form_class.__name__
        return ScopedForm


class ReadOnlyScopedAdmin(ScopedAdmin):
    """Reference data and records: viewed in scope, never written through the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """History shown on its parent's page; the parent admin already scoped the parent."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return True
