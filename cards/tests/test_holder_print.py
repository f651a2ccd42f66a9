"""The activation code on printed cards (issue 14, point 2): only the code's hash is kept, so printing a card issues a
fresh code, printed under the number with where to activate; the earlier code stops working. The import's batch PDF
prints a fresh code on each card."""

import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from cards import holder, pdf, services
from cards.models import ActivationAttempt, Card, CardEvent
from cards.tests.test_import import confirm, csv_file, upload  # noqa: F401 - fixtures
from cards.tests.web import build_world, card_for
from core.errors import DomainError

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")
ADDRESS = "192.0.2.40"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


@pytest.fixture
def world():
    return build_world()


def _text(tmp_path, content: bytes, name: str = "print.pdf") -> str:
    (tmp_path / name).write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(tmp_path / name), "-"], capture_output=True, text=True,
                          check=True).stdout


def _print(client, card: Card):
    """Press Print on the card's page: a POST, then the PDF at the address it sends the browser to (303)."""
    url = reverse("cards:print", args=[card.pk])
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(url, 303)]
    return response


def _refused(number: str, code: str) -> str:
    with pytest.raises(DomainError) as refused:
        holder.activate(number=number, code=code, address=ADDRESS)
    return refused.value.code


def test_printing_issues_a_fresh_code_printed_under_the_number_and_the_earlier_code_is_refused(client, world,
                                                                                                tmp_path):
    card = card_for(world.office, world.tampere, children=1)
    earlier = holder.activation_code_issue(user=world.jakaja, card=card)
    client.force_login(world.jakaja)

    response = _print(client, card)

    assert response.status_code == 200
    text = _text(tmp_path, response.content)
    printed = set(CODE.findall(text))
    assert len(printed) == 1
    code = printed.pop()
    assert code != earlier
    card_page, sheet = text.split("\f")[:2]
    assert card_page.index(card.display_number) < card_page.index(code)  # on the card, under the number
    assert "Aktivointikoodi" in card_page
    assert code in sheet
    assert "127.0.0.1:8000/fi/card/activate/" in re.sub(r"\s+", "", sheet)
    assert "Saat kortin puhelimeesi" in sheet
    card.refresh_from_db()
    assert code.replace("-", "") not in card.activation_code_hash
    assert list(card.events.order_by("pk").values_list("kind", flat=True)) == [
        CardEvent.Kind.ACTIVATION_CODE, CardEvent.Kind.PRINTED, CardEvent.Kind.ACTIVATION_CODE]

    before = Card.objects.filter(pk=card.pk).values().get()
    assert _refused(card.number, earlier) == "activation_invalid"
    assert Card.objects.filter(pk=card.pk).values().get() == before
    token = holder.activate(number=card.number, code=code, address=ADDRESS)
    assert holder.card_by_token(token) == card
    assert list(ActivationAttempt.objects.order_by("pk").values_list("result", flat=True)) == [
        "activation_invalid", "activated"]


def test_printing_again_makes_the_first_print_s_code_invalid(client, world, tmp_path):
    card = card_for(world.office, world.tampere)
    client.force_login(world.jakaja)
    first = CODE.findall(_text(tmp_path, _print(client, card).content, "1.pdf"))[0]
    second = CODE.findall(_text(tmp_path, _print(client, card).content, "2.pdf"))[0]

    assert first != second
    assert _refused(card.number, first) == "activation_invalid"
    assert holder.activate(number=card.number, code=second, address=ADDRESS)


def test_a_swedish_sheet_names_the_swedish_activation_page(world):
    card = card_for(world.office, world.tampere, language="sv")

    html = pdf.render_card_html(card, activation_code="7K3M-Q9XA")

    assert '<strong class="activation-code">7K3M-Q9XA</strong>' in html
    assert "127.0.0.1:8000/sv/card/activate/" in html
    assert "Få kortet i telefonen" in html


def test_a_community_card_prints_without_a_code(client, world, tmp_path):
    card = card_for(world.office, world.tampere, kind=Card.Kind.COMMUNITY, children=0, birth_year=None)
    client.force_login(world.jakaja)

    response = _print(client, card)

    assert response.status_code == 200
    assert CODE.findall(_text(tmp_path, response.content)) == []
    assert list(card.events.values_list("kind", flat=True)) == [CardEvent.Kind.PRINTED]
    card.refresh_from_db()
    assert not card.activation_code_hash


def test_the_card_page_says_printing_makes_earlier_codes_invalid(client, world):
    card = card_for(world.office, world.tampere)
    client.force_login(world.jakaja)

    html = client.get(reverse("cards:detail", args=[card.pk])).content.decode()

    assert 'aria-describedby="print-code-note"' in html
    assert "printing makes every earlier activation code of the card invalid" in html


