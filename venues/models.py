import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import ActivePeriod, ActivePeriodQuerySet
from core.scopes import scope_for
from regions.models import Municipality, Region


class StatGroup(models.TextChoices):
    """The four statistics groups of DESIGN §7; courses always count as education."""

    CULTURE = "culture", _("culture")
    EDUCATION = "education", _("education")
    SCIENCE = "science", _("science")
    SPORT = "sport", _("sport")


class Category(models.TextChoices):
    THEATRE = "theatre", _("theatre")
    MUSEUM = "museum", _("museum")
    FESTIVAL = "festival", _("festival")
    CONCERT = "concert", _("concert or music")
    CINEMA = "cinema", _("cinema")
    LIBRARY = "library", _("library or cultural centre")
    ADULT_EDUCATION = "adult_education", _("adult-education centre")
    SCIENCE_CENTRE = "science_centre", _("science centre")
    GYM = "gym", _("gym")
    SWIMMING_HALL = "swimming_hall", _("swimming hall")
    SPORTS_CLUB = "sports_club", _("sports club or game")


CATEGORY_GROUP = {
    Category.THEATRE: StatGroup.CULTURE,
    Category.MUSEUM: StatGroup.CULTURE,
    Category.FESTIVAL: StatGroup.CULTURE,
    Category.CONCERT: StatGroup.CULTURE,
    Category.CINEMA: StatGroup.CULTURE,
    Category.LIBRARY: StatGroup.CULTURE,
    Category.ADULT_EDUCATION: StatGroup.EDUCATION,
    Category.SCIENCE_CENTRE: StatGroup.SCIENCE,
    Category.GYM: StatGroup.SPORT,
    Category.SWIMMING_HALL: StatGroup.SPORT,
    Category.SPORTS_CLUB: StatGroup.SPORT,
}


class VenueQuerySet(ActivePeriodQuerySet):
    def visible_to(self, user) -> "VenueQuerySet":
        scope = scope_for(user)
        if scope.national:
            return self.all()
        return self.filter(Q(region_id__in=scope.region_ids) | Q(pk__in=scope.venue_ids))


class Venue(ActivePeriod, models.Model):
    """A Kaikukortti venue (kohde). A pop-up venue has no region and a campaign period (its active period,
    which always has an end)."""

    period_start, period_end = "active_from", "active_until"

    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="venues"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="venues",
    )
    is_popup = models.BooleanField(_("pop-up venue"), default=False)
    offers_courses = models.BooleanField(_("offers course places"), default=False)
    website = models.URLField(_("website"), blank=True)
    active_from = models.DateField(_("active from"))
    active_until = models.DateField(_("active until"), null=True, blank=True)
    # What the public pages show (the catalogue, the region page): whether the venue is listed, and how people reach
    # it about Kaikukortti tickets. The same fields as an office's (distributors.Office).
    public_listing = models.BooleanField(
        _("listed publicly"), default=True,
        help_text=_("Shown in the public list of places where the card works while the venue is active."),
    )
    public_contact = models.TextField(
        _("public contact"), blank=True, max_length=1000,
        help_text=_("How to get Kaikukortti tickets or places: box office, opening hours, what to say when booking."),
    )
    # Public texts the venue's own staff write in Finnish, Swedish and English (venues/translation.py adds the
    # _fi/_sv/_en columns; the public pages fall back to Finnish).
    public_description = models.TextField(
        _("description"), blank=True, max_length=2000, help_text=_("What the venue is and what Kaikukortti gets there.")
    )
    address = models.TextField(_("address"), blank=True, max_length=300)
    accessibility = models.TextField(
        _("accessibility"), blank=True, max_length=2000,
        help_text=_("Step-free access, lifts, hearing loops, assistants' free entry and similar."),
    )
    public_phone = models.CharField(_("public phone"), max_length=30, blank=True)
    public_email = models.EmailField(_("public e-mail"), blank=True)
    public_url = models.URLField(
        _("public contact page"), blank=True, help_text=_("A page about tickets or contact, if not the website.")
    )

    objects = VenueQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.CheckConstraint(
                condition=(Q(is_popup=True) & Q(region__isnull=True) & Q(active_until__isnull=False))
                | (Q(is_popup=False) & Q(region__isnull=False)),
                name="venue_popup_has_campaign_and_no_region",
            ),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gte=models.F("active_from")),
                name="venue_period_ordered",
            ),
            models.UniqueConstraint(fields=["region", "name"], name="venue_name_unique_in_region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stat_group(self) -> str:
        return CATEGORY_GROUP[Category(self.category)]


class OfferQuerySet(ActivePeriodQuerySet):
    def visible_to(self, user) -> "OfferQuerySet":
        return self.filter(venue__in=Venue.objects.visible_to(user))

    def current_on(self, day: datetime.date) -> "OfferQuerySet":
        """Offers running on ``day`` (R9's period rule over ``starts_on``…``ends_on``)."""
        return self.active_on(day)

    def available_on(self, day: datetime.date) -> "OfferQuerySet":
        """R10: offers a counter can log on ``day``: running that day and not sold out. The reference
        form of ``venues.selectors.counter_offers``, which reads the same rows with SQL written once."""
        return self.active_on(day).filter(Offer.places_left_q())


class Offer(ActivePeriod, models.Model):
    """An event, performance or course a venue opens to Kaikukortti, optionally with a quota."""

    period_start, period_end = "starts_on", "ends_on"
    # R10 "not sold out", in SQL over the row's own columns (``counter_offers``) and as a ``Q``.
    PLACES_LEFT_SQL = "(quota IS NULL OR used_count < quota)"

    class Kind(models.TextChoices):
        EVENT = "event", _("event")
        PERFORMANCE = "performance", _("performance")
        COURSE = "course", _("course")

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.EVENT)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    quota = models.PositiveIntegerField(
        _("Kaikukortti places"), null=True, blank=True, help_text=_("Empty = no limit.")
    )
    used_count = models.PositiveIntegerField(_("places used"), default=0, editable=False)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "title"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="offer_period_ordered"),
            models.CheckConstraint(
                condition=Q(quota__isnull=True) | Q(used_count__lte=models.F("quota")), name="offer_quota_not_exceeded"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.used_count, 0)

    @staticmethod
    def places_left_q() -> Q:
        return Q(quota__isnull=True) | Q(quota__gt=models.F("used_count"))


