"""A staff form that comes back with errors opens with an error summary (templates/includes/error_summary.html): a
box headed "There is a problem" before the form's fields, focusable (tabindex=-1, role=alert) for the script that
moves the focus there, listing every error; a field's error links to its input (``#id_<field>``, a radio group's
first option), the form's own error is listed without a link. The autofocus of the first field is dropped, so the
focus is not pulled back past the summary. The browser test of the focus is in test_error_summary_browser.py."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.forms import Form, HiddenInput, IntegerField
from django.urls import reverse
from django.utils import translation

from core.forms import error_summary_items
from kaikukanta.tests.world import build_world

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r'<div class="error-summary" id="(?P<id>[\w-]+)" role="alert" tabindex="-1" aria-labelledby="(?P=id)-title" '
    r'data-error-summary>\s*<h(?P<level>\d) id="(?P=id)-title" class="error-summary-title">(?P<title>[^<]+)</h\d>'
    r"\s*<ul>(?P<items>.*?)</ul>\s*</div>", re.S)
ITEM = re.compile(r'<li>(?:<a href="#(?P<target>[\w-]+)">(?P<linked>.*?)</a>|(?P<text>.*?))</li>', re.S)
AUTOFOCUS = re.compile(r"<(?:input|select|textarea|button)\b[^>]*\sautofocus[\s>=]")
PASSWORD = "salasana-testi-1"  # the factories' password


@pytest.fixture
def world():
    return build_world()


def summary_of(response) -> dict:
    """The page's one error summary: its heading, the targets of its links and its items' texts."""
    html = response.content.decode()
    summaries = list(SUMMARY.finditer(html))
    assert len(summaries) == 1, html
    found = summaries[0]
    items = [(m["target"] or "", " ".join((m["linked"] or m["text"]).split())) for m in ITEM.finditer(found["items"])]
    return {"html": html, "start": found.start(), "title": found["title"], "level": int(found["level"]),
            "items": items}


def register(client, world):
    client.force_login(world.distributor)
    return client.post(reverse("cards:register"), {"office": world.office_a.pk, "number": "", "format": "paper",
                                                      "children": "0"})


def renew(client, world):
    client.force_login(world.distributor)
    return client.post(reverse("cards:renew", args=[world.card_a.pk]), {"wellbeing_at_renewal": "9"})


def replace(client, world):
    client.force_login(world.distributor)
    return client.post(reverse("cards:replace", args=[world.card_a.pk]), {"number": "ABC-DEF-GHX", "reason": "x"})


def late_entry(client, world):
    client.force_login(world.venue_staff)
    return client.post(reverse("venues:late_entry"), {"late-number": "", "late-used_on": "", "late-children": "0"})


def invite_staff(client, world):
    client.force_login(world.contact)
    return client.post(reverse("distributors:office_invite", args=[world.office_a.pk]), {"email": "ei-osoite"})


def offer_create(client, world):
    client.force_login(world.venue_staff)
    return client.post(reverse("venues:offer_create"), {"title": "", "kind": "event", "starts_on": "2026-13-01"})


def login_blank(client, world):
    return client.post(reverse("account_login"), {"login": "", "password": ""})


def login_wrong_password(client, world):
    return client.post(reverse("account_login"), {"login": "jakaja-a", "password": "väärä"})


def mfa_wrong_code(client, world, settings):
    settings.MFA_REQUIRED_FOR_REGIONAL = True
    world.contact.set_password(PASSWORD)
    world.contact.save()
    TOTP.activate(world.contact, "JBSWY3DPEHPK3PXPJBSWY3DP")
    assert client.post(reverse("account_login"), {"login": "alue-a", "password": PASSWORD}).status_code == 302
    return client.post(reverse("mfa_authenticate"), {"code": "12345"})


REQUIRED = "This field is required."

# (page, how it is refused, status, heading level, [(link target or "" for none, text), ...])
CASES = [
    ("card register", register, 200, 2, [
        ("id_number", "Card number: Type or scan the pre-printed number, or tick 'generate a new number'."),
        ("id_birth_year", f"Birth year: {REQUIRED}"),
        ("id_home_municipality", f"Home municipality: {REQUIRED}"),
        ("id_language_0", f"Language of the info sheet: {REQUIRED}"),
    ]),
    ("renew", renew, 200, 2, [
        ("id_wellbeing_at_renewal_0", "How is the client doing, 1 (badly) – 5 (well)? (voluntary): "
                                      "Select a valid choice. 9 is not one of the available choices."),
    ]),
    ("replace", replace, 200, 2, [
        ("id_number", "Number of the new card: The card number is mistyped: its check character does not match."),
        ("id_reason_0", "Why is the card replaced?: Select a valid choice. x is not one of the available choices."),
    ]),
    ("counter late entry", late_entry, 400, 2, [
        ("id_late-number", f"Card number: {REQUIRED}"),
        ("id_late-used_on", f"Date of the visit: {REQUIRED}"),
    ]),
    ("invite staff", invite_staff, 400, 4, [("id_email", "E-mail address: Enter a valid email address.")]),
    ("offer create", offer_create, 400, 2, [
        ("id_title", f"Title: {REQUIRED}"),
        ("id_starts_on", "Starts on: Enter a valid date."),
        ("id_ends_on", f"Ends on: {REQUIRED}"),
    ]),
    ("sign in, blank", login_blank, 200, 2, [
        ("id_login", f"Login: {REQUIRED}"),
        ("id_password", f"Password: {REQUIRED}"),
    ]),
    ("sign in, wrong password", login_wrong_password, 200, 2, [
        ("", "The username and/or password you specified are not correct."),
    ]),
]


@pytest.mark.parametrize(("page", "refuse", "status", "level", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_refused_form_opens_with_a_summary_linking_to_each_field(client, world, page, refuse, status, level,
                                                                   expected):
    response = refuse(client, world)

    assert response.status_code == status
    summary = summary_of(response)
    assert summary["title"] == "There is a problem"
    assert summary["level"] == level
    assert summary["items"] == [(target, text.replace("'", "&#x27;")) for target, text in expected]
    html = summary["html"]
    for target, _text in expected:
        if target:  # the link's input is on the page, after the summary
            assert html.count(f'id="{target}"') == 1
            assert html.index(f'id="{target}"') > summary["start"]
    assert AUTOFOCUS.findall(html) == []


def test_the_two_factor_code_page_opens_with_the_summary_too(client, world, settings):
    summary = summary_of(mfa_wrong_code(client, world, settings))
    assert summary["title"] == "There is a problem"
    assert [target for target, _text in summary["items"]] == ["id_code"]
    assert "_auth_user_id" not in client.session


def test_the_summary_speaks_the_pages_language(client, world):
    with translation.override("fi"):
        client.cookies["django_language"] = "fi"
        summary = summary_of(register(client, world))
    assert summary["title"] == "Lomakkeessa on korjattavaa"
    assert summary["items"][1] == ("id_birth_year", "Syntymävuosi: Tämä kenttä vaaditaan.")


def test_a_form_without_errors_has_no_summary_and_keeps_its_autofocus(client, world):
    client.force_login(world.distributor)
    html = client.get(reverse("cards:register")).content.decode()
    assert "data-error-summary" not in html
    assert len(AUTOFOCUS.findall(html)) == 1  # the card number field, ready for the scanner


class _WithHidden(Form):
    shown = IntegerField(label="Shown")
    kept = IntegerField(label="Kept", widget=HiddenInput)

    def clean(self):
        self.add_error(None, "The whole form.")
        return super().clean()


def test_a_hidden_fields_error_and_the_forms_own_are_listed_without_a_link():
    form = _WithHidden(data={"shown": "x", "kept": "y"})
    assert [(i["target"], i["label"], str(i["message"])) for i in error_summary_items(form)] == [
        ("", "", "The whole form."),
        ("id_shown", "Shown", "Enter a whole number."),
        ("", "Kept", "Enter a whole number."),
    ]
    assert error_summary_items(_WithHidden()) == []
    assert error_summary_items(None) == []
