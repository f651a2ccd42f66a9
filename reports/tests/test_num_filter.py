"""The statistics tables' number filter: thousands, decimals in the page's language, and no figure as a dash."""

from django.utils import translation

from reports.templatetags.reports_tags import num


def test_thousands_with_a_narrow_no_break_space():
    assert num(241009) == "241\u202f009"


def test_a_mean_uses_the_decimal_sign_of_the_page():
    with translation.override("fi"):
        assert num(1.25) == "1,25"
    with translation.override("sv"):
        assert num(0.5) == "0,50"
    with translation.override("en"):
        assert num(1.25) == "1.25"


def test_no_figure_is_a_dash_and_text_passes_through():
    assert num(None) == "–"
    assert num("<5") == "<5"
    assert num(True) is True


def test_wellbeing_captions_are_translated():
    with translation.override("sv"):
        assert translation.gettext("by welfare area") == "per välfärdsområde"
    with translation.override("fi"):
        assert translation.gettext("by region") == "alueittain"
