"""A region's name and page text in Finnish (the source and fallback), Swedish and English
(django-modeltranslation adds ``name_fi``/``name_sv``/``name_en`` and ``public_text_*``; ``name`` reads the active
language with Finnish fallback, on staff pages too)."""

from django.utils import translation
from modeltranslation.fields import TranslationFieldDescriptor
from modeltranslation.translator import TranslationOptions, register, translator

from .models import Region

REGION_PUBLIC_TEXTS = ("name", "public_text")


class _WritesFinnish(TranslationFieldDescriptor):
    """``region.name = …`` writes the Finnish name (``name_fi``), whatever language is active."""

    def __set__(self, instance, value):
        if getattr(instance, "_mt_init", False):
            # A row being built (each read of a region, venue or offer): modeltranslation keeps the value as it
            # is, in no language, so switching the language around it would only cost time.
            super().__set__(instance, value)
            return
        with translation.override("fi"):
            super().__set__(instance, value)


def finnish_columns(model) -> None:
    """Keep the untranslated columns (``name``, ``title``…) the Finnish text, as every query, raw SQL reader and
    export of this project expects: queries are not rewritten to the active language's column (a lookup by
    ``name`` reads ``name``, whatever language a page or a test is in); assigning ``name`` or building a row with
    ``name=`` writes the Finnish text, and a save writes the Finnish value to ``name``. Reading the attribute
    gives the active language with Finnish fallback; the other languages are written by their own names
    (``name_sv``)."""
    for field_name in translator.get_options_for_model(model).fields:
        model.__dict__[field_name].__class__ = _WritesFinnish
    translated_init = model.__init__

    def __init__(self, *args, **kwargs):
        if not kwargs:  # rows loaded from the database
            translated_init(self, *args)
            return
        with translation.override("fi"):
            translated_init(self, *args, **kwargs)

    model.__init__ = __init__
    manager_class = model._default_manager.__class__
    translated_get_queryset = manager_class.get_queryset
    ordering = tuple(model._meta.ordering)

    def get_queryset(self):
        queryset = translated_get_queryset(self).rewrite(False)
        if ordering:  # modeltranslation put the model's ordering there in the active language's columns
            queryset.query.order_by = ordering
        return queryset

    manager_class.get_queryset = get_queryset
    translated_save = model.save

    def save(self, *args, **kwargs):
        with translation.override("fi"):
            return translated_save(self, *args, **kwargs)

    model.save = save


@register(Region)
class RegionTranslationOptions(TranslationOptions):
    fields = REGION_PUBLIC_TEXTS


finnish_columns(Region)
