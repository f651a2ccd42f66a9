"""Card and use serializers. They shape JSON only: every rule is in ``cards.services``."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cards import numbers
from cards.models import Card, Use
from cards.permissions import may_see_card_number
from cards.services import birth_year_check
from core.api.common import ID_FIELD, RefSerializer, StrictSerializer
from venues.models import StatGroup

CHECK_CODES = [
    "card_number_invalid",
    "card_not_found",
    "card_inactive",
    "card_expired",
    "card_not_valid_in_region",
    "venue_inactive",
]

# The shape of a typed card number (R2) for the schema: nine symbols of the alphabet, upper or lower case, with
# any hyphens and spaces. Whether the last one is the right check character only the service can tell
# (400 ``card_number_invalid``); a number of another shape is refused with that code too.
_SEPARATORS = r"[ \t\r\n-]*"
_SYMBOL = "[" + numbers.ALPHABET + "".join(ch.lower() for ch in numbers.ALPHABET if ch.isalpha()) + "]"
CARD_NUMBER_PATTERN = f"^{_SEPARATORS}(?:{_SYMBOL}{_SEPARATORS}){{{numbers.LENGTH}}}$"
CARD_NUMBER_HELP = (
    "Nine characters as printed (ABC-DEF-GHJ); hyphens, spaces and lower case are fine. The last one is a check "
    "character: a mistyped number answers 400 `card_number_invalid`."
)


@extend_schema_field({"type": "string", "pattern": CARD_NUMBER_PATTERN, "maxLength": 40})
class TypedCardNumberField(serializers.CharField):
    """A card number as typed in a request; checked by the services (``numbers.clean``), not here."""


class CardSerializer(serializers.ModelSerializer):
    """A card as its office and region see it. No direct identifier exists to show (DESIGN §3)."""

    display_number = serializers.CharField(read_only=True, help_text="The number as printed: ABC-DEF-GHJ.")
    office = RefSerializer(read_only=True)
    region = RefSerializer(read_only=True)
    home_municipality = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    replaces = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True,
                                            help_text="The number of the card this one replaced (R4).")
    inactive_reason = serializers.ChoiceField(choices=Card.InactiveReason.choices, allow_blank=True, read_only=True,
                                              help_text="Why an inactive card was ended; empty while active.")
    replaced_by = serializers.SerializerMethodField(help_text="The number of the card that replaced this one (R4).")

    class Meta:
        model = Card
        fields = [
            "number", "display_number", "kind", "status", "office", "region", "home_municipality", "postal_code",
            "birth_year", "children", "format", "language", "issued_on", "valid_until", "inactive_reason",
            "inactivated_on", "first_used_on", "replaces", "replaced_by",
        ]
        read_only_fields = fields

    def get_replaced_by(self, card: Card) -> str | None:
        try:
            return card.replaced_by.number
        except Card.replaced_by.RelatedObjectDoesNotExist:
            return None


class CardIssueSerializer(StrictSerializer):
    """R1: register a personal card. Rules (age, network, office) are checked by ``card_issue``."""

    office = serializers.IntegerField(**ID_FIELD, help_text="Your office's id (GET /api/v1/me/).")
    birth_year = serializers.IntegerField(min_value=0, max_value=9999)
    home_municipality = serializers.RegexField(r"^[0-9]{3}$", max_length=3,
                                               help_text='Official 3-digit municipality code, e.g. "837".')
    children = serializers.IntegerField(default=0, min_value=0, max_value=9999,
                                        help_text="Own minor children or grandchildren (R5), printed on the card.")
    format = serializers.ChoiceField(choices=Card.Format.choices, default=Card.Format.PAPER)
    number = TypedCardNumberField(required=False, allow_blank=True, allow_null=True, max_length=40,
                                  help_text="A pre-printed card's number; empty to generate one. "
                                  + CARD_NUMBER_HELP)
    postal_code = serializers.RegexField(r"^[0-9]{5}$", max_length=5, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Card.Language.choices, default=Card.Language.FI)
    idempotency_key = serializers.CharField(
        required=False, allow_blank=True, max_length=64,
        help_text="Repeat the same request with the same key to get the same card back (200) instead of a "
        "second card. Keys are kept for 24 hours per user.",
    )

    def validate_birth_year(self, value: int) -> int:
        """R1's bounds, the ones the form and the importer use (``birth_year_invalid``); the schema's 0–9999
        only says the field holds a year, the possible years depend on today."""
        birth_year_check(value)
        return value


class ServedCardSerializer(serializers.ModelSerializer):
    """A card as any office of its region sees it when serving the holder (R3/R4): what renewing, replacing and
    printing it take. No birth year, home municipality, postal code or voluntary answer: another office of the
    region does not need them, and ``GET /cards/{number}/`` gives them only within the caller's own scope."""

    display_number = serializers.CharField(read_only=True, help_text="The number as printed: ABC-DEF-GHJ.")
    office = RefSerializer(read_only=True, help_text="The issuing office; a replacement keeps it.")
    region = RefSerializer(read_only=True, help_text="The card's region: its offices may renew and replace it.")

    class Meta:
        model = Card
        fields = ["number", "display_number", "kind", "status", "office", "region", "children", "format", "language",
                  "issued_on", "valid_until"]
        read_only_fields = fields


