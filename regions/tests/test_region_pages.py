"""The region pages (issue 12): the region form (period, municipalities grouped by welfare area), the national
settings page, the contact persons page; refusals next to their fields, nothing saved; Finnish and Swedish."""

import datetime

import pytest
from django.urls import reverse

from regions.models import NationalSettings, Region, RegionContactPerson
from regions.tests.factories import (
    CoordinatorFactory,
    MunicipalityFactory,
    RegionContactFactory,
    RegionFactory,
    UserFactory,
    WelfareAreaFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory(user=UserFactory(username="koordinaattori")).user


@pytest.fixture
def tampere():
    region = RegionFactory(name="Tampere")
    MunicipalityFactory(code="837", name_fi="Tampere", name_sv="Tammerfors", region=region)
    return region


def test_the_region_form_offers_free_municipalities_by_welfare_area_and_not_other_networks(client, coordinator,
                                                                                           tampere):
    kainuu = WelfareAreaFactory(code="KAI", name_fi="Kainuun hyvinvointialue", name_sv="Kajanalands välfärdsområde")
    MunicipalityFactory(code="205", name_fi="Kajaani", name_sv="Kajana", region=None, welfare_area=kainuu)
    MunicipalityFactory(code="908", name_fi="Valkeakoski", region=None)
    client.force_login(coordinator)
    client.cookies["django_language"] = "sv"

    response = client.get(reverse("regions:region_create"))

    groups = [(group["name"], [option.choice_label for option in group["options"]])
              for group in response.context["form"].municipality_groups()]
    assert groups == [("Kajanalands välfärdsområde", ["Kajana"]), ("Birkalands välfärdsområde", ["Valkeakoski"])]
    html = response.content.decode()
    assert "<title>Nytt område – Kaikukanta</title>" in html
    assert "Tammerfors" not in html


def test_the_region_form_keeps_its_own_municipalities_chosen_and_open(client, coordinator, tampere):
    client.force_login(coordinator)
    form = client.get(reverse("regions:region_edit", args=[tampere.pk])).context["form"]
    [group] = form.municipality_groups()
    assert (group["chosen"], [o.data["selected"] for o in group["options"]]) == (1, [True])


@pytest.mark.parametrize(("data", "errors"), [
    ({"period_kind": "pilot"}, {"active_until": [
        "A pilot needs an end date; a permanent network has none, or the day it closed."]}),
    ({"municipalities": []}, {"municipalities": ["Choose at least one municipality."]}),
    ({"name": "tampere"}, {"name": ["A region with this name already exists."]}),
    ({"default_validity_days": "7"}, {"default_validity_days": [
        "The default validity must be between 30 and 1830 days, or empty for the national default."]}),
])
def test_a_refused_region_shows_the_reason_at_its_field(client, coordinator, tampere, data, errors):
    free = MunicipalityFactory(code="908", name_fi="Valkeakoski", region=None)
    client.force_login(coordinator)
    post = {"name": "Valkeakoski", "period_kind": "permanent", "active_from": "2026-09-01",
            "municipalities": [free.pk], **data}

    response = client.post(reverse("regions:region_create"), post)

    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert list(Region.objects.values_list("name", flat=True)) == ["Tampere"]


def test_the_national_settings_page_shows_every_setting_and_refuses_one_out_of_bounds(client, coordinator):
    client.force_login(coordinator)
    client.cookies["django_language"] = "fi"
    page = client.get(reverse("regions:settings"))
    fields = [field.name for section in page.context["form"].sections() for field in section["fields"]]
    assert sorted(fields) == sorted(
        f.name for f in NationalSettings._meta.get_fields() if f.name != "id")
    html = page.content.decode()
    assert "<title>Valtakunnalliset asetukset – Kaikukanta</title>" in html
    assert "Epätavallisen monta käyttökertaa viikossa" in html

    data = {"child_age_limit": 18, "holder_min_age": 16, "group_min": 2, "group_max": 5,
            "default_validity_days": 365, "cancel_window_days": 14, "late_entry_days": 30, "retention_days": 730,
            "unusual_uses_per_week": 500}
    refused = client.post(reverse("regions:settings"), data)
    assert refused.status_code == 400
    assert refused.context["form"].errors == {"unusual_uses_per_week": ["Arvon on oltava väliltä 1–100."]}
    assert NationalSettings.objects.get(pk=1).unusual_uses_per_week == 5

    saved = client.post(reverse("regions:settings"), {**data, "unusual_uses_per_week": 8})
    assert saved["Location"] == reverse("regions:settings")
    assert NationalSettings.current().unusual_uses_per_week == 8


def test_contact_persons_are_saved_both_or_neither(client, tampere):
    contact = RegionContactFactory(user=UserFactory(username="alue-tampere"), region=tampere).user
    client.force_login(contact)
    url = reverse("regions:region_contacts", args=[tampere.pk])

    refused = client.post(url, {"culture-name": "Kaisa Kulttuuri", "culture-phone": "040 123 4567",
                                "social-name": "Sami Sote"})
    assert refused.status_code == 400
    assert refused.context["forms"][1].errors == {"phone": [
        "Give a phone number or an e-mail address, so that people can reach them."]}
    assert not RegionContactPerson.objects.exists()

    saved = client.post(url, {"culture-name": "Kaisa Kulttuuri", "culture-phone": "040 123 4567",
                              "social-name": "Sami Sote", "social-email": "sami@example.fi"})
    assert saved["Location"] == reverse("regions:region", args=[tampere.pk])
    page = client.get(saved["Location"]).content.decode()
    assert "Kaisa Kulttuuri" in page
    assert '<a href="mailto:sami@example.fi">sami@example.fi</a>' in page


def test_the_region_list_reads_a_bounded_number_of_queries(client, coordinator, django_assert_max_num_queries):
    for n in range(12):
        region = RegionFactory(name=f"Alue {n:02d}", active_until=datetime.date(2030, 1, 1), pilot=n % 2 == 0)
        MunicipalityFactory(code=f"{100 + n}", region=region)
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("regions:regions"))
    assert len(response.context["regions"]) == 12
