"""The coordinator's regions and national settings, and a region's contact persons (issue 12): every rule accepts and
refuses, and a refusal changes nothing."""

import datetime

import pytest
from auditlog.models import LogEntry

from core.errors import DomainError
from regions import services
from regions.models import Municipality, NationalSettings, Region, RegionContactPerson
from regions.tests.factories import (
    CoordinatorFactory,
    MunicipalityFactory,
    RegionContactFactory,
    RegionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 9, 1), datetime.date(2027, 8, 31)


@pytest.fixture
def coordinator():
    return CoordinatorFactory(user=UserFactory(username="koordinaattori")).user


@pytest.fixture
def free():
    """Two municipalities in no network yet."""
    return (MunicipalityFactory(code="908", name_fi="Valkeakoski", region=None),
            MunicipalityFactory(code="020", name_fi="Akaa", region=None))


def _pilot(user, municipalities, **overrides):
    values = {"name": "Valkeakoski", "pilot": True, "active_from": START, "active_until": END, "local_only": False,
              "default_validity_days": None, "default_valid_until": END, "municipalities": list(municipalities)}
    values.update(overrides)
    return services.region_create(user=user, **values)


def test_the_coordinator_opens_a_pilot_region_with_two_municipalities(coordinator, free):
    region = _pilot(coordinator, free)

    region.refresh_from_db()
    assert (region.name, region.pilot, region.active_from, region.active_until, region.default_valid_until) == (
        "Valkeakoski", True, START, END, END)
    assert sorted(region.municipalities.values_list("code", flat=True)) == ["020", "908"]
    assert LogEntry.objects.get_for_object(region).count() == 1
    # Each municipality that joined is in the audit log with the change of its network.
    changes = [LogEntry.objects.get_for_object(m).get(action=LogEntry.Action.UPDATE).changes_dict["region"]
               for m in free]
    assert changes == [["None", str(region.pk)]] * 2


@pytest.mark.parametrize(("overrides", "code"), [
    ({"name": "  "}, "name_required"),
    ({"name": "alue a"}, "region_name_taken"),
    ({"active_from": None}, "period_start_required"),
    ({"active_until": START - datetime.timedelta(days=1)}, "period_invalid"),
    ({"active_until": None}, "pilot_end_required"),
    ({"default_validity_days": 29}, "validity_days_invalid"),
    ({"default_validity_days": 1831}, "validity_days_invalid"),
    ({"default_valid_until": START - datetime.timedelta(days=1)}, "valid_until_invalid"),
    ({"municipalities": []}, "municipalities_required"),
])
def test_a_region_is_refused_and_nothing_is_saved(coordinator, free, overrides, code):
    RegionFactory(name="Alue A")
    with pytest.raises(DomainError) as refused:
        _pilot(coordinator, overrides.pop("municipalities", free), **overrides)
    assert refused.value.code == code
    assert list(Region.objects.values_list("name", flat=True)) == ["Alue A"]
    assert Municipality.objects.filter(region__isnull=False).count() == 0


def test_the_validity_message_names_its_bounds(coordinator, free):
    with pytest.raises(DomainError) as refused:
        _pilot(coordinator, free, default_validity_days=5)
    assert str(refused.value) == (
        "The default validity must be between 30 and 1830 days, or empty for the national default.")


def test_a_municipality_of_another_network_is_refused_by_name(coordinator, free):
    other = RegionFactory(name="Tampere")
    tampere = MunicipalityFactory(code="837", name_fi="Tampere", region=other)

    with pytest.raises(DomainError) as refused:
        _pilot(coordinator, [*free, tampere])

    assert refused.value.code == "municipality_in_other_region"
    assert str(refused.value) == "Tampere already belongs to the region Tampere. Remove it from that region first."
    assert not Region.objects.filter(name="Valkeakoski").exists()
    assert set(Municipality.objects.values_list("code", "region_id")) == {("908", None), ("020", None),
                                                                          ("837", other.pk)}


