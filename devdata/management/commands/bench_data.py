"""Generate benchmark-scale data on PostgreSQL: regions, offices, venues, N cards and M uses.

Defaults are DESIGN §9's scale, 1,000,000 cards and 10,000,000 uses, spread over the last three
years, every region, office and venue. The command is idempotent: it tops up what is missing and
skips what is already that big, so a second run is a no-op. It is fast because it never goes
through the ORM row by row:

* reference data (regions per welfare area, ~400 offices, ~450 venues, bench logins) with the ORM;
* cards generated in Python (valid check characters from ``cards.numbers``) and loaded with
  ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy``);
* uses generated inside PostgreSQL with ``INSERT … SELECT … FROM generate_series`` from a
  temporary table of cards (with each card's valid window) and pools of venues per region, so
  every use falls inside its card's validity, only local-only cards stay home, and the
  denormalised columns (``card_kind``, ``card_region``, ``venue_region``, ``stat_group``) are what
  ``use_log`` would have written;
* secondary indexes of the two big tables are dropped during the load and rebuilt afterwards
  (their definitions are kept in ``bench_saved_indexes`` until rebuilt, so an interrupted run is
  repaired by the next one), then ``first_used_on`` is recomputed and the tables vacuumed and analysed.

Other benchmarks (statistics, exports) reuse it; ``--uses 0`` makes cards only. Bench logins:
``bench-venue`` (box office of one venue), ``bench-coordinator``, ``bench-contact`` (regional
contact) with the password of the DEMO_PASSWORD setting.
"""

import datetime
import random
import time
from collections import Counter
from itertools import accumulate

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cards import numbers
from cards.models import Card, Use
from distributors.models import Office, Organisation
from regions.models import Municipality, NationalSettings, Region, RegionMembership, WelfareArea
from venues.models import CATEGORY_GROUP, Category, Offer, Venue, VenueMembership

MUNICIPALITY_CSV = settings.BASE_DIR.parent / "shared" / "data" / "municipalities-2021.csv"
SPACE = numbers.MODULUS**numbers.PAYLOAD_LENGTH  # 31^8 payloads
STRIDE = 1_000_003 * 31 + 7  # not divisible by 31, so i -> (i * STRIDE + OFFSET) mod 31^8 is a bijection
OFFSET = 123_456_789
COPY_BATCH = 100_000
USE_BATCH = 1_000_000
BENCH_VENUE_NAME = "Bench-teatteri"
BENCH_PREFIX = "Bench"

CATEGORY_WEIGHTS = {
    Category.MUSEUM: 22, Category.THEATRE: 14, Category.LIBRARY: 10, Category.CONCERT: 8, Category.FESTIVAL: 8,
    Category.CINEMA: 5, Category.ADULT_EDUCATION: 9, Category.SCIENCE_CENTRE: 3, Category.GYM: 6,
    Category.SWIMMING_HALL: 9, Category.SPORTS_CLUB: 6,
}
ORG_KINDS = [Organisation.Kind.WELFARE_AREA, Organisation.Kind.MUNICIPALITY, Organisation.Kind.NGO,
             Organisation.Kind.PARISH]


def bench_number(index: int) -> str:
    """The ``index``-th benchmark card number: a bijection of the index over all payloads, so
    numbers look random, never repeat and a rerun produces the same ones."""
    value = (index * STRIDE + OFFSET) % SPACE
    digits = []
    for _ in range(numbers.PAYLOAD_LENGTH):
        value, digit = divmod(value, numbers.MODULUS)
        digits.append(numbers.ALPHABET[digit])
    payload = "".join(digits)
    return payload + numbers.check_character(payload)