class VenueMembershipQuerySet(ActivePeriodQuerySet):
    def visible_to(self, user) -> "VenueMembershipQuerySet":
        scope = scope_for(user)
        if scope.national:
            return self.all()
        return self.filter(Q(venue__region_id__in=scope.region_ids) | Q(user_id=scope.user_id))


class VenueMembership(ActivePeriod, models.Model):
    """Box-office staff (or a ticketing integration account) of a venue (``ended_on`` = the last day of access)."""

    period_start, period_end = "started_on", "ended_on"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="venue_memberships")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="memberships")
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = VenueMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue membership")
        verbose_name_plural = _("venue memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "venue"], condition=Q(ended_on__isnull=True), name="one_active_venue_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.venue}"


class PerformanceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PerformanceQuerySet":
        return self.filter(offer__venue__in=Venue.objects.visible_to(user))


class Performance(models.Model):
    """A dated showing of an offer (issue 16) with its own Kaikukortti places, booked ahead (R15).

    ``places_booked`` counts the places held by bookings (1 + children each, as ``cards.services`` counts an
    offer's places); a cancellation gives them back, a no-show does not. Changed only under a row lock
    (``bookings.services``); the constraint keeps it within the quota whatever happens.
    """

    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="performances")
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"))
    quota = models.PositiveIntegerField(_("Kaikukortti places"))
    places_booked = models.PositiveIntegerField(_("places booked"), default=0, editable=False)

    objects = PerformanceQuerySet.as_manager()

    class Meta:
        ordering = ["date", "time", "pk"]
        verbose_name = _("performance")
        verbose_name_plural = _("performances")
        constraints = [
            models.CheckConstraint(condition=Q(quota__gte=1), name="performance_quota_positive"),
            models.CheckConstraint(condition=Q(places_booked__lte=models.F("quota")),
                                   name="performance_quota_not_exceeded"),
            models.UniqueConstraint(fields=["offer", "date", "time"], name="performance_unique_time"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} {self.date:%Y-%m-%d} {self.time:%H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.quota - self.places_booked, 0)

    @property
    def availability(self) -> str:
        """R16: the public band, never the count: ``available``, ``few_left`` or ``full``, by the same thresholds as
        an offer's (``venues.selectors.availability``)."""
        from .selectors import availability

        return availability(self.quota, self.places_booked)
