"""The holder's page (issue 14, point 4): validity, children with the national age limit, own uses of the last 24
months, where the card works by its region rule, how to renew, the language switch, what is stored; and that no
model has a field for a holder's name, phone or e-mail."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from cards import holder
from cards.tests.factories import UseFactory
from cards.tests.web import build_world, card_for
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from public.views import _months_before
from regions.models import NationalSettings
from regions.tests.factories import MunicipalityFactory, RegionFactory, UserFactory
from venues.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    w.nokia = MunicipalityFactory(code="536", name_fi="Nokia", name_sv="Nokia", region=w.region)
    w.savonlinna_region = RegionFactory(name="Savonlinna", local_only=True)
    w.savonlinna = MunicipalityFactory(code="740", name_fi="Savonlinna", name_sv="Nyslott",
                                       region=w.savonlinna_region)
    w.savonlinna_office = OfficeFactory(name="Aikuissosiaalityö", region=w.savonlinna_region,
                                        municipality=w.savonlinna)
    VenueFactory(name="Vapriikki", region=w.region, municipality=w.tampere)
    VenueFactory(name="Nokian kirjasto", region=w.region, municipality=w.nokia)
    VenueFactory(name="Ateneum", region=None, is_popup=True, active_until=timezone.localdate() + datetime.timedelta(90))
    VenueFactory(name="Savoy", region=w.other_region, municipality=w.helsinki)
    VenueFactory(name="Kulttuurikellari", region=w.other_region, municipality=w.helsinki)
    VenueFactory(name="Riihisaari", region=w.savonlinna_region, municipality=w.savonlinna)
    return w


def _open(client, card, **query):
    """The card opened as its holder would: a code from an office of its region, activated; the page."""
    staff = UserFactory()
    OfficeMembershipFactory(user=staff, office=card.office)
    code = holder.activation_code_issue(user=staff, card=card)
    url = reverse("cards:mobile", args=[holder.activate(number=card.number, code=code, address="192.0.2.9")])
    return url, client.get(url, query)


def _section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"')[1].split("</section>")[0]


def test_an_ordinary_card_sees_its_region_venue_by_venue_others_by_region_and_no_local_only_region(client, world):
    card = card_for(world.office, world.tampere, children=2)

    _url, response = _open(client, card)

    where = response.context["where"]
    assert where.local_only is False
    assert [(m, [v.name for v in venues]) for m, venues in where.own] == [
        ("Nokia", ["Nokian kirjasto"]), ("Tampere", ["Vapriikki"])]
    assert [(name, count) for name, count, _url in where.others] == [("Helsinki", 2)]
    assert [v.name for v in where.popups] == ["Ateneum"]
    html = _section(response.content.decode(), "where-title")
    assert "Riihisaari" not in html
    assert "Savonlinna" not in html
    assert f'href="/fi/venues/?region={world.other_region.pk}"' in html
    assert f'href="/fi/venues/?region={world.region.pk}"' in html


def test_a_local_only_card_sees_only_its_region_s_venues(client, world):
    card = card_for(world.savonlinna_office, world.savonlinna)

    _url, response = _open(client, card)

    where = response.context["where"]
    assert where.local_only is True
    assert [(m, [v.name for v in venues]) for m, venues in where.own] == [("Savonlinna", ["Riihisaari"])]
    assert where.others == []
    assert where.popups == []
    html = _section(response.content.decode(), "where-title")
    assert "Tämä kortti käy vain alueen Savonlinna kohteissa." in html
    for elsewhere in ("Vapriikki", "Ateneum", "Savoy", "Helsinki"):
        assert elsewhere not in html


def test_validity_children_with_the_national_age_limit_renewal_and_what_is_stored(client, world):
    settings = NationalSettings.current()
    settings.child_age_limit = 16
    settings.save()
    card = card_for(world.office, world.tampere, children=2, language="en")

    _url, response = _open(client, card)

    html = response.content.decode()
    assert card.valid_until.strftime("%-d.%-m.%Y") in html
    assert "up to 2 children under 16" in html
    renew = _section(html, "renew-title")
    assert "renewed at any office that gives out Kaikukortti in Tampere" in renew
    assert "Bring this card" in renew
    assert f'href="/en/regions/{world.region.pk}/"' in renew
    stored = _section(html, "stored-title")
    assert "No name, no personal identity code, no address, no phone number and no e-mail address" in stored
    assert 'href="/en/privacy/"' in stored
    assert "Last checked:" in html


def test_own_uses_of_the_last_24_months_with_the_venue_s_municipality_in_the_page_s_language(client, world):
    card = card_for(world.office, world.tampere, language="fi")
    vapriikki = VenueFactory(name="Museokeskus", region=world.region, municipality=world.tampere)
    today = timezone.localdate()
    UseFactory(card=card, venue=vapriikki, used_on=today - datetime.timedelta(days=2), children=2)
    UseFactory(card=card, venue=vapriikki, used_on=_months_before(today, 24))
    UseFactory(card=card, venue=vapriikki, used_on=_months_before(today, 24) - datetime.timedelta(days=1))
    UseFactory(card=card, venue=vapriikki, used_on=today, cancelled_at=timezone.now(), cancel_reason="virhe")

    _url, response = _open(client, card, lang="sv")

    assert [u.used_on for u in response.context["uses"]] == [today - datetime.timedelta(days=2),
                                                             _months_before(today, 24)]
    uses = _section(response.content.decode(), "uses-title")
    assert "Mina användningar under de senaste 24 månaderna" in uses
    assert '<span class="venue">Museokeskus, Tammerfors</span> · biljett · 2 barn</li>' in uses


def test_the_language_switch_keeps_the_holder_on_the_card(client, world):
    card = card_for(world.office, world.tampere, language="fi")
    url, response = _open(client, card)
    assert response.context["page_languages"] == [
        ("fi", "Suomi", f"{url}?lang=fi"), ("sv", "Svenska", f"{url}?lang=sv"), ("en", "English", f"{url}?lang=en")]
    html = response.content.decode()
    assert '<html lang="fi">' in html
    assert f'<a href="{url}?lang=sv" lang="sv" hreflang="sv">Svenska</a>' in html
    assert f'<a href="{url}?lang=fi" lang="fi" hreflang="fi" aria-current="true">Suomi</a>' in html

    assert '<html lang="sv">' in client.get(url, {"lang": "sv"}).content.decode()
    assert '<html lang="en">' in client.get(url, {"lang": "en"}).content.decode()
    assert '<html lang="fi">' in client.get(url, {"lang": "de"}).content.decode()  # unknown: the card's language


def test_the_page_gives_the_phone_what_it_needs_offline_and_the_status_its_clock(client, world):
    card = card_for(world.office, world.tampere)
    url, response = _open(client, card)
    card.refresh_from_db()

    html = response.content.decode()
    assert f'data-secret="{card.live_secret}"' in html
    assert f'data-prefix="KK1:{card.number}:"' in html
    assert 'data-offline-days="7"' in html
    assert "vendor/qrcode-generator-2.0.4.js" in html
    assert 'id="live-offline" hidden' in html
    status = client.get(url + "status.json").json()
    assert abs(status["now"] - timezone.now().timestamp() * 1000) < 60_000
    sw = client.get(reverse("cards:service_worker")).content.decode()
    assert "/static/vendor/qrcode-generator-2.0.4.js" in sw
    assert "/static/js/holder-card.js" in sw


def test_the_page_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    card = card_for(world.office, world.tampere)
    url, _response = _open(client, card)
    for _ in range(30):
        UseFactory(card=card, venue=VenueFactory(region=world.region, municipality=world.tampere))

    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_months_before_keeps_the_day_or_takes_the_month_s_last():
    assert _months_before(datetime.date(2026, 11, 29), 24) == datetime.date(2024, 11, 29)
    assert _months_before(datetime.date(2026, 2, 28), 24) == datetime.date(2024, 2, 28)
    assert _months_before(datetime.date(2028, 2, 29), 24) == datetime.date(2026, 2, 28)
    assert _months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert _months_before(datetime.date(2026, 1, 15), 13) == datetime.date(2024, 12, 15)


def test_no_model_has_a_field_for_a_holder_s_name_phone_or_e_mail():
    """Privacy first (issue 14 acceptance): the card and every model that points to a card (uses, events, counter
    checks and scans, activation attempts, and whatever comes later) have no field for a name, a phone number, an
    e-mail or an address. Staff accounts, contact persons, offices and venues have theirs; no holder has."""
    card_model = apps.get_model("cards", "Card")
    holder_models = [card_model] + [
        model for model in apps.get_models()
        if any(getattr(field, "related_model", None) is card_model for field in model._meta.concrete_fields)]
    assert {model.__name__ for model in holder_models} >= {"Card", "Use", "CardEvent", "CardCheck",
                                                           "ActivationAttempt"}
    personal = ("name", "phone", "email", "e_mail", "mail", "address", "hetu", "birth_date", "date_of_birth")
    found = [f"{model.__name__}.{field.name}" for model in holder_models for field in model._meta.concrete_fields
             if any(word in field.name.lower() for word in personal)]
    assert found == []
