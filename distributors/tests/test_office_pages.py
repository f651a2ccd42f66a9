"""Creating, changing and closing offices on their pages (issue 12): the organisation by name, public listing and
contact, the close page (R9: its staff are then refused with ``office_inactive``)."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from cards import services as cards
from cards.tests.web import build_world
from core.errors import DomainError
from distributors.models import Office, Organisation

pytestmark = pytest.mark.django_db


def _office_data(world, **overrides):
    data = {"organisation_name": "Tampereen A-Kilta ry", "organisation_kind": "ngo", "name": "A-Kilta",
            "municipality": world.tampere.pk, "active_from": "2015-01-01"}
    data.update(overrides)
    return data


def test_a_regional_contact_adds_an_office_of_a_new_or_an_existing_organisation(client):
    world = build_world()
    client.force_login(world.contact)

    response = client.post(reverse("distributors:office_create"), _office_data(
        world, public_listing="on", public_contact="Kysy Kaikukorttia ohjaajaltasi.", public_phone="040 123 4567"))

    office = Office.objects.get(name="A-Kilta")
    assert response["Location"] == reverse("distributors:office", args=[office.pk])
    assert (office.region, office.organisation.name, office.organisation.kind, office.public_listing) == (
        world.region, "Tampereen A-Kilta ry", "ngo", True)
    assert LogEntry.objects.get_for_object(office).get().actor == world.contact
    # The same organisation, typed in another case, is reused, not duplicated.
    client.post(reverse("distributors:office_create"), _office_data(
        world, organisation_name="tampereen a-kilta RY", organisation_kind="other", name="A-Kilta, Hervanta"))
    assert Organisation.objects.filter(name__iexact="Tampereen A-Kilta ry").count() == 1
    assert Office.objects.get(name="A-Kilta, Hervanta").organisation == office.organisation


@pytest.mark.parametrize(("overrides", "errors"), [
    ({"public_listing": "on"}, {"public_contact": [
        "A listed office needs at least one public contact: a text, a phone number, an e-mail or a web address."]}),
    ({"organisation_name": "{own}", "name": "sosiaalityö tampere"},
     {"name": ["The organisation already has an office with this name."]}),
    ({"active_until": "2014-12-31"}, {"active_until": ["The period ends before it starts."]}),
    ({"public_phone": "soita"}, {"public_phone": [
        "Enter a phone number with digits, spaces and hyphens, e.g. +358 40 123 4567."]}),
])
def test_an_office_is_refused_next_to_its_field_and_nothing_is_saved(client, overrides, errors):
    world = build_world()
    overrides = {key: value.replace("{own}", world.office.organisation.name) for key, value in overrides.items()}
    client.force_login(world.contact)
    before = (sorted(Office.objects.values_list()), sorted(Organisation.objects.values_list()))

    response = client.post(reverse("distributors:office_create"), _office_data(world, **overrides))

    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert (sorted(Office.objects.values_list()), sorted(Organisation.objects.values_list())) == before


def test_a_closed_office_registers_no_more_cards_but_its_cards_stay_valid(client):
    world = build_world()
    today = timezone.localdate()
    client.force_login(world.contact)
    response = client.post(reverse("distributors:office_close", args=[world.office.pk]), {"when": "now"})
    assert response["Location"] == reverse("distributors:office", args=[world.office.pk])
    world.office.refresh_from_db()
    assert world.office.active_until == today - datetime.timedelta(days=1)

    with pytest.raises(DomainError) as refused:
        cards.card_issue(user=world.jakaja, office=world.office, birth_year=1980, home_municipality=world.tampere)
    assert refused.value.code == "office_inactive"
    page = client.get(reverse("distributors:office", args=[world.office.pk])).content.decode()
    assert reverse("distributors:office_close", args=[world.office.pk]) not in page


def test_the_office_page_shows_its_public_contact_and_the_list_filters_by_region(client):
    world = build_world()
    Office.objects.filter(pk=world.office.pk).update(public_listing=True, public_email="neuvonta@example.fi",
                                                     public_url="https://example.fi/kaikukortti")
    client.force_login(world.contact)
    page = client.get(reverse("distributors:office", args=[world.office.pk])).content.decode()
    assert '<a href="mailto:neuvonta@example.fi">neuvonta@example.fi</a>' in page
    assert reverse("distributors:office_edit", args=[world.office.pk]) in page
    listed = client.get(reverse("distributors:offices"), {"region": world.region.pk})
    assert [o.name for o in listed.context["offices"]] == ["Sosiaalityö Tampere"]


def test_office_staff_see_their_office_without_edit_or_close(client):
    world = build_world()
    client.force_login(world.jakaja)
    page = client.get(reverse("distributors:office", args=[world.office.pk])).content.decode()
    assert reverse("distributors:office_edit", args=[world.office.pk]) not in page
    assert client.get(reverse("distributors:office_edit", args=[world.office.pk])).status_code == 403
