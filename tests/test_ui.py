"""The base layout: accessible, French by default, complete in English, branded per city."""

import re
from pathlib import Path

import polib
import pytest
from django.core.exceptions import ValidationError

from tenants.validators import validate_brand_colour

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def test_pages_are_french_by_default(client_a):
    html = client_a.get("/").content.decode()
    assert '<html lang="fr">' in html
    assert "Participez aux décisions de Ville A" in html
    assert "Aller au contenu principal" in html


def test_pages_open_in_the_collectivity_language_not_the_browser_one(client_a, client_b, city_b):
    assert '<html lang="fr">' in client_a.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en").content.decode()
    city_b.locale = "en"
    city_b.save(update_fields=["locale"])
    assert '<html lang="en">' in client_b.get("/").content.decode()


def test_language_switcher_works_without_javascript(client_a):
    response = client_a.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client_a.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Take part in the decisions of Ville A" in html
    assert "Skip to main content" in html


@pytest.mark.parametrize("path", ["/", "/conditions-utilisation/", "/accessibilite/", "/comptes/login/",
                                  "/comptes/signup/", "/comptes/password/reset/"])
def test_public_pages_have_the_accessible_landmarks(client_a, path):
    response = client_a.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<html lang="(fr|en)">', html)
    assert '<a class="skip-link" href="#contenu">' in html
    assert 'id="contenu"' in html and "<main" in html
    assert 'role="banner"' in html and 'role="contentinfo"' in html
    assert "<nav" in html and "aria-label=" in html
    assert html.count("<h1") == 1
    assert re.search(r"<title>\s*\S", html)
    # Every form control of the page has a label.
    for control_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        if 'type="hidden"' in html.split(f'id="{control_id}"')[0].rsplit("<", 1)[-1]:
            continue
        assert f'for="{control_id}"' in html, f"no label for #{control_id} on {path}"


def test_the_city_brand_colour_is_used(client_a, city_a):
    assert f"--brand: {city_a.primary_colour}" in client_a.get("/").content.decode()


@pytest.mark.parametrize("colour,ok", [("#000091", True), ("#1f5f99", True), ("#ffcc00", False),
                                       ("#77aaff", False), ("blue", False)])
def test_brand_colours_must_keep_white_text_readable(colour, ok):
    if ok:
        validate_brand_colour(colour)
    else:
        with pytest.raises(ValidationError):
            validate_brand_colour(colour)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_translation_catalogues_are_complete(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 50
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries() if not entry.obsolete]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]


def test_pages_carry_a_strict_content_security_policy(client_a, control_client):
    for client in (client_a, control_client):
        response = client.get("/")
        policy = response["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        assert f'<style nonce="{nonce}">' in response.content.decode()
    # A new nonce for every response.
    assert client_a.get("/")["Content-Security-Policy"] != client_a.get("/")["Content-Security-Policy"]
