"""The audit trail, readable (R12): card changes, card checks, cancelled uses, exports, access granted and ended,
account deactivations and settings changes in one list — who, when, what, from which channel — scoped (a
coordinator reads everything; a regional contact their region's cards, offices, venues and staff), filtered,
paged and downloadable as a CSV that is itself recorded as an export.

Where each kind is read. Every kind stays where it is written: typed records (``cards.CardEvent``,
``cards.CardCheck``, the cancelled ``cards.Use``, ``reports.ExportRecord``) and django-auditlog entries (the
memberships of offices, venues and regions, invitations and API tokens; an account's ``is_active``; the network's
settings: national settings, regions, organisations, offices, venues, offers). Card and use rows of auditlog are
left out: their changes are the card events and uses above.

How the kinds come together: merged per kind, not a UNION. The seven sources have different columns (a UNION
would cast each to text) and a UNION sorted in the database must order every matching row of every kind before
it can cut a page. Here each kind is read on its own, already in the page's order — time, then kind, then id,
newest first, each table using its index on time — and cut at one page plus one row; ``heapq.merge`` merges
those few rows. A page therefore costs one query per kind asked for plus a fixed few (the admin channel, venue
names, region names), whatever the number of rows. The next page starts below the last row shown: a keyset
cursor (time, kind, id), not an offset, so page 1000 is as cheap as page 1. The CSV merges the same queries
streamed (``iterator``), in batches for the same fixed look-ups, with flat memory.

The channel: what a record says itself where it does (a card check's and a use's ``channel``, an export's
``params["channel"]``, our own auditlog entries' ``additional_data["channel"]``); else an auditlog entry that has
a matching Django admin log entry (same object, same person, within seconds) is ``admin``, one written without a
request (no remote address: management commands, scheduled tasks, imports) is ``task``, the API token endpoint's
(no signed-in actor) ``api``, any other ``page``. A card event says ``import`` or ``task`` by its kind; the page
or the API that changed a card is not recorded on the event, so those read "page or API".

Card numbers are masked (``cards.numbers.mask``) except when the exact-number filter is used: then the person
reading already knows the number.
"""

import datetime
import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django import forms
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.models import Invitation
from cards import numbers
from cards.models import Card, CardCheck, CardEvent, Use
from core.errors import MESSAGES
from core.exports import CsvWriter
from core.scopes import Scope, scope_for
from distributors.models import Office, OfficeMembership, Organisation
from regions.models import NationalSettings, Region, RegionMembership
from venues.models import Offer, Venue, VenueMembership

from .models import ExportRecord

PAGE_SIZE = 50
CSV_BATCH = 500  # events per batch of the CSV's look-ups (admin channel, venue names)
ADMIN_MATCH_SECONDS = 10  # an auditlog entry and the admin's own log entry of one change are this close

# The kinds, in the order that breaks a tie of time (the cursor's second key).
KINDS = {
    "card_change": _("Card change"),
    "card_check": _("Card check"),
    "use_cancelled": _("Cancelled use"),
    "export": _("Export"),
    "access": _("Access"),
    "account": _("Account"),
    "settings": _("Settings change"),
}
RANK = {kind: rank for rank, kind in enumerate(KINDS)}

CHANNELS = {
    "page": _("page"),
    "api": _("API"),
    "admin": _("admin"),
    "import": _("import"),
    "task": _("scheduled task"),
    "page_or_api": _("page or API"),
}
# cards.Use.Channel (card checks and uses) → the audit trail's channel
USE_CHANNELS = {"counter": "page", "late": "page", "api": "api", "import": "import"}

EXPORTS = {
    "national_dashboard": _("national dashboard"),
    "regional_dashboard": _("regional dashboard"),
    "uses": _("uses, one row per use"),
    "venue_uses": _("the venue's uses"),
    "api_uses": _("list of uses (API)"),
    "audit": _("audit trail"),
    "file:uses": _("prepared file: uses"),
    "file:dashboard": _("prepared file: dashboard figures"),
    "file:monthly_regional": _("prepared file: monthly regional report"),
    "file:annual_national": _("prepared file: annual national report"),
    "request:uses": _("file requested: uses"),
    "request:dashboard": _("file requested: dashboard figures"),
    "request:annual_national": _("file requested: annual national report"),
}
API_TOKEN_CHANGES = {
    "issued": _("API token issued"), "replaced": _("API token replaced"), "revoked": _("API token revoked"),
}
ACTIONS = {
    LogEntry.Action.CREATE: _("created"), LogEntry.Action.UPDATE: _("changed"), LogEntry.Action.DELETE: _("deleted"),
}
MEMBERSHIP_MODELS = (OfficeMembership, VenueMembership, RegionMembership)
SETTINGS_MODELS = (NationalSettings, Region, Organisation, Office, Venue, Offer)


