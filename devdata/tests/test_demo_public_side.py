"""The demo's public side (issue 12): listed offices with their public contact, venues with the booking advice,
Tampere's two contact persons, the Savonlinna network as a pilot; a second seed changes none of it."""

from io import StringIO

import pytest
from django.core.management import call_command

from distributors.models import Office
from regions.models import Region, RegionContactPerson
from venues.models import Venue

pytestmark = pytest.mark.django_db


def _public():
    return (sorted(Office.objects.filter(public_listing=True).values_list("name", "public_phone")),
            sorted(RegionContactPerson.objects.values_list("region__name", "side", "name", "email")),
            Venue.objects.exclude(public_contact="").count())


def test_the_demo_lists_offices_names_tamperes_contact_persons_and_advises_on_booking():
    call_command("seed_demo", "--small", stdout=StringIO())

    offices, people, venues_with_contact = _public()
    names = [name for name, _phone in offices]
    assert len(names) == 10
    assert "Hyvinvointialueen sosiaalityö, Tampere" in names  # jakaja-tampere's office
    assert "Sairaalapalvelut, Tampere" not in names  # a hospital unit is not listed
    assert all(phone.startswith("+358 40 000 ") for _name, phone in offices)
    assert people == [
        ("Tampere", "culture", "Kaisa Kulttuuri", "kaisa.kulttuuri@demo.kaikukanta.example"),
        ("Tampere", "social", "Sami Sosiaali", "sami.sosiaali@demo.kaikukanta.example"),
    ]
    assert venues_with_contact == Venue.objects.count()
    assert Venue.objects.get(name="Vapriikki").public_phone.startswith("+358 40 000 ")
    assert list(Region.objects.filter(pilot=True).values_list("name", flat=True)) == ["Savonlinna"]

    call_command("seed_demo", "--small", stdout=StringIO())
    assert _public() == (offices, people, venues_with_contact)
