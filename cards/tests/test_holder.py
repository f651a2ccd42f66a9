"""The holder's own mobile card (issue 14): activation code, withdrawable link, live code — the rules."""

import pytest

from cards import holder, services
from cards.mobile import card_is_live
from cards.models import ActivationAttempt, Card, CardEvent
from cards.tests.web import build_world, card_for
from core.errors import DomainError
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "192.0.2.10"


@pytest.fixture
def world():
    return build_world()


def _state(card: Card) -> tuple:
    card.refresh_from_db()
    return (card.activation_code_hash, card.activation_code_used_at, card.mobile_token_hash,
            card.mobile_link_withdrawn_at, card.live_secret)


def test_registration_gives_a_code_from_the_unambiguous_alphabet_stored_only_hashed(world):
    card = services.card_issue(user=world.jakaja, office=world.office, birth_year=1980,
                               home_municipality=world.tampere)

    code = card.activation_code
    assert len(code) == 9
    assert code[4] == "-"
    assert set(code.replace("-", "")) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert not set(code) & set("ILOU")
    card.refresh_from_db()
    assert card.activation_code_hash
    assert code.replace("-", "") not in card.activation_code_hash
    assert card.activation_code_issued_at is not None
    assert card.activation_code_used_at is None


def test_activation_works_once_and_gives_a_random_link_stored_hashed(world):
    card = card_for(world.office, world.tampere)
    code = holder.activation_code_issue(user=world.jakaja, card=card)

    token = holder.activate(number=card.number, code=code.lower(), address=ADDRESS)

    card.refresh_from_db()
    assert card.mobile_token_hash == holder.token_hash(token)
    assert token not in card.mobile_token_hash
    assert len(token) == 43  # 32 random bytes, nothing derived from the card
    assert card.activation_code_used_at is not None
    assert card.live_secret
    assert holder.card_by_token(token) == card
    assert list(card.events.filter(kind=CardEvent.Kind.ACTIVATED).values_list("kind", flat=True)) == ["activated"]
    before = _state(card)
    with pytest.raises(DomainError) as refused:
        holder.activate(number=card.number, code=code, address=ADDRESS)
    assert refused.value.code == "activation_invalid"
    assert refused.value.http_status == 400
    assert _state(card) == before
    assert list(ActivationAttempt.objects.order_by("pk").values_list("result", flat=True)) == [
        "activated", "activation_invalid"]


def test_wrong_code_and_code_of_another_card_are_refused_and_change_nothing(world):
    card = card_for(world.office, world.tampere)
    other = card_for(world.office, world.tampere)
    holder.activation_code_issue(user=world.jakaja, card=card)
    other_code = holder.activation_code_issue(user=world.jakaja, card=other)
    before = _state(card)

    for code in (other_code, "", "ABCD-EFG", "x" * 500):
        with pytest.raises(DomainError) as refused:
            holder.activate(number=card.number, code=code, address=ADDRESS)
        assert refused.value.code == "activation_invalid"
    with pytest.raises(DomainError):
        holder.activate(number="nonsense", code=other_code, address="192.0.2.11")

    assert _state(card) == before
    assert ActivationAttempt.objects.filter(result="activation_invalid").count() == 5
    assert not CardEvent.objects.filter(kind=CardEvent.Kind.ACTIVATED).exists()


def test_a_thousand_wrong_attempts_from_one_address_are_all_counted_and_refused(world):
    cards = [card_for(world.office, world.tampere) for _ in range(3)]
    code = holder.activation_code_issue(user=world.jakaja, card=cards[0])
    before = [_state(card) for card in cards]

    codes = []
    for attempt in range(1000):
        card = cards[attempt % 3]
        with pytest.raises(DomainError) as refused:
            holder.activate(number=card.number, code="WRONG-000", address=ADDRESS)
        codes.append(refused.value.code)

    assert codes[:holder.ACTIVATIONS_PER_ADDRESS] == ["activation_invalid"] * holder.ACTIVATIONS_PER_ADDRESS
    assert set(codes[holder.ACTIVATIONS_PER_ADDRESS:]) == {"activation_throttled"}
    assert ActivationAttempt.objects.count() == 1000
    assert [_state(card) for card in cards] == before
    # Even the right code is refused from this address now; from another one it works.
    with pytest.raises(DomainError) as refused:
        holder.activate(number=cards[0].number, code=code, address=ADDRESS)
    assert refused.value.code == "activation_throttled"
    assert refused.value.http_status == 429
    assert _state(cards[0]) == before[0]


