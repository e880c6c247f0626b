"""RGAA / WCAG 2.1 AA checks (axe-core in headless Chromium) of the FranceConnect pages. Run by `make a11y`."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tenant_apps.participation.tests.factories import city_admin
from tests.test_accessibility import audit, browser  # noqa: F401 (the browser fixture)

from .fake_franceconnect import fake_franceconnect_fixture  # noqa: F401 (the fixture)
from .test_franceconnect import WIRING, _configure, _get, _start

pytestmark = [pytest.mark.a11y, pytest.mark.django_db]


@pytest.mark.parametrize("width", [1280, 375])
def test_franceconnect_pages_are_accessible(browser, in_a, client_a, fake_franceconnect, width):  # noqa: F811
    with override_settings(**WIRING):
        fake = fake_franceconnect
        _configure(fake)
        audit(browser, client_a, reverse("account_login"), width=width)
        audit(browser, client_a, reverse("identity:franceconnect_login"), width=width)
        assert _get(client_a, _start(client_a, fake)).status_code == 302
        audit(browser, client_a, reverse("socialaccount_signup"), width=width)
        fake.misbehave(nonce="n" * 43)
        error_url = _start(client_a, fake)
        audit(browser, client_a, error_url.split(in_a.host, 1)[1], expected_status=400, width=width)
        client_a.force_login(city_admin())
        audit(browser, client_a, reverse("identity:franceconnect_settings"), width=width)
        audit(browser, client_a, reverse("identity:franceconnect_settings"), method="POST",
              data={"is_enabled": "on", "issuer": "http://fc.example.fr", "acr_values": "eidas1"},
              expected_status=400, width=width)
