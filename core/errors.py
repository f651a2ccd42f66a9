"""One domain error type with its stable codes. The API turns it into HTTP in ``core.api.exceptions``, pages
show its translated message; this module imports no web framework so every layer may raise it."""

from django.utils.translation import gettext_lazy as _

# Stable codes (DESIGN §4 plus the few the rules need besides) and their user-facing messages.
MESSAGES = {
    "holder_too_young": _("The holder must be at least 16 or turn 16 this year."),
    "municipality_not_in_network": _("The home municipality does not belong to an active Kaikukortti region."),
    "card_number_invalid": _("The card number is mistyped: its check character does not match."),
    "card_number_taken": _("A card with this number already exists."),
    "card_expired": _("The card has expired."),
    "card_inactive": _("The card is no longer in use (lost, replaced or returned)."),
    "card_not_found": _("No card has this number."),
    "too_many_children": _("More children than the card allows."),
    "children_not_allowed_for_courses": _("Children cannot be logged on a course place."),
    "courses_need_personal_card": _("A course place needs a personal card; community cards are not valid for courses."),
    "card_not_valid_in_region": _("The card is not valid at this venue's region."),
    "venue_inactive": _("The venue is not active today."),
    "quota_exhausted": _("All Kaikukortti places of this offer have been used."),
    "region_inactive": _("The office's region is not active today."),
    "office_inactive": _("The office is not active today."),
    "not_allowed": _("You are not allowed to do this."),
    "group_size_invalid": _("The group size is outside what a community card allows."),
    "children_invalid": _("The number of children is not valid."),
    "birth_year_invalid": _("The birth year is not valid."),
    "cancel_window_passed": _("The use is older than the cancellation window."),
    "use_already_cancelled": _("The use has already been cancelled."),
    "late_entry_window_passed": _("The date is older than the late-entry window allows."),
    "used_on_in_future": _("A use cannot be dated in the future."),
    "offer_mismatch": _("The offer does not belong to this venue, is not current or is of another kind."),
    "course_not_offered": _("This venue does not offer courses."),
    "reason_required": _("A reason is required."),
    "card_not_renewable": _("Only an active card can be renewed."),
    "card_reduced": _("The card's details were removed after the retention period. Register a new card instead."),
    "card_kind_mismatch": _("This action is not available for this kind of card."),
    "idempotency_conflict": _(
        "The same request key was already used with different details. Reload the page and try again."
    ),
    "throttled": _("Too many failed card checks. Wait a minute before checking again."),
    # Issue 11: the same card again at the same venue on the same day is logged only when confirmed.
    "repeat_use": _(
        "This card has already been logged at this venue on this day. Log it again only if this is another visit."
    ),
    "municipality_file_invalid": _("The municipality file has errors; nothing was loaded."),
    # Invitations (access.services) and the card import (cards.resources).
    "invitation_invalid": _("The invitation link is not valid."),
    "invitation_expired": _("The invitation has expired."),
    "invitation_used": _("The invitation has already been accepted."),
    "invitation_target_invalid": _("An invitation is for exactly one office or one venue."),
    "email_invalid": _("Enter a valid e-mail address."),
    "already_member": _("This person already works here."),
    "username_taken": _("This username is already taken."),
    "municipality_unknown": _("No municipality has this code or name."),
    "postal_code_invalid": _("A postal code has five digits."),
    "language_invalid": _("The language must be fi, sv or en."),
    "choice_invalid": _("The value is not one of the choices."),
    "import_columns_missing": _("The file needs a header row with at least the columns birth_year and municipality."),
    "import_file_unreadable": _("The file could not be read as CSV or Excel (.xlsx)."),
    "import_too_many_rows": _("The file has too many rows (at most 100,000)."),
    "import_file_too_large": _("The workbook is too large when unpacked. Save it as CSV, or split it into smaller "
                               "files."),
    "period_invalid": _("The period ends before it starts."),
    "report_not_ready": _("The file is not ready yet."),
    "job_interrupted": _(
        "Making the file was interrupted too many times, so it was stopped. Request it again, perhaps for a shorter "
        "period, or ask the national support."
    ),
    "card_format_invalid": _("The card format must be paper, mobile or both."),
    "wellbeing_invalid": _("The wellbeing answer must be between 1 and 5."),
    "offer_title_required": _("The offer needs a title."),
    "offer_kind_invalid": _("The offer must be an event, a performance or a course."),
    "offer_dates_invalid": _("The offer must end on or after the day it starts."),
    "offer_quota_invalid": _("The number of Kaikukortti places must be at least 1, or empty for no limit."),
    "offer_quota_below_used": _("The number of places cannot be lower than the places already used."),
    "offer_kind_in_use": _("The kind of an offer cannot change after uses have been logged on it."),
    # Running the networks (issue 12): regions, national settings, offices, venues and their public contacts.
    "name_required": _("A name is required."),
    "region_name_taken": _("A region with this name already exists."),
    "period_start_required": _("Give the first day of the period."),
    "pilot_end_required": _("A pilot needs an end date; a permanent network has none, or the day it closed."),
    "validity_days_invalid": _(
        "The default validity must be between %(min)s and %(max)s days, or empty for the national default."
    ),
    "valid_until_invalid": _("Cards cannot be valid only until a day before the region starts."),
    "municipalities_required": _("Choose at least one municipality."),
    "municipality_in_other_region": _(
        "%(municipality)s already belongs to the region %(region)s. Remove it from that region first."
    ),
    "setting_out_of_range": _("The value must be between %(min)s and %(max)s."),
    "group_range_invalid": _("The community group minimum cannot be larger than its maximum."),
    "contact_name_required": _("Give the contact person's name."),
    "contact_reachable_required": _("Give a phone number or an e-mail address, so that people can reach them."),
    "phone_invalid": _("Enter a phone number with digits, spaces and hyphens, e.g. +358 40 123 4567."),
    "url_invalid": _("Enter a web address that starts with https:// or http://."),
    "public_contact_required": _(
        "A listed office needs at least one public contact: a text, a phone number, an e-mail or a web address."
    ),
    "venue_name_taken": _("The region already has a venue with this name."),
    "office_name_taken": _("The organisation already has an office with this name."),
    "municipality_required": _("Choose the municipality."),
    "municipality_not_in_region": _("The municipality does not belong to this region."),
    "campaign_end_required": _("A pop-up venue's campaign needs an end date."),
    "close_date_invalid": _("The last day must be yesterday or later, and within the current period."),
    "already_closed": _("It has already closed."),
    "not_started_yet": _("Its period has not begun on that day: change its first day on its edit page instead."),
    # The staff lifecycle (access.services): deactivating an account.
    "account_self": _("You cannot deactivate your own account."),
    # The API's JSON parser (core.api.base): a body nested deeper than any request of this API needs.
    "invalid_json": _("The JSON in the request body is nested too deeply."),
    # The holder's own mobile card (cards.holder, issue 14).
    "activation_invalid": _(
        "The card number or the activation code is not right, or the code has already been used. Check both and try "
        "again, or ask the office that gave you the card for a new code."
    ),
    "activation_throttled": _("Too many attempts. Wait 15 minutes before trying again."),
    "mobile_code_invalid": _("The scanned code is not a Kaikukortti mobile card code. Type the card number instead."),
    # The card import job (cards.imports, issue 15).
    "import_already_done": _("This file has already been imported for this office: nothing was saved again."),
    "import_empty": _("The file has no rows."),
    "import_failed": _("The import failed and nothing was saved. Try again later or contact support."),
    "import_interrupted": _("The import stopped because the server handling it was lost, and nothing was saved. "
                            "Upload the file again."),
    # Bookings ahead, door lists and venue keys (issue 16).
    "performance_past": _("The performance has already taken place."),
    "performance_full": _("All Kaikukortti places of this performance are booked."),
    "performance_date_invalid": _("The performance must be on a day of the offer's period."),
    "performance_quota_invalid": _("A performance needs at least 1 Kaikukortti place."),
    "performance_taken": _("The offer already has a performance at this time."),
    "already_booked": _("This card already has a booking for this performance."),
    "booking_not_open": _("This booking has already been cancelled, checked in or marked as a no-show."),
    "key_scope_missing": _("This key does not have the scope for this action."),
    "key_scopes_required": _("Choose at least one scope."),
    "key_revoked": _("The key has been revoked."),
}

# HTTP status of a refusal in the API; every other code answers 400.
HTTP_STATUS = {
    "card_not_found": 404,
    "not_allowed": 404,
    "quota_exhausted": 409,
    "card_number_taken": 409,
    "idempotency_conflict": 409,
    "repeat_use": 409,
    "use_already_cancelled": 409,
    "throttled": 429,
    "performance_full": 409,
    "already_booked": 409,
    "booking_not_open": 409,
    "key_scope_missing": 403,
    "key_revoked": 409,
    "activation_throttled": 429,
}


class DomainError(Exception):
    """A business rule refused. ``code`` is stable; ``message`` is translated for people."""

    def __init__(self, code: str, message: str | None = None, **params: object) -> None:
        self.code = code
        self.params = params
        self.message = message or MESSAGES.get(code, code)
        super().__init__(f"{code}: {self.message}")

    def __str__(self) -> str:
        return str(self.message)

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)