def may_read_audit(user) -> bool:
    """The audit trail is for the coordinator (everything) and regional contacts (their regions)."""
    scope = scope_for(user)
    return scope.national or scope.is_regional


# --- filters -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    kind: str = ""  # "" = every kind
    person: object = None  # a user: who acted (or, for access and accounts, whose access changed)
    office: Office | None = None
    venue: Venue | None = None
    first: datetime.date | None = None
    last: datetime.date | None = None
    card_number: str = ""  # normalised; set = the exact-number filter, numbers shown in full

    def params(self) -> dict:
        """The filters as the export record keeps them (plain values)."""
        values = {
            "kind": self.kind, "person": getattr(self.person, "pk", None), "office": getattr(self.office, "pk", None),
            "venue": getattr(self.venue, "pk", None), "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None, "card": self.card_number,
        }
        return {key: value for key, value in values.items() if value}


class AuditFilterForm(forms.Form):
    """The audit trail's filters, read from the query string (so a filtered view is a link)."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    person = forms.CharField(label=_("Person (username)"), required=False, max_length=150)
    unit = forms.ChoiceField(label=_("Office or venue"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    card = forms.CharField(label=_("Exact card number"), required=False, max_length=20,
                           help_text=_("Card numbers are shown in full only for the exact number searched."))

    def __init__(self, data=None, *, user, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["kind"].choices = [("", _("All kinds")), *KINDS.items()]
        scope = scope_for(user)
        offices = Office.objects.all() if scope.national else Office.objects.filter(region_id__in=scope.region_ids)
        venues = Venue.objects.all() if scope.national else Venue.objects.filter(region_id__in=scope.region_ids)
        self.fields["unit"].choices = [
            ("", _("All offices and venues")),
            (_("Offices"), [(f"office:{pk}", name) for pk, name in offices.order_by("name", "pk").values_list(
                "pk", "name")]),
            (_("Venues"), [(f"venue:{pk}", name) for pk, name in venues.order_by("name", "pk").values_list(
                "pk", "name")]),
        ]

    def clean_card(self) -> str:
        number = numbers.normalize(self.cleaned_data["card"] or "")
        if number and not numbers.is_valid(number):
            raise forms.ValidationError(MESSAGES["card_number_invalid"], code="card_number_invalid")
        return number

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", MESSAGES["period_invalid"])
        return data

    def filters(self) -> AuditFilters | None:
        """The valid filters, or None when the form has errors (the page shows them and lists nothing)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        person = None
        if data["person"].strip():
            person = (get_user_model().objects.filter(username__iexact=data["person"].strip()).first()
                      or SimpleNamespace(pk=0))  # nobody of that name: no events (and no hint whether it exists)
        office = venue = None
        kind, _sep, pk = (data["unit"] or "").partition(":")
        if kind == "office":
            office = Office.objects.get(pk=int(pk))
        elif kind == "venue":
            venue = Venue.objects.get(pk=int(pk))
        return AuditFilters(kind=data["kind"], person=person, office=office, venue=venue, first=data["date_from"],
                            last=data["date_to"], card_number=data["card"])


# --- events ------------------------------------------------------------------------------------------------


@dataclass
class AuditEvent:
    kind: str
    at: datetime.datetime
    pk: int
    who: str
    what: str
    card: str = ""
    unit: str = ""
    channel: str = "page"
    log: LogEntry | None = field(default=None, repr=False)  # auditlog entries: for the admin channel
    venue_id: int | None = field(default=None, repr=False)  # exports of a venue's uses: its name is looked up

    @property
    def key(self) -> tuple:
        return (self.at, RANK[self.kind], self.pk)

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def channel_label(self) -> str:
        return str(CHANNELS.get(self.channel, self.channel))


def _name(user) -> str:
    return user.get_username() if user is not None else "–"