def test_the_batch_pdf_prints_a_fresh_code_on_each_card_that_activates_it(client, world, upload, confirm,  # noqa: F811
                                                                          tmp_path):
    job = confirm(upload(csv_file("birth_year,municipality\n1970,837\n1971,837\n1972,837\n")))
    cards = list(Card.objects.order_by("birth_year"))
    earlier = holder.activation_code_issue(user=world.jakaja, card=cards[0])
    page = client.get(reverse("cards:import_job", args=[job.pk])).content.decode()
    assert "printing makes the cards' earlier activation codes invalid" in page

    assert client.get(reverse("cards:import_job_pdf", args=[job.pk]))["Location"] == reverse(
        "cards:import_job", args=[job.pk])  # the PDF before pressing print: back to the page, nothing issued
    assert CardEvent.objects.filter(kind=CardEvent.Kind.ACTIVATION_CODE).count() == 1
    response = client.post(reverse("cards:import_job_pdf", args=[job.pk]), follow=True)

    assert response.status_code == 200
    lines = _text(tmp_path, response.content).splitlines()
    printed = {}
    for card in cards:  # each card's code is on a line below its number (the two cards of a row share lines)
        row = next(i for i, line in enumerate(lines) if card.display_number in line)
        column = lines[row].index(card.display_number)
        below = next(CODE.search(line[column:column + 30]) for line in lines[row + 1:row + 4]
                     if CODE.search(line[column:column + 30]))
        printed[card.pk] = below.group(0)
    assert len(set(printed.values())) == 3
    assert CardEvent.objects.filter(kind=CardEvent.Kind.ACTIVATION_CODE).count() == 4  # one above, three printed
    assert sorted(CardEvent.objects.filter(kind=CardEvent.Kind.PRINTED).values_list("card", flat=True)) == sorted(
        card.pk for card in cards)  # each card's history says it was printed
    # Fetched again (a viewer saving the file): the same codes, none issued, nothing more recorded.
    events = CardEvent.objects.count()
    again = _text(tmp_path, client.get(reverse("cards:import_job_pdf", args=[job.pk])).content, "again.pdf")
    assert set(CODE.findall(again)) == set(printed.values())
    assert CardEvent.objects.count() == events
    assert _refused(cards[0].number, earlier) == "activation_invalid"
    assert _refused(cards[1].number, printed[cards[0].pk]) == "activation_invalid"  # another card's code
    for card in cards:
        assert holder.card_by_token(holder.activate(number=card.number, code=printed[card.pk],
                                                    address=ADDRESS)) == card


def test_batch_codes_skip_cards_not_in_use_and_refuse_another_region(world):
    live = card_for(world.office, world.tampere)
    ended = services.card_inactivate(user=world.jakaja, card=card_for(world.office, world.tampere),
                                     reason=Card.InactiveReason.LOST)

    codes = holder.activation_codes_issue(user=world.jakaja, cards=[live, ended])

    assert list(codes) == [live.pk]
    ended.refresh_from_db()
    assert not ended.activation_code_hash
    before = Card.objects.filter(pk=live.pk).values().get()
    with pytest.raises(DomainError) as refused:
        holder.activation_codes_issue(user=world.other_jakaja, cards=[live])
    assert refused.value.code == "not_allowed"
    assert Card.objects.filter(pk=live.pk).values().get() == before


def test_fetching_the_pdf_again_shows_the_same_code_and_issues_nothing(client, world, tmp_path):
    """A PDF viewer that fetches the file again (to save or print it) must not make the printed code invalid."""
    card = card_for(world.office, world.tampere)
    client.force_login(world.jakaja)
    code = CODE.findall(_text(tmp_path, _print(client, card).content, "1.pdf"))[0]
    card.refresh_from_db()
    before = (Card.objects.filter(pk=card.pk).values().get(), card.events.count())

    again = client.get(reverse("cards:print", args=[card.pk]))

    assert again.status_code == 200
    assert again["Cache-Control"] == "no-store"
    assert set(CODE.findall(_text(tmp_path, again.content, "2.pdf"))) == {code}  # on the card and the sheet
    assert (Card.objects.filter(pk=card.pk).values().get(), card.events.count()) == before
    assert holder.activate(number=card.number, code=code, address=ADDRESS)


def test_the_pdf_without_pressing_print_sends_back_to_the_card_and_issues_nothing(client, world):
    card = card_for(world.office, world.tampere)
    earlier = holder.activation_code_issue(user=world.jakaja, card=card)
    client.force_login(world.jakaja)
    card.refresh_from_db()
    before = (Card.objects.filter(pk=card.pk).values().get(), card.events.count())

    response = client.get(reverse("cards:print", args=[card.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("cards:detail", args=[card.pk])
    assert (Card.objects.filter(pk=card.pk).values().get(), card.events.count()) == before
    assert holder.activate(number=card.number, code=earlier, address=ADDRESS)  # the earlier code still works
    # Another user's session has no print of this card either.
    client.force_login(world.other_jakaja)
    assert client.get(reverse("cards:print", args=[card.pk])).status_code == 404


def test_a_batch_print_records_each_card_in_use_and_refuses_staff_of_another_region(world):
    live = card_for(world.office, world.tampere)
    gone = card_for(world.office, world.tampere, status="inactive", inactive_reason="lost",
                    inactivated_on=timezone.localdate())
    before = CardEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.cards_printed_record(user=world.other_jakaja, cards=[live, gone])
    assert refused.value.code == "not_allowed"
    assert CardEvent.objects.count() == before

    events = services.cards_printed_record(user=world.jakaja, cards=[live, gone])

    assert [(e.card_id, e.kind, e.by_id, e.office_id) for e in events] == [
        (live.pk, CardEvent.Kind.PRINTED, world.jakaja.pk, world.office.pk)]
    assert CardEvent.objects.count() == before + 1