def test_attempts_per_card_are_limited_whatever_the_address(world):
    card = card_for(world.office, world.tampere)
    code = holder.activation_code_issue(user=world.jakaja, card=card)
    for attempt in range(holder.ACTIVATIONS_PER_CARD):
        with pytest.raises(DomainError):
            holder.activate(number=card.number, code="0000-0000", address=f"198.51.100.{attempt}")

    with pytest.raises(DomainError) as refused:
        holder.activate(number=card.number, code=code, address="203.0.113.1")

    assert refused.value.code == "activation_throttled"
    card.refresh_from_db()
    assert card.activation_code_used_at is None
    assert not card.mobile_token_hash


def test_any_office_of_the_region_issues_a_new_code_others_may_not(world):
    card = card_for(world.office, world.tampere)
    neighbour = OfficeFactory(name="Nokia", region=world.region, municipality=world.tampere)
    staff = UserFactory(username="jakaja-nokia")
    OfficeMembershipFactory(user=staff, office=neighbour)
    old = holder.activation_code_issue(user=world.jakaja, card=card)

    new = holder.activation_code_issue(user=staff, card=card)

    assert card.events.filter(kind=CardEvent.Kind.ACTIVATION_CODE).first().office == neighbour
    with pytest.raises(DomainError):
        holder.activate(number=card.number, code=old, address=ADDRESS)
    assert holder.activate(number=card.number, code=new, address=ADDRESS)
    before = _state(card)
    with pytest.raises(DomainError) as refused:
        holder.activation_code_issue(user=world.other_jakaja, card=card)
    assert refused.value.code == "not_allowed"
    assert _state(card) == before


def test_withdraw_then_a_new_code_gives_a_new_link(world):
    card = card_for(world.office, world.tampere)
    token = holder.activate(number=card.number, code=holder.activation_code_issue(user=world.jakaja, card=card),
                            address=ADDRESS)

    holder.link_withdraw(user=world.jakaja, card=card)

    assert holder.card_by_token(token) is None
    card.refresh_from_db()
    assert card.mobile_link_withdrawn_at is not None
    assert not holder.link_state_allows_legacy(card)
    again = holder.activate(number=card.number, code=holder.activation_code_issue(user=world.jakaja, card=card),
                            address=ADDRESS)
    assert holder.card_by_token(again) == card
    assert again != token


@pytest.mark.parametrize("action", ["inactivate", "replace"])
def test_inactivating_or_replacing_the_card_withdraws_its_link(world, action):
    card = card_for(world.office, world.tampere)
    token = holder.activate(number=card.number, code=holder.activation_code_issue(user=world.jakaja, card=card),
                            address=ADDRESS)

    if action == "inactivate":
        services.card_inactivate(user=world.jakaja, card=card, reason=Card.InactiveReason.LOST)
    else:
        new = services.card_replace(user=world.jakaja, card=card)
        assert new.activation_code
        assert Card.objects.get(pk=new.pk).activation_code_hash

    assert not card_is_live(holder.card_by_token(token))  # the page says "no longer in use"
    card.refresh_from_db()
    assert card.mobile_link_withdrawn_at is not None
    assert card.events.filter(kind=CardEvent.Kind.LINK_WITHDRAWN).count() == 1


