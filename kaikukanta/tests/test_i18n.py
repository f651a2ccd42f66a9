"""Finnish (the default) and Swedish are complete; English is the source language.

The .po files are parsed here without polib: a fuzzy or empty entry is silently ignored by Django, so the
page would fall back to English without any error.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def po_entries(lang: str) -> list[dict]:
    """Entries of locale/<lang>/LC_MESSAGES/django.po as dicts: flags, msgid, msgid_plural, msgstr, msgstr[n]."""
    entries, entry, key = [], {"flags": set()}, None
    lines = (LOCALE / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8").splitlines()
    for line in [*lines, ""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": set()}, None
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := KEYWORD.match(line):
            key = match.group(1)
            entry[key] = ast.literal_eval(match.group(2))
        else:
            entry[key] += ast.literal_eval(line)
    return entries


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_message_is_translated_and_compiled(lang):
    entries = [entry for entry in po_entries(lang) if entry["msgid"]]
    assert len(entries) > 500
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert fuzzy == []
    untranslated = [
        entry["msgid"] for entry in entries
        if not (entry.get("msgstr") or (entry.get("msgstr[0]") and entry.get("msgstr[1]")))
    ]
    assert untranslated == []
    # The .mo file is what Django reads: it must be compiled from this .po file.
    with translation.override(lang):
        stale = [
            entry["msgid"] for entry in entries
            if "msgid_plural" not in entry and "msgctxt" not in entry
            and translation.gettext(entry["msgid"]) != entry["msgstr"]
        ]
    assert stale == []


def test_placeholders_are_kept():
    for lang in ("fi", "sv"):
        for entry in po_entries(lang):
            if "python-format" not in entry["flags"]:
                continue
            names = set(re.findall(r"%\((\w+)\)", entry.get("msgid_plural") or entry["msgid"]))
            for key in ("msgstr", "msgstr[0]", "msgstr[1]"):
                if key in entry:
                    assert set(re.findall(r"%\((\w+)\)", entry[key])) <= names, (lang, entry["msgid"])
            assert set(re.findall(r"%\((\w+)\)", entry.get("msgstr") or entry["msgstr[1]"])) == names, entry["msgid"]


@pytest.fixture
def product_default_language(settings):
    """conftest makes English the test default; these tests need the product's own default."""
    settings.LANGUAGE_CODE = "fi"


def test_finnish_is_the_product_default():
    assert settings.LANGUAGE_CODE == "en"  # conftest
    from kaikukanta import settings as product_settings

    assert product_settings.LANGUAGE_CODE == "fi"
    assert [code for code, _name in product_settings.LANGUAGES] == ["fi", "sv", "en"]


@pytest.mark.django_db
def test_login_page_is_finnish_by_default(client, product_default_language):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fi">' in html
    assert "<h1>Kirjaudu sisään</h1>" in html
    assert "Tilit luodaan alueen vastuuhenkilön lähettämällä kutsulla." in html
    assert "Sign in with your username" not in html


@pytest.mark.django_db
def test_login_page_in_swedish_with_the_language_cookie(client, product_default_language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "<h1>Logga in</h1>" in html
    assert "Kaikukortet – kulturen hör till alla." in html


@pytest.mark.django_db
def test_login_page_in_english_when_asked(client, product_default_language):
    response = client.get(reverse("account_login"), headers={"accept-language": "en"})
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html
