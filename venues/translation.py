"""The venue texts the public pages show, in Finnish (the source and fallback), Swedish and English
(django-modeltranslation adds ``<field>_fi``, ``_sv`` and ``_en`` columns; the field itself reads the active
language with Finnish fallback)."""

from modeltranslation.translator import TranslationOptions, register

from regions.translation import finnish_columns

from .models import Offer, Venue

# Public texts a venue's own staff write (venues.services.venue_public_texts_update).
VENUE_PUBLIC_TEXTS = ("public_description", "address", "accessibility", "public_contact")


@register(Venue)
class VenueTranslationOptions(TranslationOptions):
    fields = VENUE_PUBLIC_TEXTS


@register(Offer)
class OfferTranslationOptions(TranslationOptions):
    fields = ("title",)  # the venue's staff write it on the offer form (venues.services.offer_create/offer_update)


finnish_columns(Venue)
finnish_columns(Offer)