def test_live_code_is_live_for_this_and_the_previous_step_then_stale(world):
    card = card_for(world.office, world.tampere)
    holder.activate(number=card.number, code=holder.activation_code_issue(user=world.jakaja, card=card),
                    address=ADDRESS)
    card.refresh_from_db()
    now = 1_800_000_015.0
    code = holder.live_code(card, at=now)

    assert len(code) == 6
    assert code.isdigit()
    assert holder.live_payload(card, at=now) == f"KK1:{card.number}:{code}"
    assert holder.verify(card, code, at=now) == "live"
    assert holder.verify(card, code, at=now + 30) == "live"
    assert holder.verify(card, code, at=now + 120) == "stale"
    assert holder.verify(card, None, at=now) is None
    other = card_for(world.office, world.tampere, live_secret="00" * 20)
    assert holder.verify(other, code, at=now) in {"stale", "live"}  # another card's secret: only by chance equal
    assert holder.verify_number(card.number, holder.live_code(card), ) == "live"


def test_scanned_payloads_are_parsed_and_malformed_ones_refused():
    assert holder.parse_scan("KK1:ABC:123456") == ("ABC", "123456")
    assert holder.parse_scan(" 1234 5678 ") == ("1234 5678", None)
    for bad in ("KK1:", "KK1:ABC", "KK1:ABC:12345", "KK1:ABC:1234567", "KK1::123456", "KK1:A:B:123456",
                "kk1:ABC:abcdef"):
        with pytest.raises(DomainError) as refused:
            holder.parse_scan(bad)
        assert refused.value.code == "mobile_code_invalid"


def test_handover_page_gives_a_new_link_a_code_once_and_withdraws(client, world):
    from django.urls import reverse

    card = card_for(world.office, world.tampere)
    neighbour = OfficeFactory(name="Nokia", region=world.region, municipality=world.tampere)
    staff = UserFactory(username="jakaja-nokia")
    OfficeMembershipFactory(user=staff, office=neighbour)
    client.force_login(staff)
    url = reverse("cards:handover_by_number", args=[card.number])

    before = _state(card)
    page = client.get(url)  # opening the page issues nothing: a phone that has the card keeps it
    assert page.status_code == 200
    assert "mobile_url" not in page.context
    assert 'name="action" value="link"' in page.content.decode()
    assert _state(card) == before
    assert card.events.count() == 0

    first = client.post(url, {"action": "link"}).context["mobile_url"]
    second = client.post(url, {"action": "link"}).context["mobile_url"]
    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200

    response = client.post(url, {"action": "code"})
    code = response.context["activation_code"]
    assert code in response.content.decode()
    assert "mobile_url" not in response.context
    assert holder.activate(number=card.number, code=code, address=ADDRESS)

    response = client.post(url, {"action": "withdraw"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert not card.mobile_token_hash
    assert card.mobile_link_withdrawn_at is not None
    before = _state(card)
    client.force_login(world.other_jakaja)
    assert client.post(reverse("cards:handover_by_number", args=[card.number]), {"action": "code"}).status_code == 404
    assert _state(card) == before


def test_registration_result_shows_the_activation_code_once(client, world):
    from django.urls import reverse

    from cards.tests.test_views import register_data

    client.force_login(world.jakaja)
    response = client.post(reverse("cards:register"), register_data(world), follow=True)

    card = Card.objects.get()
    shown = [str(m) for m in response.context["messages"] if "Activation code" in str(m)]
    assert len(shown) == 1
    code = shown[0].split(": ")[1][:9]
    assert holder.activate(number=card.number, code=code, address=ADDRESS)


def test_secrets_and_hashes_never_reach_the_audit_log(world):
    from auditlog.models import LogEntry

    card = card_for(world.office, world.tampere)
    token = holder.activate(number=card.number, code=holder.activation_code_issue(user=world.jakaja, card=card),
                            address=ADDRESS)
    card.refresh_from_db()

    changes = " ".join(str(entry.changes) for entry in LogEntry.objects.get_for_object(card))
    assert "activation_code_used_at" in changes
    for secret in (card.live_secret, card.mobile_token_hash, card.activation_code_hash, token):
        assert secret not in changes
