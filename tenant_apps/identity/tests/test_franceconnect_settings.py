"""The back-office page of the FranceConnect settings: administrators only, write-only secret, audited."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from shared_apps.audit.models import AuditEntry
from tenant_apps.identity.models import FranceConnectConfig
from tenant_apps.participation.tests.factories import account, city_admin

pytestmark = pytest.mark.django_db

URL = reverse("identity:franceconnect_settings", urlconf=settings.ROOT_URLCONF)
SECRET = "s3cr3t-de-la-ville-qui-ne-doit-jamais-reapparaitre"
ISSUER = "https://fcp-low.sbx.dev-franceconnect.fr/api/v2"


def _form(**overrides):
    data = {"is_enabled": "on", "issuer": ISSUER, "client_id": "client-ville-a", "client_secret": SECRET,
            "acr_values": "eidas1"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin_client(in_a, client_a):
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client_a.force_login(city_admin())
    return client_a


def test_only_administrators_reach_the_page(in_a, client_a):
    assert client_a.get(URL).status_code == 302
    client_a.force_login(account("agent"))
    assert client_a.get(URL).status_code == 403
    assert client_a.post(URL, _form()).status_code == 403
    assert not FranceConnectConfig.objects.exists()


def test_saving_the_settings_stores_the_secret_encrypted_never_shows_it_and_audits(admin_client):
    page = admin_client.get(URL)
    assert page.status_code == 200
    assert "/comptes/franceconnect/retour/" in page.content.decode()  # the address to register at FranceConnect

    response = admin_client.post(URL, _form())
    assert response.status_code == 302
    config = FranceConnectConfig.objects.get()
    assert (config.is_enabled, config.issuer, config.client_id, config.client_secret) == (
        True, ISSUER, "client-ville-a", SECRET)
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM identity_franceconnectconfig")
        assert SECRET not in cursor.fetchone()[0]
    entry = AuditEntry.objects.get(action="franceconnect.settings_update")
    assert entry.data["secret_changed"] is True and "issuer" in entry.data["changed"]
    assert SECRET not in str(entry.data)

    page = admin_client.get(URL).content.decode()
    assert SECRET not in page and "client-ville-a" in page
    assert "A secret is saved; it is never shown" in page

    # An empty secret keeps the current one.
    assert admin_client.post(URL, _form(client_secret="", acr_values="eidas2")).status_code == 302
    config.refresh_from_db()
    assert config.client_secret == SECRET and config.acr_values == "eidas2"
    assert AuditEntry.objects.filter(action="franceconnect.settings_update").latest("pk").data == {
        "target": f"identity.franceconnectconfig:{config.pk}", "changed": ["acr_values"], "secret_changed": False,
        "is_enabled": True}


@pytest.mark.parametrize(("overrides", "message"), [
    ({"issuer": "http://fc.example.fr/api/v2"}, "must start with https://"),
    ({"issuer": "http://127.0.0.1:9000/api/v2"}, "must start with https://"),
    ({"issuer": "pas une adresse"}, "must start with https://"),
    ({"client_secret": ""}, "Fill in the client secret"),
    ({"client_id": ""}, "Fill in the client id"),
    ({"acr_values": "eidas9"}, "Select a valid choice"),
])
def test_invalid_settings_are_refused_and_nothing_is_saved(admin_client, overrides, message):
    with override_settings(DEBUG=False, PARVIS_FRANCECONNECT_ALLOW_LOOPBACK_HTTP=False):
        response = admin_client.post(URL, _form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FranceConnectConfig.objects.exists()
    assert not AuditEntry.objects.filter(action="franceconnect.settings_update").exists()


def test_a_local_http_provider_is_allowed_in_development_only(admin_client):
    with override_settings(DEBUG=True):
        assert admin_client.post(URL, _form(issuer="http://localhost:9000/api/v2")).status_code == 302
    assert FranceConnectConfig.objects.get().issuer == "http://localhost:9000/api/v2"


def test_disabling_keeps_the_credentials(admin_client):
    admin_client.post(URL, _form())
    assert admin_client.post(URL, _form(is_enabled=None, client_secret="")).status_code == 302
    config = FranceConnectConfig.objects.get()
    assert not config.is_enabled and config.client_secret == SECRET