# Why a card is replaced (the page's choices); named CardReplaceReasonEnum in the schema (settings).
REPLACE_REASONS = [(Card.InactiveReason.LOST.value, "lost or stolen"), (Card.InactiveReason.OTHER.value, "other")]


class CardRenewSerializer(StrictSerializer):
    """R3: renew a card. Whether it may be renewed is ``card_renew``'s answer."""

    wellbeing_at_renewal = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5,
        help_text="Voluntary: how the holder is doing, 1 (badly) – 5 (well).",
    )


class CardReplaceSerializer(StrictSerializer):
    """R4: replace a lost card. Whether it may be replaced is ``card_replace``'s answer."""

    number = TypedCardNumberField(required=False, allow_blank=True, allow_null=True, max_length=40,
                                  help_text="The new pre-printed card's number; empty to generate one. "
                                  + CARD_NUMBER_HELP)
    reason = serializers.ChoiceField(
        choices=REPLACE_REASONS, default=Card.InactiveReason.LOST,
        help_text="Why the old card is replaced; it is recorded on the old card.",
    )


class CardCheckQuerySerializer(serializers.Serializer):
    venue = serializers.IntegerField(**ID_FIELD, help_text="The id of your venue.")
    code = serializers.RegexField(
        r"^[0-9]{6}$", required=False,
        help_text="The live code of a mobile card (six digits; issue 14), when it was not scanned as part of the "
        "number (`KK1:<number>:<code>`). Without it the answer's `mobile_code` is null, as for a paper card.",
    )


class CheckUseSerializer(serializers.Serializer):
    """An earlier use of the checked card at this venue today (issue 11): what a repeat would repeat."""

    id = serializers.IntegerField()
    logged_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=Use.Kind.choices)
    offer = serializers.IntegerField(source="offer_id", allow_null=True)
    children = serializers.IntegerField()
    group_size = serializers.IntegerField(allow_null=True)
    channel = serializers.ChoiceField(choices=Use.Channel.choices)


class CardCheckSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="The number as normalised (upper case, no separators).")
    kind = serializers.ChoiceField(choices=Card.Kind.choices, allow_null=True)
    valid = serializers.BooleanField()
    code = serializers.ChoiceField(choices=CHECK_CODES, allow_null=True,
                                   help_text="Null when valid, else why the card is refused here.")
    valid_until = serializers.DateField(allow_null=True)
    children_allowed = serializers.IntegerField(
        help_text="How many children (personal card) or group members (community card) may come along; 0 if "
        "the card is not valid.",
    )
    region = RefSerializer(allow_null=True, help_text="The card's region.")
    uses_today = CheckUseSerializer(
        many=True,
        help_text="A valid card's uses at this venue today that are not cancelled, oldest first (empty otherwise): "
        "logging another one today needs `confirm_repeat` (409 `repeat_use`).",
    )
    mobile_code = serializers.ChoiceField(
        choices=["live", "stale"], allow_null=True, required=False,
        help_text="Issue 14: `live` when the mobile card's code is the current one (or the previous 30-second one), "
        "`stale` for any other code (a screenshot, a wrong clock, another card's code). Absent (read it as null) "
        "without a code: a paper card or a typed number answers exactly as before.",
    )


