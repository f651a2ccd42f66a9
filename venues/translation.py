"""The venue texts the public pages show, in Finnish (the source and fallback), Swedish and English
(django-modeltranslation adds ``<field>_fi``, ``_sv`` and ``_en`` columns; the field itself reads the active
language with Finnish fallback)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Venue

# Public texts a venue's own staff write (venues.services.venue_public_texts_update).
VENUE_PUBLIC_TEXTS = ("public_description", "address", "accessibility", "public_contact")


@register(Venue)
class VenueTranslationOptions(TranslationOptions):
    fields = VENUE_PUBLIC_TEXTS