class Command(BaseCommand):
    help = "Generate benchmark data on PostgreSQL (default 1,000,000 cards and 10,000,000 uses). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--cards", type=int, default=1_000_000, help="Cards in the database after the run.")
        parser.add_argument("--uses", type=int, default=10_000_000, help="Uses in the database after the run.")
        parser.add_argument("--offices", type=int, default=400)
        parser.add_argument("--venues", type=int, default=450)
        parser.add_argument("--years", type=int, default=3, help="How far back uses and card issues go.")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, cards: int, uses: int, offices: int, venues: int, years: int, seed: int, **options):
        if not settings.IS_POSTGRES:
            raise CommandError("bench_data needs PostgreSQL: set DATABASE_URL=postgres://… (a dedicated database, "
                               "e.g. kk_bench). SQLite is refused.")
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.start = self.today - datetime.timedelta(days=365 * years)
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute("SET work_mem = '64MB'")
        self._restore_saved_indexes()
        regions = self._reference(offices=offices, venues=venues)
        self._step("reference data", started)
        missing_cards = cards - Card.objects.count()
        missing_uses = uses - Use.objects.count()
        if missing_cards > 0:
            t = time.monotonic()
            with self._without_indexes(Card._meta.db_table, big=missing_cards > 200_000):
                self._cards(missing_cards, regions)
            self._step(f"{missing_cards:,} cards", t)
        else:
            self.stdout.write(f"cards: {Card.objects.count():,} already (>= {cards:,}), skipped")
        if missing_uses > 0:
            t = time.monotonic()
            with self._without_indexes(Use._meta.db_table, big=missing_uses > 200_000):
                self._uses(missing_uses)
            self._step(f"{missing_uses:,} uses", t)
            t = time.monotonic()
            self._first_used_on()
            self._step("cards.first_used_on", t)
        else:
            self.stdout.write(f"uses: {Use.objects.count():,} already (>= {uses:,}), skipped")
        if missing_cards > 0 or missing_uses > 0:
            t = time.monotonic()
            # VACUUM too: recomputing first_used_on left a dead version of every card row, which the counter's
            # card lookup would step over until autovacuum came by. Not possible inside a transaction (a test's).
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                cursor.execute(f"{command} {Card._meta.db_table}")
                cursor.execute(f"{command} {Use._meta.db_table}")
            self._step(command, t)
        self.stdout.write(self.style.SUCCESS(
            f"bench data ready in {time.monotonic() - started:.0f} s: {Card.objects.count():,} cards, "
            f"{Use.objects.count():,} uses, {Venue.objects.count()} venues, {Office.objects.count()} offices, "
            f"{Region.objects.count()} regions"
        ))

    def _step(self, what: str, since: float) -> None:
        self.stdout.write(f"{what}: {time.monotonic() - since:.1f} s")
        self.stdout.flush()

    # --- reference data ----------------------------------------------------------------------------

    def _municipalities(self) -> None:
        if Municipality.objects.count() >= 100:
            return
        if MUNICIPALITY_CSV.is_file():
            call_command("load_municipalities", str(MUNICIPALITY_CSV), stdout=self.stdout)
            return
        # No official list: 300 synthetic municipalities in 20 welfare areas.
        areas = [WelfareArea.objects.get_or_create(code=f"B{i:02d}", defaults={"name_fi": f"Bench-alue {i}"})[0]
                 for i in range(20)]
        for i in range(300):
            Municipality.objects.get_or_create(code=f"{600 + i:03d}", defaults={
                "name_fi": f"Bench-kunta {i}", "population": self.rng.randint(1_000, 200_000),
                "welfare_area": areas[i % len(areas)]})

    @transaction.atomic
    def _reference(self, *, offices: int, venues: int) -> list[Region]:
        self._municipalities()
        active_from = self.start - datetime.timedelta(days=365)
        # One region per welfare area for the municipalities that belong to none yet.
        by_area: dict[int, list[Municipality]] = {}
        for municipality in Municipality.objects.filter(region__isnull=True, welfare_area__isnull=False):
            by_area.setdefault(municipality.welfare_area_id, []).append(municipality)
        for area in WelfareArea.objects.filter(pk__in=by_area).order_by("code"):
            region, _ = Region.objects.get_or_create(name=f"{BENCH_PREFIX} {area.name_fi}",
                                                     defaults={"active_from": active_from})
            Municipality.objects.filter(pk__in=[m.pk for m in by_area[area.pk]]).update(region=region)
        regions = list(Region.objects.filter(name__startswith=BENCH_PREFIX).order_by("name"))
        if not regions:
            raise CommandError("No municipalities without a region to build benchmark regions from.")
        # The smallest bench region is local-only, like the Savonlinna pilot was.
        population = Counter()
        for region_id, pop in Municipality.objects.filter(region__in=regions).values_list("region_id", "population"):
            population[region_id] += pop or 1000
        smallest = min(regions, key=lambda r: population[r.pk])
        if len(regions) > 1 and not Region.objects.filter(pk__in=[r.pk for r in regions], local_only=True).exists():
            Region.objects.filter(pk=smallest.pk).update(local_only=True)
        regions = list(Region.objects.filter(pk__in=[r.pk for r in regions]).order_by("name"))
        self.population = population
        self._offices(regions, offices)
        self._venues(regions, venues)
        self._logins(regions)
        return regions

    def _spread(self, regions: list[Region], total: int) -> dict[int, int]:
        """``total`` split over regions by population, at least two each."""
        weight = sum(self.population[r.pk] for r in regions)
        return {r.pk: max(2, round(total * self.population[r.pk] / weight)) for r in regions}

    def _offices(self, regions: list[Region], total: int) -> None:
        if Office.objects.filter(region__in=regions).exists():
            return
        munis = self._municipalities_by_region(regions)
        spread = self._spread(regions, total)
        orgs = {}
        for region in regions:
            for i in range(spread[region.pk]):
                kind = self.rng.choices(ORG_KINDS, weights=[50, 25, 18, 7])[0]
                municipality = self.rng.choice(munis[region.pk])
                org_name = f"{BENCH_PREFIX} {kind.label} {region.name[len(BENCH_PREFIX) + 1:]} {i % 7}"
                if org_name not in orgs:
                    orgs[org_name] = Organisation.objects.get_or_create(name=org_name, defaults={"kind": kind})[0]
                Office.objects.create(organisation=orgs[org_name], name=f"Toimipiste {municipality.name_fi} {i}",
                                      region=region, municipality=municipality, active_from=region.active_from)

    def _venues(self, regions: list[Region], total: int) -> None:
        if Venue.objects.filter(region__in=regions).exists():
            return
        munis = self._municipalities_by_region(regions)
        categories, weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
        spread = self._spread(regions, total)
        rows = []
        for region in regions:
            for i in range(spread[region.pk]):
                category = self.rng.choices(categories, weights=weights)[0]
                municipality = self.rng.choice(munis[region.pk])
                rows.append(Venue(
                    name=f"{Category(category).label.capitalize()} {municipality.name_fi} {i}", category=category,
                    region=region, municipality=municipality, active_from=region.active_from,
                    offers_courses=category == Category.ADULT_EDUCATION or (
                        category == Category.GYM and self.rng.random() < 0.3),
                ))
        biggest = max(regions, key=lambda r: (not r.local_only, self.population[r.pk]))
        rows.append(Venue(name=BENCH_VENUE_NAME, category=Category.THEATRE, region=biggest,
                          municipality=munis[biggest.pk][0], active_from=biggest.active_from))
        for i, category in enumerate([Category.MUSEUM, Category.SCIENCE_CENTRE, Category.FESTIVAL]):
            rows.append(Venue(name=f"{BENCH_PREFIX} pop-up {i}", category=category, is_popup=True, region=None,
                              active_from=self.start, active_until=self.today + datetime.timedelta(days=365)))
        Venue.objects.bulk_create(rows)
        offers = [Offer(venue=venue, title=f"Kausi {self.today.year}", kind=Offer.Kind.PERFORMANCE,
                        starts_on=self.start, ends_on=self.today + datetime.timedelta(days=180))
                  for venue in Venue.objects.filter(category=Category.THEATRE, region__in=regions)[:50]]
        Offer.objects.bulk_create(offers)

    def _logins(self, regions: list[Region]) -> None:
        password = make_password(settings.DEMO_PASSWORD)
        user_model = get_user_model()
        venue = Venue.objects.get(name=BENCH_VENUE_NAME)
        for username, membership in [
            ("bench-venue", lambda u: VenueMembership.objects.get_or_create(
                user=u, venue=venue, defaults={"started_on": self.start})),
            ("bench-coordinator", lambda u: RegionMembership.objects.get_or_create(
                user=u, role=RegionMembership.Role.COORDINATOR, region=None, defaults={"started_on": self.start})),
            ("bench-contact", lambda u: RegionMembership.objects.get_or_create(
                user=u, region=venue.region, defaults={"started_on": self.start})),
        ]:
            user, _ = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@bench.kaikukanta.example", "password": password})
            membership(user)

    @staticmethod
    def _municipalities_by_region(regions: list[Region]) -> dict[int, list[Municipality]]:
        result: dict[int, list[Municipality]] = {}
        for municipality in Municipality.objects.filter(region__in=regions).order_by("code"):
            result.setdefault(municipality.region_id, []).append(municipality)
        return result

    # --- cards ------------------------------------------------------------------------------------

    def _cards(self, count: int, regions: list[Region]) -> None:
        rng = self.rng
        first_index = Card.objects.filter(office__region__in=regions).count()
        offices = {}
        for office_id, region_id in Office.objects.filter(region__in=regions).values_list("pk", "region_id"):
            offices.setdefault(region_id, []).append(office_id)
        munis = {region_id: [m.pk for m in ms] for region_id, ms in self._municipalities_by_region(regions).items()}
        region_ids = [r.pk for r in regions if r.pk in offices and r.pk in munis]
        region_weights = list(accumulate(self.population[pk] for pk in region_ids))
        validity = NationalSettings.current().default_validity_days
        span = (self.today - self.start).days
        now = timezone.now()
        year = self.today.year
        genders, gender_w = ["", "female", "male", "other", "undisclosed"], list(accumulate([30, 38, 26, 2, 4]))
        situations = ["", "unemployed", "student", "pensioner", "family", "immigrant", "rehabilitation", "other"]
        situation_w = list(accumulate([25, 25, 10, 15, 10, 7, 5, 3]))
        children_w = list(accumulate([62, 14, 11, 7, 4, 2]))
        formats_w = list(accumulate([55, 25, 20]))
        languages_w = list(accumulate([88, 5, 7]))

        fields = {
            "number": None, "kind": None, "office_id": None, "region_id": None, "home_municipality_id": None,
            "postal_code": None, "birth_year": None, "children": None, "format": None, "language": None,
            "issued_on": None, "valid_until": None, "status": None, "inactive_reason": None, "inactivated_on": None,
            "first_used_on": None, "gender": None, "life_situation": None, "wellbeing_at_issue": None,
            "created_at": None,
        }
        columns, defaults = _columns(Card, fields)

        def rows():
            for n in range(count):
                region_id = rng.choices(region_ids, cum_weights=region_weights)[0]
                community = rng.random() < 0.01
                issued_on = self.start + datetime.timedelta(days=int(span * rng.random() ** 0.8))
                valid_until = issued_on + datetime.timedelta(days=validity * (2 if rng.random() < 0.3 else 1))
                inactive = rng.random() < 0.04
                inactivated_on = None
                if inactive:
                    inactivated_on = min(self.today, issued_on + datetime.timedelta(days=rng.randint(1, validity)))
                values = {
                    "number": bench_number(first_index + n),
                    "kind": "community" if community else "personal",
                    "office_id": rng.choice(offices[region_id]),
                    "region_id": region_id,
                    "home_municipality_id": None if community else rng.choice(munis[region_id]),
                    "postal_code": "",
                    "birth_year": None if community else year - 16 - min(int(rng.expovariate(1 / 22)), 80),
                    "children": 0 if community else rng.choices(range(6), cum_weights=children_w)[0],
                    "format": rng.choices(["paper", "mobile", "both"], cum_weights=formats_w)[0],
                    "language": rng.choices(["fi", "sv", "en"], cum_weights=languages_w)[0],
                    "issued_on": issued_on,
                    "valid_until": valid_until,
                    "status": "inactive" if inactive else "active",
                    "inactive_reason": rng.choice(["lost", "returned", "other"]) if inactive else "",
                    "inactivated_on": inactivated_on,
                    "first_used_on": None,
                    "gender": "" if community else rng.choices(genders, cum_weights=gender_w)[0],
                    "life_situation": "" if community else rng.choices(situations, cum_weights=situation_w)[0],
                    "wellbeing_at_issue": None if community or rng.random() < 0.6 else rng.randint(1, 5),
                    "created_at": now,
                }
                yield [values[c] if c in values else defaults[c] for c in columns]

        sql = f"COPY {Card._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        done = 0
        generator = rows()
        while done < count:
            batch = min(COPY_BATCH, count - done)
            with transaction.atomic(), connection.cursor() as cursor:
                self._skip_fk_triggers(cursor)
                with cursor.cursor.copy(sql) as copy:
                    for _ in range(batch):
                        copy.write_row(next(generator))
            done += batch
            if done % 500_000 == 0 or done == count:
                self.stdout.write(f"  cards {done:,}/{count:,}")
                self.stdout.flush()

    # --- uses -------------------------------------------------------------------------------------

    def _uses(self, count: int) -> None:
        with connection.cursor() as cursor:
            self._use_pools(cursor)
            cursor.execute("SELECT count(*) FROM bench_c")
            card_count = cursor.fetchone()[0]
            if card_count == 0:
                raise CommandError("No card has a valid day in the period to use; generate cards first.")
        fields = {"card_id", "venue_id", "offer_id", "kind", "children", "group_size", "used_on", "logged_at",
                  "logged_by_id", "channel", "idempotency_key", "cancelled_at", "cancelled_by_id", "cancel_reason",
                  "card_kind", "card_region_id", "venue_region_id", "stat_group"}
        columns, defaults = _columns(Use, dict.fromkeys(fields))
        extra = [c for c in columns if c not in fields]
        select_extra = "".join(f", %(extra_{i})s" for i in range(len(extra)))
        sql = f"""
            INSERT INTO {Use._meta.db_table} (card_id, venue_id, offer_id, kind, children, group_size, used_on,
                logged_at, logged_by_id, channel, idempotency_key, cancelled_at, cancelled_by_id, cancel_reason,
                card_kind, card_region_id, venue_region_id, stat_group{"".join(", " + c for c in extra)})
            SELECT u.card_id, u.venue_id, NULL, u.kind,
                CASE WHEN u.kind = 'course' THEN 0
                     WHEN u.card_kind = 'community' THEN floor(u.r5 * 3)::int
                     WHEN u.card_children > 0 AND u.r5 < 0.35 THEN 1 + floor(u.r6 * u.card_children)::int
                     ELSE 0 END,
                CASE WHEN u.card_kind = 'community' THEN 1 + floor(u.r6 * 5)::int END,
                u.used_on, u.logged_at, NULL,
                CASE WHEN u.r7 < 0.85 THEN 'counter' WHEN u.r7 < 0.97 THEN 'api' ELSE 'late' END,
                '',
                CASE WHEN u.r8 < 0.01 THEN u.logged_at + interval '10 minutes' END, NULL,
                CASE WHEN u.r8 < 0.01 THEN 'Kirjattu väärin' ELSE '' END,
                u.card_kind, u.card_region, u.venue_region,
                CASE WHEN u.kind = 'course' THEN 'education' ELSE u.stat_group END{select_extra}
            FROM (
                SELECT c.id AS card_id, c.kind AS card_kind, c.children AS card_children, c.region_id AS card_region,
                    v.id AS venue_id, v.region_id AS venue_region, v.stat_group,
                    CASE WHEN v.offers_courses AND c.kind = 'personal' AND p.r4 < 0.6 THEN 'course' ELSE 'ticket' END
                        AS kind,
                    c.first_day + floor(p.r3 * (c.last_day - c.first_day + 1))::int AS used_on,
                    ((c.first_day + floor(p.r3 * (c.last_day - c.first_day + 1))::int) + time '09:00'
                        + p.r9 * interval '11 hours') AT TIME ZONE 'Europe/Helsinki' AS logged_at,
                    p.r5, p.r6, p.r7, p.r8
                FROM (
                    SELECT floor(%(cards)s * power(random(), 1.7))::int AS cidx, random() AS r1, random() AS r2,
                        random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7,
                        random() AS r8, random() AS r9
                    FROM generate_series(1, %(batch)s)
                ) p
                JOIN bench_c c ON c.idx = p.cidx
                JOIN bench_pool pool ON pool.pool = CASE
                    WHEN NOT c.local_only AND (p.r1 < 0.12 OR NOT c.has_pool) THEN 0 ELSE c.region_id END
                JOIN bench_v v ON v.pool = pool.pool AND v.pidx = floor(p.r2 * pool.n)::int
            ) u
        """
        done = 0
        while done < count:
            batch = min(USE_BATCH, count - done)
            t = time.monotonic()
            with transaction.atomic(), connection.cursor() as cursor:
                self._skip_fk_triggers(cursor)
                params = {"cards": card_count, "batch": batch}
                params.update({f"extra_{i}": defaults[c] for i, c in enumerate(extra)})
                cursor.execute(sql, params)
                done += cursor.rowcount
            self.stdout.write(f"  uses {done:,}/{count:,} ({time.monotonic() - t:.1f} s)")
            self.stdout.flush()

    def _use_pools(self, cursor) -> None:
        """Temporary tables: every card with its valid window in the period, and venue pools per region."""
        cursor.execute("DROP TABLE IF EXISTS bench_c, bench_v, bench_pool")
        cursor.execute(f"""
            CREATE TEMP TABLE bench_c AS
            SELECT (row_number() OVER (ORDER BY c.id) - 1)::int AS idx, c.id, c.kind, c.children, c.region_id,
                   r.local_only, c.first_day, c.last_day, TRUE AS has_pool
            FROM (
                SELECT id, kind, children, region_id,
                       greatest(issued_on, %(start)s::date) AS first_day,
                       least(valid_until, %(today)s::date,
                             coalesce(inactivated_on - 1, %(today)s::date)) AS last_day
                FROM {Card._meta.db_table}
            ) c JOIN {Region._meta.db_table} r ON r.id = c.region_id
            WHERE c.last_day >= c.first_day
        """, {"start": self.start, "today": self.today})
        venues = Venue.objects.active_on(self.start).active_on(self.today)  # active over the whole window
        local = set(Region.objects.filter(local_only=True).values_list("pk", flat=True))
        pools: dict[int, list[tuple]] = {}
        for venue in venues.order_by("pk"):
            row = (venue.pk, venue.region_id, CATEGORY_GROUP[Category(venue.category)].value, venue.offers_courses)
            if venue.region_id:
                pools.setdefault(venue.region_id, []).append(row)
            if venue.region_id not in local:
                pools.setdefault(0, []).append(row)
        cursor.execute("CREATE TEMP TABLE bench_v (pool bigint, pidx int, id bigint, region_id bigint, "
                       "stat_group text, offers_courses boolean)")
        cursor.execute("CREATE TEMP TABLE bench_pool (pool bigint PRIMARY KEY, n int)")
        with cursor.cursor.copy("COPY bench_v FROM STDIN") as copy:
            for pool, rows in pools.items():
                for pidx, (venue_id, region_id, stat_group, courses) in enumerate(rows):
                    copy.write_row((pool, pidx, venue_id, region_id, stat_group, courses))
        with cursor.cursor.copy("COPY bench_pool FROM STDIN") as copy:
            for pool, rows in pools.items():
                copy.write_row((pool, len(rows)))
        cursor.execute("UPDATE bench_c SET has_pool = FALSE WHERE region_id NOT IN (SELECT pool FROM bench_pool)")
        cursor.execute("DELETE FROM bench_c WHERE local_only AND NOT has_pool")
        cursor.execute("""
            WITH renumbered AS (SELECT id, (row_number() OVER (ORDER BY idx) - 1)::int AS idx FROM bench_c)
            UPDATE bench_c SET idx = renumbered.idx FROM renumbered WHERE bench_c.id = renumbered.id
        """)
        cursor.execute("CREATE UNIQUE INDEX ON bench_c (idx)")
        cursor.execute("CREATE UNIQUE INDEX ON bench_v (pool, pidx)")
        cursor.execute("ANALYZE bench_c")
        cursor.execute("ANALYZE bench_v")

    @staticmethod
    def _skip_fk_triggers(cursor) -> None:
        """Generated rows reference existing rows by construction; a superuser skips the per-row
        foreign-key triggers for this transaction (the constraints stay in place for everybody else)."""
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")

    def _first_used_on(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"""
                UPDATE {Card._meta.db_table} c SET first_used_on = m.first
                FROM (SELECT card_id, min(used_on) AS first FROM {Use._meta.db_table}
                      WHERE cancelled_at IS NULL GROUP BY card_id) m
                WHERE c.id = m.card_id AND c.first_used_on IS DISTINCT FROM m.first
            """)

    # --- indexes ----------------------------------------------------------------------------------

    def _restore_saved_indexes(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_saved_indexes (name text PRIMARY KEY, definition text)")
            cursor.execute("SELECT name, definition FROM bench_saved_indexes")
            saved = cursor.fetchall()
            for name, definition in saved:
                cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
                if cursor.fetchone() is None:
                    self.stdout.write(f"  rebuilding index {name} (left over from an interrupted run)")
                    cursor.execute(definition)
                cursor.execute("DELETE FROM bench_saved_indexes WHERE name = %s", [name])

    def _without_indexes(self, table: str, *, big: bool):
        """Drop the table's plain secondary indexes (not those behind a primary key or a unique
        constraint) for a big load, and rebuild them exactly as they were afterwards."""
        command = self

        class Context:
            def __enter__(self):
                self.saved = []
                if not big:
                    return self
                with connection.cursor() as cursor:
                    cursor.execute("""
                        SELECT i.relname, pg_get_indexdef(i.oid)
                        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                        WHERE t.relname = %s AND NOT x.indisprimary
                          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                    """, [table])
                    self.saved = cursor.fetchall()
                    for name, definition in self.saved:
                        cursor.execute("INSERT INTO bench_saved_indexes VALUES (%s, %s) ON CONFLICT DO NOTHING",
                                       [name, definition])
                        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
                return self

            def __exit__(self, *exc):
                if not self.saved:
                    return False
                t = time.monotonic()
                with connection.cursor() as cursor:
                    for name, definition in self.saved:
                        cursor.execute(definition)
                        cursor.execute("DELETE FROM bench_saved_indexes WHERE name = %s", [name])
                command._step(f"  rebuilt {len(self.saved)} indexes of {table}", t)
                return False

        return Context()


def _columns(model, known: dict) -> tuple[list[str], dict]:
    """The model's concrete columns (except the id) and DB values of defaults for the ones the
    generator does not set, so a field added later does not break the bench."""
    columns, defaults = [], {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column not in known and field.attname not in known:
            default = field.get_default()
            defaults[field.column] = field.get_db_prep_save(default, connection)
    return columns, defaults
