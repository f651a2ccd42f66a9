"""The public service's pages (issue 13, points 1, 6 and 8): the home at / for everybody without an account (signed-in
staff still go on to their work page), the language versions under /fi/ /sv/ /en/ with canonical and hreflang
addresses, the plain-language Finnish page, the accessibility statement and the privacy notice linked from every
footer, the error pages inside the layout in the active language, sitemap.xml and robots.txt."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from core import views as core_views
from regions.models import NationalSettings
from venues.tests.factories import VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL.rstrip("/")


def html_of(response) -> str:
    return response.content.decode()


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def hrefs(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', html)


def alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


@pytest.fixture
def national_rules():
    rules = NationalSettings.current()
    rules.child_age_limit = 17
    rules.holder_min_age = 15
    rules.group_min = 3
    rules.group_max = 6
    rules.retention_days = 400
    rules.save()
    return rules


# --- the home at / ------------------------------------------------------------------------------------------------

def test_anonymous_home_is_the_public_home_not_a_sign_in_redirect(client, national_rules):
    response = client.get("/")

    assert response.status_code == 200
    html = html_of(response)
    assert "<h1>Kaikukortti</h1>" in html
    assert lang_of(html) == "en"  # no cookie, no Accept-Language: the (test) default language
    links = hrefs(html)
    assert "/en/accessibility/" in links
    assert "/en/privacy/" in links
    assert "/accounts/login/" in links  # staff's "Sign in"
    # The rules come from the national settings, not from the template.
    assert "your own children or grandchildren under 17" in html
    assert "you are at least 15 years old or turn 15 this year." in html
    assert "small group of 3–6 cardholders" in html
    assert "Tickets for clients under 17 can also be taken with the community card." in html
    # How to use the card, from the source documents.
    assert "state your Kaikukortti number" in html
    assert "service fee" in html
    assert "Bring your Kaikukortti and an ID" in html
    assert "not accepted in online sales" in html
    # The catalogue and the region pages (issue 13, points 2-3).
    assert "/en/venues/" in links
    assert "/en/regions/" in links


def test_anonymous_home_follows_the_language_cookie_and_names_its_prefixed_page_canonical(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    html = html_of(client.get("/"))

    assert lang_of(html) == "sv"
    assert canonical(html) == f"{SITE}/sv/"
    assert alternates(html) == {"fi": f"{SITE}/fi/", "sv": f"{SITE}/sv/", "en": f"{SITE}/en/", "x-default": f"{SITE}/"}


def test_signed_in_staff_still_land_on_their_work_page(client):
    staff = VenueMembershipFactory(venue=VenueFactory()).user
    client.force_login(staff)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse("venues:counter")


def test_signed_in_account_without_a_role_still_gets_its_own_page(client):
    client.force_login(get_user_model().objects.create(username="uusi", email="uusi@example.fi"))

    response = client.get("/")

    assert response.status_code == 200
    assert "Signed in as uusi." in html_of(response)


def test_signed_in_staff_see_the_public_pages_with_their_own_menu(client):
    staff = VenueMembershipFactory(venue=VenueFactory()).user
    client.force_login(staff)

    html = html_of(client.get("/en/"))

    assert reverse("venues:counter") in hrefs(html)
    assert "/accounts/login/" not in hrefs(html)
    assert "Go to your work page" in html


# --- language versions ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "h2"), [
    ("fi", "Kuka voi saada Kaikukortin?"),
    ("sv", "Vem kan få Kaikukortet?"),
    ("en", "Who can get the card?"),
])
def test_each_language_has_its_own_address_with_hreflang_alternates(client, language, h2):
    response = client.get(f"/{language}/")

    assert response.status_code == 200
    html = html_of(response)
    assert lang_of(html) == language
    assert f'<h2 id="who">{h2}</h2>' in html
    assert canonical(html) == f"{SITE}/{language}/"
    assert alternates(html) == {"fi": f"{SITE}/fi/", "sv": f"{SITE}/sv/", "en": f"{SITE}/en/", "x-default": f"{SITE}/"}
    # Every link to a public page stays in the page's language.
    assert f"/{language}/accessibility/" in hrefs(html)
    assert f"/{language}/privacy/" in hrefs(html)


def test_the_prefix_wins_over_the_cookie_so_a_shared_link_opens_in_its_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"

    assert lang_of(html_of(client.get("/sv/privacy/"))) == "sv"


def test_switching_the_language_on_a_public_page_goes_to_the_same_page_in_the_new_language(client):
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/fi/privacy/"})

    assert response.status_code == 302
    assert response["Location"] == "/sv/privacy/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"


def test_an_address_without_the_prefix_goes_to_the_page_in_the_visitors_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    response = client.get("/privacy/")

    assert response.status_code == 302
    assert response["Location"] == "/sv/privacy/"


def test_staff_pages_keep_their_addresses_and_the_cookie_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    response = client.get(reverse("account_login"))

    assert reverse("account_login") == "/accounts/login/"
    assert lang_of(html_of(response)) == "sv"
    assert '<link rel="canonical"' not in html_of(response)  # no language versions of staff pages


# --- plain language ---------------------------------------------------------------------------------------------------

def test_plain_finnish_page_is_linked_from_the_finnish_home_only(client, national_rules):
    assert "/fi/selkokieli/" in hrefs(html_of(client.get("/fi/")))
    assert "/fi/selkokieli/" not in hrefs(html_of(client.get("/sv/")))
    assert "/fi/selkokieli/" not in hrefs(html_of(client.get("/en/")))

    response = client.get("/fi/selkokieli/")

    assert response.status_code == 200
    html = html_of(response)
    assert lang_of(html) == "fi"
    assert "<h1>Kaikukortti selkokielellä</h1>" in html
    assert "Lasten pitää olla alle 17-vuotiaita." in html
    assert "olet vähintään 15-vuotias." in html
    assert "Kerro Kaikukortin numero, kun varaat lipun." in html
    assert canonical(html) == f"{SITE}/fi/selkokieli/"
    assert alternates(html) == {"fi": f"{SITE}/fi/selkokieli/"}  # Finnish only, no x-default


def test_plain_language_sentences_are_short(client):
    html = html_of(client.get("/fi/selkokieli/"))
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", "\n", main)
    sentences = [s.strip() for s in re.split(r"[.?!]\s|\n", text) if s.strip()]

    assert sentences
    assert max(len(sentence.split()) for sentence in sentences) <= 10


@pytest.mark.parametrize("language", ["sv", "en"])
def test_plain_finnish_in_another_language_leads_to_that_languages_home(client, language):
    response = client.get(f"/{language}/selkokieli/")

    assert response.status_code == 302
    assert response["Location"] == f"/{language}/"


# --- statements ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_statements_answer_in_every_language(client, language):
    for name in ("accessibility", "privacy"):
        response = client.get(f"/{language}/{name}/")
        assert response.status_code == 200, (language, name)
        html = html_of(response)
        assert lang_of(html) == language
        assert canonical(html) == f"{SITE}/{language}/{name}/"


def test_accessibility_statement_says_the_status_the_issues_the_feedback_channel_and_the_authority(client):
    html = html_of(client.get("/en/accessibility/"))

    assert "partially meets the level AA requirements" in html
    assert "WCAG) 2.1" in html
    assert "WCAG 3.2.2" not in html  # the language menu has its own button now: no longer a known issue
    assert "WCAG 1.3.1" in html  # the known issues are named
    assert 'href="mailto:seppo.mallenius@cultureforall.fi"' in html
    assert "Finnish Transport and Communications Agency Traficom" in html
    assert 'href="mailto:saavutettavuus@traficom.fi"' in html
    assert "This statement was prepared on 29.11.2026." in html


def test_privacy_notice_lists_what_is_kept_and_the_retention_from_the_national_settings(client, national_rules):
    html = html_of(client.get("/en/privacy/"))

    assert "No name, personal identity code, date of birth or address of a cardholder is ever stored." in html
    assert "year of birth" in html
    assert "expired or closed for more than\n    400 days" in html or "more than 400 days" in " ".join(html.split())
    assert "Yhdenvertaisen kulttuurin puolesta ry" in html
    assert "Data Protection" in html
    assert "sessionid" in html


def test_every_page_footer_links_the_statements(client):
    for path in ("/", "/fi/privacy/", reverse("account_login"), "/does-not-exist/"):
        html = html_of(client.get(path))
        links = hrefs(html)
        assert any(re.fullmatch(r"/(fi|sv|en)/accessibility/", link) for link in links), path
        assert any(re.fullmatch(r"/(fi|sv|en)/privacy/", link) for link in links), path


# --- error pages ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "title"), [
    ("fi", "Sivua ei löydy"),
    ("sv", "Sidan hittades inte"),
])
def test_unknown_address_answers_404_inside_the_layout_in_the_active_language(client, language, title):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get("/does-not-exist/")

    assert response.status_code == 404
    html = html_of(response)
    assert lang_of(html) == language
    assert f"<h1>{title}</h1>" in html
    assert f"<title>{title} – Kaikukanta</title>" in html
    assert 'class="skip-link"' in html  # the site's layout: skip link, header, footer
    assert '<header class="site container">' in html
    assert f"/{language}/" in hrefs(html)  # the way back: the front page in the same language
    assert '<meta name="robots" content="noindex">' in html


def test_404_under_a_language_prefix_is_in_that_language(client):
    response = client.get("/sv/does-not-exist/")

    assert response.status_code == 404
    assert lang_of(html_of(response)) == "sv"


def test_api_404_stays_json(client):
    response = client.get("/api/v1/does-not-exist/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_403_is_inside_the_layout_with_a_way_back(client):
    client.force_login(get_user_model().objects.create(username="uusi", email="uusi@example.fi"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    response = client.get(reverse("cards:register"))

    assert response.status_code == 403
    html = html_of(response)
    assert lang_of(html) == "sv"
    assert "<h1>Ingen åtkomst till sidan</h1>" in html
    assert "/" in hrefs(html)  # the work page
    assert "/sv/" in hrefs(html)  # the front page


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_500_renders_without_a_request_context_in_the_active_language(language):
    request = RequestFactory().get("/venues/")
    with translation.override(language):
        response = core_views.server_error(request)

    assert response.status_code == 500
    html = html_of(response)
    assert lang_of(html) == language
    assert {"fi": "<h1>Jokin meni vikaan</h1>", "sv": "<h1>Något gick fel</h1>"}[language] in html
    assert "/" in hrefs(html)
    assert f"/{language}/accessibility/" in hrefs(html)


def test_400_renders_without_a_request_context(settings):
    with translation.override("fi"):
        response = defaults.bad_request(RequestFactory().get("/"), SuspiciousOperation("bad"))

    assert response.status_code == 400
    html = html_of(response)
    assert lang_of(html) == "fi"
    assert "<h1>Pyyntöä ei voitu käsitellä</h1>" in html
    assert "/fi/" in hrefs(html)


def test_csrf_failure_page_is_translated_and_inside_the_layout():
    from django.views.csrf import csrf_failure

    with translation.override("sv"):
        response = csrf_failure(RequestFactory().post("/cards/register/"), reason="CSRF token missing.")

    assert response.status_code == 403
    html = html_of(response)
    assert lang_of(html) == "sv"
    assert "<h1>Formuläret kunde inte skickas</h1>" in html


# --- sitemap and robots ---------------------------------------------------------------------------------------------

def test_sitemap_lists_every_public_page_in_each_language_with_alternates(client, settings):
    settings.LANGUAGE_CODE = "fi"  # the product's default: the x-default addresses

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = html_of(response)
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert sorted(locations) == sorted(
        [f"{SITE}/{lang}/{path}" for lang in ("fi", "sv", "en")
         for path in ("", "venues/", "regions/", "accessibility/", "privacy/", "figures/")]
        + [f"{SITE}/fi/selkokieli/"]
    )
    assert f'hreflang="sv" href="{SITE}/sv/privacy/"' in xml
    assert f'hreflang="x-default" href="{SITE}/privacy/"' in xml  # answers in the visitor's language


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_off_staff_pages(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in body
    assert "Disallow: /cards/" in body
    assert "Disallow: /fi/" not in body
