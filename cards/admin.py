from django.contrib import admin, messages
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import (
    COORDINATOR,
    DISTRIBUTOR,
    REGIONAL_CONTACT,
    VENUE,
    ReadOnlyInline,
    ReadOnlyScopedAdmin,
    roles_of,
)
from core.errors import DomainError
from core.scopes import scope_for
from venues.models import Venue

from . import numbers, services
from .models import Card, CardCheck, CardEvent, Use
from .permissions import may_see_card_number


def card_checks_visible_to(user) -> QuerySet:
    """Counter checks are an audit record for the coordinator and the venues' regional contacts.

    Venue staff never list them (that would be browsing card numbers), even their own venue's.
    """
    scope = scope_for(user)
    if scope.national:
        return CardCheck.objects.all()
    return CardCheck.objects.filter(
        venue__in=Venue.objects.visible_to(user).filter(region_id__in=scope.region_ids)
    )


class CardEventInline(ReadOnlyInline):
    model = CardEvent
    fields = ("at", "kind", "office", "by", "details")
    readonly_fields = fields
    ordering = ("-at", "-pk")

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).select_related("office", "by")


class CancelledFilter(admin.SimpleListFilter):
    title = _("cancelled")
    parameter_name = "cancelled"

    def lookups(self, request, model_admin):
        return (("no", _("No")), ("yes", _("Yes")))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(cancelled_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(cancelled_at__isnull=False)
        return queryset


def _inactivate(model_admin, request, queryset, reason: str) -> None:
    """Every card goes through ``card_inactivate`` (R3): the rule, its refusals and its audit event."""
    done = 0
    for card in queryset.select_related(None).order_by("pk"):
        try:
            services.card_inactivate(user=request.user, card=card, reason=reason)
        except DomainError as error:
            model_admin.message_user(
                request,
                _("%(number)s: %(message)s") % {"number": card.display_number, "message": error.message},
                messages.ERROR,
            )
        else:
            done += 1
    if done:
        model_admin.message_user(
            request,
            ngettext("%(count)d card inactivated.", "%(count)d cards inactivated.", done) % {"count": done},
            messages.SUCCESS,
        )


@admin.action(description=_("Inactivate selected cards: lost"), permissions=["inactivate"])
def inactivate_lost(model_admin, request, queryset) -> None:
    _inactivate(model_admin, request, queryset, Card.InactiveReason.LOST)


@admin.action(description=_("Inactivate selected cards: returned"), permissions=["inactivate"])
def inactivate_returned(model_admin, request, queryset) -> None:
    _inactivate(model_admin, request, queryset, Card.InactiveReason.RETURNED)


@admin.action(description=_("Inactivate selected cards: other reason"), permissions=["inactivate"])
def inactivate_other(model_admin, request, queryset) -> None:
    _inactivate(model_admin, request, queryset, Card.InactiveReason.OTHER)


@admin.register(Card)
class CardAdmin(ReadOnlyScopedAdmin):
    """Cards change only through ``cards.services``; venue staff never see a card here.

    Search is by one exact number (typed with or without hyphens): the admin is no place to browse.
    """

    view_roles = frozenset({COORDINATOR, REGIONAL_CONTACT, DISTRIBUTOR})
    list_display = ("display_number", "kind", "office", "status", "valid_until")
    list_select_related = ("office",)
    list_filter = (
        "kind",
        "status",
        "format",
        "valid_until",
        ("region", admin.RelatedOnlyFieldListFilter),
        ("office", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("=number",)
    search_help_text = _("One exact card number, e.g. ABC-DEF-GHJ.")
    actions = (inactivate_lost, inactivate_returned, inactivate_other)
    inlines = (CardEventInline,)
    readonly_fields = ("display_number", "created_at")
    exclude = ("number",)

    @admin.display(description=_("card number"), ordering="number")
    def display_number(self, obj: Card) -> str:
        return obj.display_number

    def get_search_results(self, request, queryset, search_term):
        term = numbers.normalize(search_term)
        if not term:
            return queryset, False
        if not numbers.is_valid(term):  # R2: a mistyped number matches nothing, without a lookup
            return queryset.none(), False
        return queryset.filter(number=term), False

    def has_inactivate_permission(self, request) -> bool:
        """Only distributor staff inactivate (``card_inactivate`` refuses anyone else anyway)."""
        return DISTRIBUTOR in roles_of(request)


@admin.register(Use)
class UseAdmin(ReadOnlyScopedAdmin):
    """Uses are logged and cancelled through ``cards.services`` only (``use_log``, ``use_cancel``).

    A use's card number is shown only to those who may see that card: venue staff see their venue's
    uses without card numbers and cannot open them one by one.
    """

    view_roles = frozenset({COORDINATOR, REGIONAL_CONTACT, DISTRIBUTOR, VENUE})
    list_display = ("used_on", "card_number", "venue", "offer", "kind", "children", "group_size", "channel",
                    "cancelled")
    list_select_related = ("card", "venue", "offer")
    list_filter = ("kind", "channel", "card_kind", CancelledFilter, ("venue", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "used_on"
    readonly_fields = ("card_kind", "stat_group", "logged_at")

    def _sees_cards(self, request) -> bool:
        scope = scope_for(request.user)
        return scope.national or scope.is_regional or scope.is_distributor

    def get_queryset(self, request) -> QuerySet:
        """Each row carries whether its card is in the user's scope (the mask of ``card_number``)."""
        scope = scope_for(request.user)
        if scope.national:
            in_scope = Value(True)
        else:
            in_scope = Case(
                When(Q(card__office_id__in=scope.office_ids) | Q(card_region_id__in=scope.region_ids), then=True),
                default=False,
                output_field=BooleanField(),
            )
        return super().get_queryset(request).annotate(card_in_scope=in_scope)

    @admin.display(description=_("card"), ordering="card__number")
    def card_number(self, obj: Use) -> str:
        return obj.card.display_number if obj.card_in_scope else "—"

    @admin.display(description=_("cancelled"), boolean=True)
    def cancelled(self, obj: Use) -> bool:
        return obj.is_cancelled

    def get_list_display(self, request):
        if not self._sees_cards(request):
            return tuple(f for f in self.list_display if f != "card_number")
        return self.list_display

    def get_list_display_links(self, request, list_display):
        if not self._sees_cards(request):
            return None
        return super().get_list_display_links(request, list_display)

    def has_view_permission(self, request, obj=None) -> bool:
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or may_see_card_number(
            request.user, office_id=obj.card.office_id, region_id=obj.card_region_id
        )


@admin.register(CardCheck)
class CardCheckAdmin(ReadOnlyScopedAdmin):
    """The R12 record of counter checks, for the coordinator and regional contacts."""

    view_roles = frozenset({COORDINATOR, REGIONAL_CONTACT})
    list_display = ("at", "venue", "number", "result", "channel", "user")
    list_select_related = ("venue", "user")
    list_filter = ("result", "channel", ("venue", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "at"

    def scoped_queryset(self, request) -> QuerySet:
        return card_checks_visible_to(request.user)