class CardIssuedSerializer(CardSerializer):
    activation_code = serializers.CharField(
        allow_null=True,
        help_text="The card's one-time activation code for the mobile card (`ABCD-EFGH`), shown only in this answer "
        "(only its hash is kept); null in the replay of an earlier request.",
    )

    class Meta(CardSerializer.Meta):
        fields = [*CardSerializer.Meta.fields, "activation_code"]


class HolderActivateSerializer(StrictSerializer):
    number = serializers.CharField(max_length=40, help_text="The card number as printed; hyphens are fine.")
    code = serializers.CharField(max_length=40, help_text="The activation code, e.g. `7K3M-Q9XA`.")


class HolderActivatedSerializer(serializers.Serializer):
    card_url = serializers.URLField(help_text="The holder's mobile card: a new link, the only one that now works.")


class CardNumberField(serializers.CharField):
    """A use's card number as the caller may see it (DESIGN §5): in full for those who may see the card
    (``may_see_card_number``) and for the number the request itself typed (``typed_number`` in the context),
    else masked by ``numbers.mask``. Without a request in the context it is masked."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="card", read_only=True, **kwargs)

    def to_representation(self, card: Card) -> str:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if card.number == self.context.get("typed_number") or (
            user is not None and may_see_card_number(user, office_id=card.office_id, region_id=card.region_id)
        ):
            return card.number
        return numbers.mask(card.number)


class UseSerializer(serializers.ModelSerializer):
    card_number = CardNumberField(
        help_text="In full for the card's office, its region's contacts and the coordinators, and in the answer "
        "to the request that sent it; anyone else (venue staff) sees it masked, e.g. ABC-•••-GHJ.",
    )
    venue = RefSerializer(read_only=True)
    offer = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    cancelled = serializers.BooleanField(source="is_cancelled", read_only=True)
    stat_group = serializers.ChoiceField(choices=StatGroup.choices, read_only=True)

    class Meta:
        model = Use
        fields = [
            "id", "card_number", "card_kind", "venue", "offer", "kind", "children", "group_size", "used_on",
            "logged_at", "channel", "idempotency_key", "cancelled", "cancelled_at", "cancel_reason", "stat_group",
        ]
        read_only_fields = fields


class JsonBooleanField(serializers.BooleanField):
    """``true`` or ``false`` as JSON has them; DRF's own field also takes "true", 1 or "yes", which the schema
    (a boolean) does not allow and a stricter server would refuse."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class UseLogSerializer(StrictSerializer):
    """R5–R11: log one free ticket or course place. Rules are checked by ``use_log``."""

    card_number = TypedCardNumberField(max_length=40, help_text=CARD_NUMBER_HELP)
    venue = serializers.IntegerField(**ID_FIELD, help_text="A venue you are staff of.")
    kind = serializers.ChoiceField(choices=Use.Kind.choices, default=Use.Kind.TICKET)
    children = serializers.IntegerField(default=0, min_value=0, max_value=9999)
    group_size = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=9999,
        help_text="Community card only (R6): cardholders in the accompanied group (1, or 2–5 by default).",
    )
    offer = serializers.IntegerField(required=False, allow_null=True, **ID_FIELD,
                                     help_text="An offer of the venue; its quota is enforced (R10).")
    used_on = serializers.DateField(required=False, allow_null=True,
                                    help_text="Default today; an earlier date is a late entry (R11).")
    idempotency_key = serializers.CharField(
        required=False, allow_blank=True, max_length=64,
        help_text="Send a unique key per use (e.g. the ticket id). Repeating the request with the same key "
        "returns the same use with status 200 instead of logging a second one.",
    )
    confirm_repeat = JsonBooleanField(
        default=False,
        help_text="The card already has a use that is not cancelled at this venue on this day (`uses_today` of the "
        "check): without `true` the answer is 409 `repeat_use` and nothing is logged. Send `true` only after a "
        "person confirmed that this is another visit.",
    )


class UseCancelSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=200, allow_blank=True, help_text="Why the use is cancelled.")