def test_changing_a_region_moves_its_municipalities_and_ends_a_pilot(coordinator, free):
    region = _pilot(coordinator, [free[0]])
    third = MunicipalityFactory(code="536", name_fi="Nokia", region=None)

    services.region_update(user=coordinator, region=region, name="Valkeakosken seutu", pilot=False,
                           active_from=START, active_until=None, local_only=True, default_validity_days=400,
                           default_valid_until=None, municipalities=[free[1], third])

    region.refresh_from_db()
    assert (region.name, region.pilot, region.active_until, region.local_only, region.default_validity_days) == (
        "Valkeakosken seutu", False, None, True, 400)
    assert sorted(Municipality.objects.filter(region=region).values_list("code", flat=True)) == ["020", "536"]
    assert Municipality.objects.get(code="908").region_id is None


@pytest.mark.parametrize("who", ["contact", "nobody"])
def test_only_the_coordinator_opens_or_changes_regions(free, who):
    region = RegionFactory(name="Alue A")
    user = UserFactory(username="alue-a")
    if who == "contact":
        RegionContactFactory(user=user, region=region)
    with pytest.raises(DomainError) as refused:
        _pilot(user, free)
    assert refused.value.code == "not_allowed"
    with pytest.raises(DomainError):
        services.region_update(user=user, region=region, name="Muutettu", pilot=False, active_from=START,
                               active_until=None, local_only=False, default_validity_days=None,
                               default_valid_until=None, municipalities=free)
    assert list(Region.objects.values_list("name", flat=True)) == ["Alue A"]


# --- national settings ----------------------------------------------------------------------------

SETTINGS = {"child_age_limit": 18, "holder_min_age": 16, "group_min": 2, "group_max": 5, "default_validity_days": 365,
            "cancel_window_days": 14, "late_entry_days": 30, "retention_days": 730, "unusual_uses_per_week": 5}


def test_the_coordinator_changes_every_national_setting_and_the_counters_see_it(coordinator):
    NationalSettings.current()  # cached, as a counter holds it
    changed = {"child_age_limit": 16, "holder_min_age": 15, "group_min": 3, "group_max": 8,
               "default_validity_days": 730, "cancel_window_days": 7, "late_entry_days": 60, "retention_days": 1095,
               "unusual_uses_per_week": 9}

    services.national_settings_update(user=coordinator, **changed)

    rules = NationalSettings.current()
    assert {name: getattr(rules, name) for name in changed} == changed
    entry = LogEntry.objects.get_for_object(rules).latest("timestamp")
    assert entry.changes_dict["unusual_uses_per_week"] == ["5", "9"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("child_age_limit", 0, "The value must be between 1 and 25."),
    ("holder_min_age", 26, "The value must be between 12 and 25."),
    ("group_max", 51, "The value must be between 1 and 50."),
    ("default_validity_days", 29, "The value must be between 30 and 1830."),
    ("cancel_window_days", 366, "The value must be between 0 and 365."),
    ("late_entry_days", -1, "The value must be between 0 and 365."),
    ("retention_days", 179, "The value must be between 180 and 3650."),
    ("unusual_uses_per_week", 0, "The value must be between 1 and 100."),
])
def test_a_setting_out_of_its_bounds_is_refused_and_nothing_changes(coordinator, field, value, message):
    NationalSettings.current()
    with pytest.raises(DomainError) as refused:
        services.national_settings_update(user=coordinator, **{**SETTINGS, field: value})
    assert (refused.value.code, refused.value.params["field"], str(refused.value)) == (
        "setting_out_of_range", field, message)
    rules = NationalSettings.objects.get(pk=1)
    assert {name: getattr(rules, name) for name in SETTINGS} == SETTINGS


def test_a_group_minimum_above_the_maximum_is_refused(coordinator):
    NationalSettings.current()
    with pytest.raises(DomainError) as refused:
        services.national_settings_update(user=coordinator, **{**SETTINGS, "group_min": 6, "group_max": 5})
    assert refused.value.code == "group_range_invalid"
    assert NationalSettings.objects.get(pk=1).group_min == 2


