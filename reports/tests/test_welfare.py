"""Issue 17: wellbeing change (point 1), who the card reaches and reach per 1,000 inhabitants (point 2)."""

import datetime

import pytest

from cards import services
from cards.models import Card, WellbeingAnswer
from cards.retention import retention_apply
from distributors.tests.factories import OfficeMembershipFactory
from regions.tests.factories import MunicipalityFactory
from reports.selectors import Period, dashboard_for
from reports.services import rollup_rebuild
from reports.suppression import COMPLEMENTARY, SUPPRESSED
from reports.welfare import reach_tables, wellbeing_rows, wellbeing_tables, who_tables

from .factories import card, network, use

YEAR = 2025
ISSUED = datetime.date(YEAR - 1, 3, 1)
RENEWED = datetime.date(YEAR, 2, 20)


def issue(user, office, municipality, answer, **kwargs):
    return services.card_issue(user=user, office=office, home_municipality=municipality, birth_year=1980,
                               wellbeing_at_issue=answer, today=ISSUED, **kwargs)


@pytest.fixture
def answered(db):
    net = network()
    staff = [OfficeMembershipFactory(office=office).user for office in net["offices"]]
    north, south = net["north"], net["south"]
    holders = []
    for i in range(5):  # north: 2 at issue, 4 at renewal (one renews twice: 2 → 3 → 4)
        holder = issue(staff[0], net["offices"][0], net["munis"][north.pk], 2)
        if i == 0:
            services.card_renew(user=staff[0], card=holder, wellbeing_at_renewal=3,
                                today=RENEWED - datetime.timedelta(days=30))
        services.card_renew(user=staff[0], card=holder, wellbeing_at_renewal=4, today=RENEWED)
        holders.append(holder)
    for _i in range(5):  # south: 4 and 4
        holder = issue(staff[1], net["offices"][1], net["munis"][south.pk], 4)
        services.card_renew(user=staff[1], card=holder, wellbeing_at_renewal=4, today=RENEWED)
        holders.append(holder)
    issue(staff[0], net["offices"][0], net["munis"][north.pk], 1)  # answered once: no change to count
    unanswered = issue(staff[0], net["offices"][0], net["munis"][north.pk], None)
    services.card_renew(user=staff[0], card=unanswered, wellbeing_at_renewal=5, today=RENEWED)  # first answer
    return net, staff, holders


def test_every_answer_is_kept_with_its_date_and_occasion(answered):
    _net, _staff, holders = answered
    twice = holders[0]
    twice.refresh_from_db()
    assert (twice.wellbeing_at_issue, twice.wellbeing_at_renewal) == (2, 4)  # the card's fields as before
    assert list(WellbeingAnswer.objects.filter(card=twice).values_list(
        "answered_on", "occasion", "value", "first_value", "latest")) == [
        (ISSUED, "issue", 2, None, False),
        (RENEWED - datetime.timedelta(days=30), "renewal", 3, 2, False),
        (RENEWED, "renewal", 4, 2, True),
    ]


def test_two_at_issue_and_four_at_renewal_counts_as_better(answered):
    net, _staff, _holders = answered
    data = wellbeing_rows(None, YEAR)
    assert data["regions"][net["north"].pk] == {"holders": 5, "better": 5, "same": 0, "worse": 0, "change": 10}
    assert data["regions"][net["south"].pk] == {"holders": 5, "better": 0, "same": 5, "worse": 0, "change": 0}
    assert data["total"] == {"holders": 10, "better": 5, "same": 5, "worse": 0, "change": 10}
    by_region, by_area = wellbeing_tables(None, YEAR)
    assert by_region.rows == [["Etelä", 5, 0, 5, 0, 0.0], ["Pohjoinen", 5, 5, 0, 0, 2.0], ["Total", 10, 5, 5, 0, 1.0]]
    assert by_area.rows[0] == ["Pirkanmaan hyvinvointialue", 10, 5, 5, 0, 1.0]
    assert wellbeing_rows(None, YEAR - 1)["total"]["holders"] == 0
    assert wellbeing_rows([net["south"].pk], YEAR)["total"]["better"] == 0


def test_wellbeing_under_five_is_suppressed(answered):
    net, staff, _holders = answered
    worse = issue(staff[1], net["offices"][1], net["munis"][net["south"].pk], 5)
    services.card_renew(user=staff[1], card=worse, wellbeing_at_renewal=3, today=RENEWED)
    by_region, _by_area = wellbeing_tables(None, YEAR)
    # South: 6 holders, 5 the same, 1 worse: the one is "<5", and the counts that would give it back by
    # subtraction (its row's, its columns') are hidden too, the mean change with its holders.
    assert by_region.rows == [
        ["Etelä", COMPLEMENTARY, 0, COMPLEMENTARY, SUPPRESSED, COMPLEMENTARY],
        ["Pohjoinen", COMPLEMENTARY, COMPLEMENTARY, 0, 0, COMPLEMENTARY],
        ["Total", 11, COMPLEMENTARY, COMPLEMENTARY, SUPPRESSED, 0.73],
    ]


