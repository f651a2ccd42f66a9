"""A region's name and page text in Finnish (the source and fallback), Swedish and English
(django-modeltranslation adds ``name_fi``/``name_sv``/``name_en`` and ``public_text_*``; ``name`` reads the active
language with Finnish fallback, on staff pages too)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Region

REGION_PUBLIC_TEXTS = ("name", "public_text")


@register(Region)
class RegionTranslationOptions(TranslationOptions):
    fields = REGION_PUBLIC_TEXTS