def test_a_regional_contact_cannot_change_national_settings():
    contact = RegionContactFactory(user=UserFactory(username="alue-a")).user
    with pytest.raises(DomainError) as refused:
        services.national_settings_update(user=contact, **{**SETTINGS, "child_age_limit": 16})
    assert refused.value.code == "not_allowed"
    assert NationalSettings.current().child_age_limit == 18


# --- contact persons ------------------------------------------------------------------------------


@pytest.fixture
def tampere():
    return RegionFactory(name="Tampere")


@pytest.fixture
def contact(tampere):
    return RegionContactFactory(user=UserFactory(username="alue-tampere"), region=tampere).user


def test_the_regions_contact_names_both_contact_persons_and_can_remove_one(contact, tampere):
    culture = services.region_contact_person_set(
        user=contact, region=tampere, side="culture", name=" Kaisa Kulttuuri ", title="kulttuurikoordinaattori",
        organisation="Tampereen kaupunki", phone="+358 40 123 4567", email="")
    social = services.region_contact_person_set(
        user=contact, region=tampere, side="social", name="Sami Sote", email="sami.sote@example.fi")

    assert (culture.name, culture.phone, social.email) == ("Kaisa Kulttuuri", "+358 40 123 4567",
                                                           "sami.sote@example.fi")
    assert LogEntry.objects.get_for_object(culture).count() == 1

    assert services.region_contact_person_set(user=contact, region=tampere, side="culture", name="") is None
    assert list(RegionContactPerson.objects.values_list("side", flat=True)) == ["social"]


@pytest.mark.parametrize(("values", "code"), [
    ({"name": "", "phone": "040 123 4567"}, "contact_name_required"),
    ({"name": "Kaisa"}, "contact_reachable_required"),
    ({"name": "Kaisa", "phone": "soita minulle"}, "phone_invalid"),
    ({"name": "Kaisa", "email": "kaisa@"}, "email_invalid"),
])
def test_a_contact_person_without_a_name_or_a_way_to_reach_them_is_refused(contact, tampere, values, code):
    with pytest.raises(DomainError) as refused:
        services.region_contact_person_set(user=contact, region=tampere, side="culture", **values)
    assert refused.value.code == code
    assert not RegionContactPerson.objects.exists()


def test_a_contact_of_another_region_cannot_name_its_contact_persons(tampere):
    other = RegionContactFactory(user=UserFactory(username="alue-b"), region=RegionFactory(name="B")).user
    with pytest.raises(DomainError) as refused:
        services.region_contact_person_set(user=other, region=tampere, side="culture", name="X", phone="0401234567")
    assert refused.value.code == "not_allowed"
    assert not RegionContactPerson.objects.exists()


def test_close_day_rules():
    today = datetime.date(2026, 11, 29)
    check = services.close_day_check
    check(active_from=datetime.date(2020, 1, 1), active_until=None, last_day=today - datetime.timedelta(days=1),
          today=today)  # at once
    for active_until, last_day, code in [
        (None, today - datetime.timedelta(days=2), "close_date_invalid"),          # before yesterday
        (datetime.date(2026, 12, 31), datetime.date(2027, 1, 31), "close_date_invalid"),  # would lengthen
        (datetime.date(2026, 1, 1), today, "already_closed"),
    ]:
        with pytest.raises(DomainError) as refused:
            check(active_from=datetime.date(2020, 1, 1), active_until=active_until, last_day=last_day, today=today)
        assert refused.value.code == code
    for active_from in (today, today + datetime.timedelta(days=5)):  # "at once" (yesterday) or today: not begun
        with pytest.raises(DomainError) as refused:
            check(active_from=active_from, active_until=None, last_day=active_from - datetime.timedelta(days=1),
                  today=today)
        assert refused.value.code == "not_started_yet"