def test_wellbeing_figures_survive_retention(answered):
    net, _staff, holders = answered
    before = [t.rows for t in wellbeing_tables(None, YEAR)], wellbeing_rows([net["north"].pk], YEAR)
    Card.objects.filter(pk__in=[h.pk for h in holders]).update(valid_until=datetime.date(YEAR, 3, 1))

    result = retention_apply(today=datetime.date(YEAR + 3, 6, 1))

    assert result.reduced == 12  # every card of the fixture is long expired by then
    assert not WellbeingAnswer.objects.filter(card__isnull=False).exists()
    # Only the latest answers stay, unlinked: the ten holders', the one answered once and the renewal-only one.
    assert WellbeingAnswer.objects.count() == WellbeingAnswer.objects.filter(latest=True).count() == 12
    assert Card.objects.get(pk=holders[0].pk).wellbeing_at_issue is None
    assert ([t.rows for t in wellbeing_tables(None, YEAR)], wellbeing_rows([net["north"].pk], YEAR)) == before


# --- who the card reaches, reach per 1,000 -----------------------------------------------------------------------


def test_a_municipality_with_three_holders_shows_under_five_in_every_derived_cell(db):
    net = network()
    theatre, _opisto, heureka, _hall, _popup = net["venues"]
    north_home = net["munis"][net["north"].pk]
    north_home.population = 1_000
    north_home.save()
    south_home = net["munis"][net["south"].pk]
    south_home.population = 2_000
    south_home.save()
    issued = {"issued_on": datetime.date(YEAR, 1, 5), "valid_until": datetime.date(YEAR, 12, 31)}
    for _i in range(3):  # Tampere: 3 holders, 9 uses, 6 child tickets
        holder = card(net, 0, children=2, gender="female", birth_year=1990, **issued)
        for day in range(3):
            use(holder, theatre, datetime.date(YEAR, 2, 1 + day), children=2 if day < 1 else 0)
    kangasala = MunicipalityFactory(code="211", name_fi="Kangasala", region=net["north"], population=500,
                                    welfare_area=north_home.welfare_area)
    for i in range(7):  # Kangasala: 7 holders, 7 uses
        use(card(net, 0, home_municipality=kangasala, **issued), theatre, datetime.date(YEAR, 5, 1 + i))
    for i in range(8):  # Helsinki: 8 holders, 16 uses, 8 child tickets
        holder = card(net, 1, children=1, gender="male" if i < 6 else "", birth_year=1950 + i, **issued)
        use(holder, heureka, datetime.date(YEAR, 3, 1 + i), children=1)
        use(holder, heureka, datetime.date(YEAR, 4, 1 + i))
    rollup_rebuild()

    board = dashboard_for(None, Period.for_year(YEAR))
    municipalities, areas = reach_tables(board)

    assert municipalities.rows == [
        ["Helsinki", 2_000, 8, 4.0, 16, 8.0, 8],
        # Kangasala's counts would give Tampere's back from the region's figures: hidden as well, not small.
        ["Kangasala", 500, COMPLEMENTARY, COMPLEMENTARY, COMPLEMENTARY, COMPLEMENTARY, COMPLEMENTARY],
        ["Tampere", 1_000, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED],
    ]
    assert areas.rows == [["Pirkanmaan hyvinvointialue", 3_500, 18, 5.14, 32, 9.14, 14]]
    # The dashboard's own table by home municipality hides Tampere's uses and child tickets with its holders.
    from reports.exports import dashboard_tables

    shown = {t.key: t for t in dashboard_tables(board, suppressed=True)}["municipalities"].rows
    tampere = next(row for row in shown if row[0] == "Tampere")
    assert tampere[4:] == [SUPPRESSED, SUPPRESSED, SUPPRESSED]

    age, gender, life = who_tables([net["north"].pk, net["south"].pk], Period.for_year(YEAR))
    assert age.rows == [["16–29 years", 0, "0 %"], ["30–44 years", SUPPRESSED, ""], ["45–64 years", 7, "39 %"],
                        ["65–74 years", 7, "39 %"], ["75 years or more", SUPPRESSED, ""], ["not recorded", 0, "0 %"],
                        ["Total", 18, "100 %"]]
    assert gender.rows == [["female", SUPPRESSED, ""], ["male", COMPLEMENTARY, ""], ["other", 0, "0 %"],
                           ["prefers not to say", 0, "0 %"], ["not recorded", 9, "50 %"], ["Total", 18, "100 %"]]
    assert life.rows[-2:] == [["not recorded", 18, "100 %"], ["Total", 18, "100 %"]]