class _Numbers:
    """Card numbers as the reader may see them: in full for the exact number searched, else masked."""

    def __init__(self, exact: str) -> None:
        self.exact = exact

    def __call__(self, number: str | None) -> str:
        if not number:
            return ""
        if self.exact and numbers.normalize(number) == self.exact:
            return numbers.display(self.exact)
        return numbers.mask(numbers.normalize(number) or number)


def _day(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _date(value) -> str:
    """An ISO date of the stored details as people read it (j.n.Y); anything else as it is."""
    try:
        return _day(datetime.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


def _card_change(event: CardEvent, show) -> AuditEvent:
    details = event.details or {}
    parts = [str(event.get_kind_display())]
    if details.get("previous") and details.get("valid_until"):
        parts.append(str(_("valid until %(old)s → %(new)s")) % {
            "old": _date(details["previous"]), "new": _date(details["valid_until"])})
    elif details.get("valid_until"):
        parts.append(str(_("valid until %(day)s")) % {"day": _date(details["valid_until"])})
    if details.get("reason"):
        parts.append(str(dict(Card.InactiveReason.choices).get(details["reason"], details["reason"])))
    if details.get("replaced_by"):
        parts.append(str(_("new card %(number)s")) % {"number": show(details["replaced_by"])})
    if details.get("replaces"):
        parts.append(str(_("replaces %(number)s")) % {"number": show(details["replaces"])})
    channel = details.get("channel") or (
        "import" if event.kind == CardEvent.Kind.IMPORTED
        else "task" if event.kind == CardEvent.Kind.REDUCED or event.by_id is None else "page_or_api")
    office = event.office or event.card.office
    return AuditEvent("card_change", event.at, event.pk, _name(event.by), ", ".join(parts), show(event.card.number),
                      office.name if office else "", channel)


def _card_check(check: CardCheck, show) -> AuditEvent:
    result = _("valid") if check.result == "valid" else MESSAGES.get(check.result, check.result)
    return AuditEvent("card_check", check.at, check.pk, _name(check.user), str(_("checked: %(result)s")) % {
        "result": result}, show(check.card.number if check.card_id else check.number),
        check.venue.name if check.venue_id else "", USE_CHANNELS.get(check.channel, "page"))


def _use_cancelled(use: Use, show) -> AuditEvent:
    what = str(_("%(kind)s of %(day)s cancelled: %(reason)s")) % {
        "kind": use.get_kind_display(), "day": _day(use.used_on), "reason": use.cancel_reason}
    return AuditEvent("use_cancelled", use.cancelled_at, use.pk, _name(use.cancelled_by), what, show(use.card.number),
                      use.venue.name, "api" if use.channel == Use.Channel.API else "page")


def _export(record: ExportRecord, show) -> AuditEvent:
    what = str(EXPORTS.get(record.what, record.what))
    what = f"{what} ({record.format.upper()})"
    if record.rows is not None:
        what += ", " + str(_("%(rows)s rows")) % {"rows": record.rows}
    regions = sorted(region.name for region in record.regions.all())
    unit = str(_("whole country")) if record.national else ", ".join(regions)
    venue_id = (record.params or {}).get("venue")
    return AuditEvent("export", record.at, record.pk, _name(record.user), what, "", unit,
                      (record.params or {}).get("channel") or "page",
                      venue_id=venue_id if isinstance(venue_id, int) else None)


def _changes_text(entry: LogEntry) -> str:
    """``field: old → new`` with the fields' names as people read them (no look-up of related rows)."""
    model = entry.content_type.model_class()
    parts = []
    for name, values in sorted((entry.changes or {}).items()):
        try:
            label = model._meta.get_field(name).verbose_name if model else name
        except Exception:  # a field since removed: its stored name
            label = name
        if isinstance(values, list) and len(values) == 2:
            parts.append(f"{label}: {values[0]} → {values[1]}")
    return "; ".join(parts)


def _log_channel(entry: LogEntry) -> str:
    recorded = (entry.additional_data or {}).get("channel") if isinstance(entry.additional_data, dict) else None
    if recorded:
        return recorded
    if entry.remote_addr is None:
        return "task"
    if entry.actor_id is None and "api_token" in (entry.changes or {}):
        return "api"
    return "page"


def _access(entry: LogEntry, show) -> AuditEvent:
    changes = entry.changes or {}
    model = entry.content_type.model_class()
    if "api_token" in changes:
        change = changes["api_token"][-1] if isinstance(changes["api_token"], list) else ""
        what = f"{API_TOKEN_CHANGES.get(change, change)}: {entry.object_repr}"
    elif model is Invitation and entry.action == LogEntry.Action.CREATE:
        what = str(_("invitation sent: %(what)s")) % {"what": entry.object_repr}
    elif model is Invitation and "accepted_at" in changes:
        what = str(_("invitation accepted: %(what)s")) % {"what": entry.object_repr}
    elif entry.action == LogEntry.Action.CREATE:
        what = str(_("access granted: %(what)s")) % {"what": entry.object_repr}
    elif "ended_on" in changes and changes["ended_on"][-1] not in (None, "None"):
        what = str(_("access ended: %(what)s (last day %(day)s)")) % {
            "what": entry.object_repr, "day": _date(changes["ended_on"][-1])}
    else:
        what = f"{ACTIONS.get(entry.action, '')}: {entry.object_repr}"
        if changes:
            what += f" ({_changes_text(entry)})"
    return AuditEvent("access", entry.timestamp, entry.pk, _name(entry.actor), what, "", "", _log_channel(entry),
                      log=entry)


def _account(entry: LogEntry, show) -> AuditEvent:
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    active = (entry.changes or {}).get("is_active", ["", ""])[-1]
    if active == "False":
        what = str(_("account deactivated: %(name)s")) % {"name": entry.object_repr}
        if "memberships_ended" in data:
            what += " (" + str(_("access ended: %(ended)s, API token revoked: %(token)s")) % {
                "ended": data["memberships_ended"],
                "token": _("yes") if data.get("api_token_revoked") else _("no")} + ")"
    else:
        what = str(_("account activated again: %(name)s")) % {"name": entry.object_repr}
    return AuditEvent("account", entry.timestamp, entry.pk, _name(entry.actor), what, "", "", _log_channel(entry),
                      log=entry)


def _settings(entry: LogEntry, show) -> AuditEvent:
    model = entry.content_type.model_class()
    label = str(model._meta.verbose_name if model else entry.content_type.model)
    name = "" if entry.object_repr.lower() == label.lower() else f" {entry.object_repr}"
    what = f"{label.capitalize()}{name} {ACTIONS.get(entry.action, '')}"
    if entry.action == LogEntry.Action.UPDATE and entry.changes:
        what += f": {_changes_text(entry)}"
    return AuditEvent("settings", entry.timestamp, entry.pk, _name(entry.actor), what, "", "", _log_channel(entry),
                      log=entry)


# --- the sources, scoped and filtered ----------------------------------------------------------------------


def _ct(*models) -> list[int]:
    """The content type ids of ``models``, in their order (cached by Django after the first time)."""
    types = ContentType.objects.get_for_models(*models, for_concrete_models=False)
    return [types[model].pk for model in models]


def _ids(model, **lookups) -> QuerySet:
    return model.objects.filter(**lookups).values("pk")


def _staff_user_ids(region_ids) -> Q:
    """Accounts that have worked (or work) in the regions: their offices, venues or as their contacts."""
    return (
        Q(object_id__in=OfficeMembership.objects.filter(office__region_id__in=region_ids).values("user_id"))
        | Q(object_id__in=VenueMembership.objects.filter(venue__region_id__in=region_ids).values("user_id"))
        | Q(object_id__in=RegionMembership.objects.filter(region_id__in=region_ids).values("user_id"))
    )


def _unit_user_ids(filters: AuditFilters) -> Q:
    if filters.office is not None:
        return Q(object_id__in=OfficeMembership.objects.filter(office=filters.office).values("user_id"))
    return Q(object_id__in=VenueMembership.objects.filter(venue=filters.venue).values("user_id"))


@dataclass(frozen=True)
class Source:
    kind: str
    at: str  # the time field
    build: object  # (scope, filters) -> QuerySet | None (None: this kind has nothing for these filters)
    event: object  # (row, show) -> AuditEvent


def _card_events(scope: Scope, f: AuditFilters) -> QuerySet | None:
    if f.venue is not None:
        return None
    qs = CardEvent.objects.select_related("by", "office", "card__office")
    if not scope.national:
        qs = qs.filter(card__region_id__in=scope.region_ids)
    if f.person is not None:
        qs = qs.filter(by_id=f.person.pk)
    if f.office is not None:
        qs = qs.filter(Q(office=f.office) | Q(card__office=f.office))
    if f.card_number:
        qs = qs.filter(card__number=f.card_number)
    return qs


def _card_checks(scope: Scope, f: AuditFilters) -> QuerySet | None:
    qs = CardCheck.objects.select_related("user", "venue", "card")
    if not scope.national:
        qs = qs.filter(Q(venue__region_id__in=scope.region_ids) | Q(card__region_id__in=scope.region_ids))
    if f.person is not None:
        qs = qs.filter(user_id=f.person.pk)
    if f.office is not None:
        qs = qs.filter(card__office=f.office)
    if f.venue is not None:
        qs = qs.filter(venue=f.venue)
    if f.card_number:
        qs = qs.filter(Q(card__number=f.card_number) | Q(number__iexact=f.card_number)
                       | Q(number__iexact=numbers.display(f.card_number)))
    return qs


def _cancelled_uses(scope: Scope, f: AuditFilters) -> QuerySet | None:
    qs = Use.objects.filter(cancelled_at__isnull=False).select_related("cancelled_by", "venue", "card")
    if not scope.national:
        qs = qs.filter(Q(venue_region_id__in=scope.region_ids) | Q(card_region_id__in=scope.region_ids))
    if f.person is not None:
        qs = qs.filter(cancelled_by_id=f.person.pk)
    if f.office is not None:
        qs = qs.filter(card__office=f.office)
    if f.venue is not None:
        qs = qs.filter(venue=f.venue)
    if f.card_number:
        qs = qs.filter(card__number=f.card_number)
    return qs


def _exports(scope: Scope, f: AuditFilters) -> QuerySet | None:
    if f.card_number or f.office is not None:
        return None
    qs = ExportRecord.objects.select_related("user").prefetch_related("regions")
    if not scope.national:
        qs = qs.filter(pk__in=ExportRecord.regions.through.objects.filter(region_id__in=scope.region_ids)
                       .values("exportrecord_id"))
    if f.person is not None:
        qs = qs.filter(user_id=f.person.pk)
    if f.venue is not None:
        qs = qs.filter(params__venue=f.venue.pk)
    return qs


def _log_entries() -> QuerySet:
    return LogEntry.objects.select_related("actor", "content_type")


def _access_entries(scope: Scope, f: AuditFilters) -> QuerySet | None:
    if f.card_number:
        return None
    office_ct, venue_ct, region_ct, invitation_ct, user_ct = _ct(
        OfficeMembership, VenueMembership, RegionMembership, Invitation, get_user_model())
    qs = _log_entries().filter(
        Q(content_type_id__in=[office_ct, venue_ct, region_ct, invitation_ct])
        | Q(content_type_id=user_ct, changes__has_key="api_token")
    )
    if not scope.national:
        regions = scope.region_ids
        qs = qs.filter(
            Q(content_type_id=office_ct, object_id__in=_ids(OfficeMembership, office__region_id__in=regions))
            | Q(content_type_id=venue_ct, object_id__in=_ids(VenueMembership, venue__region_id__in=regions))
            | Q(content_type_id=region_ct, object_id__in=_ids(RegionMembership, region_id__in=regions))
            | Q(content_type_id=invitation_ct, object_id__in=Invitation.objects.filter(
                Q(office__region_id__in=regions) | Q(venue__region_id__in=regions) | Q(region_id__in=regions)
            ).values("pk"))
            | (Q(content_type_id=user_ct) & _staff_user_ids(regions))
        )
    if f.person is not None:
        pk = f.person.pk
        qs = qs.filter(
            Q(actor_id=pk)
            | Q(content_type_id=office_ct, object_id__in=_ids(OfficeMembership, user_id=pk))
            | Q(content_type_id=venue_ct, object_id__in=_ids(VenueMembership, user_id=pk))
            | Q(content_type_id=region_ct, object_id__in=_ids(RegionMembership, user_id=pk))
            | Q(content_type_id=user_ct, object_id=pk)
        )
    if f.office is not None:
        qs = qs.filter(Q(content_type_id=office_ct, object_id__in=_ids(OfficeMembership, office=f.office))
                       | Q(content_type_id=invitation_ct, object_id__in=_ids(Invitation, office=f.office)))
    if f.venue is not None:
        qs = qs.filter(Q(content_type_id=venue_ct, object_id__in=_ids(VenueMembership, venue=f.venue))
                       | Q(content_type_id=invitation_ct, object_id__in=_ids(Invitation, venue=f.venue)))
    return qs


def _account_entries(scope: Scope, f: AuditFilters) -> QuerySet | None:
    if f.card_number:
        return None
    qs = _log_entries().filter(content_type_id=_ct(get_user_model())[0], changes__has_key="is_active")
    if not scope.national:
        qs = qs.filter(_staff_user_ids(scope.region_ids))
    if f.person is not None:
        qs = qs.filter(Q(actor_id=f.person.pk) | Q(object_id=f.person.pk))
    if f.office is not None or f.venue is not None:
        qs = qs.filter(_unit_user_ids(f))
    return qs


def _settings_entries(scope: Scope, f: AuditFilters) -> QuerySet | None:
    if f.card_number:
        return None
    models = [model for model in SETTINGS_MODELS if auditlog.contains(model)]
    cts = dict(zip(models, _ct(*models), strict=True))
    qs = _log_entries().filter(content_type_id__in=cts.values())
    if not scope.national:
        regions = scope.region_ids
        qs = qs.filter(
            Q(content_type_id=cts.get(Region), object_id__in=_ids(Region, pk__in=regions))
            | Q(content_type_id=cts.get(Office), object_id__in=_ids(Office, region_id__in=regions))
            | Q(content_type_id=cts.get(Venue), object_id__in=_ids(Venue, region_id__in=regions))
            | Q(content_type_id=cts.get(Offer), object_id__in=_ids(Offer, venue__region_id__in=regions))
        )
    if f.person is not None:
        qs = qs.filter(actor_id=f.person.pk)
    if f.office is not None:
        qs = qs.filter(content_type_id=cts.get(Office), object_id=f.office.pk)
    if f.venue is not None:
        qs = qs.filter(Q(content_type_id=cts.get(Venue), object_id=f.venue.pk)
                       | Q(content_type_id=cts.get(Offer), object_id__in=_ids(Offer, venue=f.venue)))
    return qs


SOURCES = (
    Source("card_change", "at", _card_events, _card_change),
    Source("card_check", "at", _card_checks, _card_check),
    Source("use_cancelled", "cancelled_at", _cancelled_uses, _use_cancelled),
    Source("export", "at", _exports, _export),
    Source("access", "timestamp", _access_entries, _access),
    Source("account", "timestamp", _account_entries, _account),
    Source("settings", "timestamp", _settings_entries, _settings),
)


# --- the keyset cursor -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """The last row shown: the next page lists what comes after it in (time, kind, id), newest first."""

    at: datetime.datetime
    rank: int
    pk: int

    def encode(self) -> str:
        return f"{self.at.isoformat()}~{self.rank}~{self.pk}"

    @classmethod
    def decode(cls, text: str | None) -> "Cursor | None":
        try:
            at, rank, pk = (text or "").split("~")
            moment = datetime.datetime.fromisoformat(at)
            rank, pk = int(rank), int(pk)
        except ValueError:
            return None
        if timezone.is_naive(moment) or not (0 <= rank < len(KINDS) and 0 <= pk < 2**63):
            return None  # not a cursor this page wrote: the newest events instead
        return cls(moment, rank, pk)

    def after(self, source: Source) -> Q:
        """The rows of ``source`` that come after this cursor."""
        rank = RANK[source.kind]
        at = source.at
        if rank < self.rank:
            return Q(**{f"{at}__lte": self.at})
        if rank > self.rank:
            return Q(**{f"{at}__lt": self.at})
        return Q(**{f"{at}__lt": self.at}) | Q(**{at: self.at, "pk__lt": self.pk})


def _queries(user, filters: AuditFilters, cursor: Cursor | None) -> list[tuple[Source, QuerySet]]:
    scope = scope_for(user)
    if not (scope.national or scope.is_regional):
        return []
    queries = []
    for source in SOURCES:
        if filters.kind and filters.kind != source.kind:
            continue
        qs = source.build(scope, filters)
        if qs is None:
            continue
        if filters.first is not None and filters.first > EARLIEST:
            qs = qs.filter(**{f"{source.at}__gte": _start_of(filters.first)})
        if filters.last is not None and filters.last < LATEST:
            qs = qs.filter(**{f"{source.at}__lt": _start_of(filters.last + datetime.timedelta(days=1))})
        if cursor is not None:
            qs = qs.filter(cursor.after(source))
        queries.append((source, qs.order_by(f"-{source.at}", "-pk")))
    return queries


# Dates beyond these bound nothing (and would not survive the conversion to UTC): no event is older or newer.
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(9000, 1, 1)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- what the look-ups add: the admin channel, the names of exported venues --------------------------------


def _complete(events: list[AuditEvent]) -> list[AuditEvent]:
    """Two queries at most for a whole page or CSV batch: which auditlog entries the Django admin wrote (its own
    log entry for the same object and person, within seconds), and the names of the venues whose uses were
    exported."""
    logged = [event for event in events if event.log is not None and event.log.actor_id is not None
              and event.channel == "page"]
    if logged:
        times = [event.log.timestamp for event in logged]
        margin = datetime.timedelta(seconds=ADMIN_MATCH_SECONDS)
        admin = {}
        for ct, object_id, user_id, at in AdminLogEntry.objects.filter(
            content_type_id__in={event.log.content_type_id for event in logged},
            object_id__in={event.log.object_pk for event in logged},
            action_time__range=(min(times) - margin, max(times) + margin),
        ).values_list("content_type_id", "object_id", "user_id", "action_time"):
            admin.setdefault((ct, object_id, user_id), []).append(at)
        for event in logged:
            entry = event.log
            if any(abs(at - entry.timestamp) <= margin
                   for at in admin.get((entry.content_type_id, entry.object_pk, entry.actor_id), ())):
                event.channel = "admin"
    venue_ids = {event.venue_id for event in events if event.venue_id is not None}
    if venue_ids:
        names = dict(Venue.objects.filter(pk__in=venue_ids).values_list("pk", "name"))
        for event in events:
            if event.venue_id in names:
                event.unit = names[event.venue_id]
    return events


# --- the page and the CSV ----------------------------------------------------------------------------------


@dataclass
class AuditPage:
    events: list[AuditEvent]
    next_cursor: str | None  # None: nothing older
    first: bool  # the newest events (no cursor)


def audit_page(*, user, filters: AuditFilters, cursor: str | None = None, size: int = PAGE_SIZE) -> AuditPage:
    """One page of the trail in ``user``'s scope: the newest events after ``cursor``, at most ``size``."""
    after = Cursor.decode(cursor)
    show = _Numbers(filters.card_number)
    rows = []
    for source, qs in _queries(user, filters, after):
        rows.append([source.event(row, show) for row in qs[: size + 1]])
    merged = list(itertools.islice(heapq.merge(*rows, key=lambda event: event.key, reverse=True), size + 1))
    events = _complete(merged[:size])
    last = events[-1] if len(merged) > size else None
    return AuditPage(events=events, first=after is None,
                     next_cursor=Cursor(last.at, RANK[last.kind], last.pk).encode() if last else None)


def audit_events(*, user, filters: AuditFilters) -> Iterator[AuditEvent]:
    """Every event of the trail in ``user``'s scope, newest first, streamed (the CSV): the same queries merged."""
    show = _Numbers(filters.card_number)
    streams = [
        (source.event(row, show) for row in qs.iterator(chunk_size=CSV_BATCH))
        for source, qs in _queries(user, filters, None)
    ]
    merged = heapq.merge(*streams, key=lambda event: event.key, reverse=True)
    while batch := list(itertools.islice(merged, CSV_BATCH)):
        yield from _complete(batch)


CSV_HEADER = ["at", "kind", "person", "what", "card", "office_or_venue", "channel"]


def audit_csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The CSV (core.exports: formula-neutralised, ``;``, BOM), in chunks of lines for streaming."""
    writer = CsvWriter()
    rows = itertools.chain([CSV_HEADER], (
        [timezone.localtime(event.at), event.kind_label, event.who, event.what, event.card, event.unit,
         event.channel_label]
        for event in events
    ))
    return writer.lines(rows, batch=CSV_BATCH)


def audit_region_ids(user) -> list[int] | None:
    """The regions whose trail ``user`` reads (None: the whole country): what the CSV's export record names."""
    scope = scope_for(user)
    return None if scope.national else sorted(scope.region_ids)
