"""The citizen's account page tells what the city knows for sure and how to verify one's identity."""

import pytest

from tenant_apps.identity.assurance import desk_verify
from tenant_apps.identity.models import FranceConnectConfig
from tenant_apps.participation.tests.factories import account

pytestmark = pytest.mark.django_db


def test_an_unverified_citizen_is_offered_franceconnect_and_a_verified_one_is_not(in_a, client_a):
    FranceConnectConfig.objects.create(is_enabled=True, issuer="https://fc.exemple.fr/api/v2", client_id="ville-a",
                                       client_secret="secret")
    citizen = account()
    client_a.force_login(citizen)
    page = client_a.get("/mon-compte/").content.decode()
    assert "franceconnect-button" in page and 'name="process" value="connect"' in page

    desk_verify(person=citizen, agent=account("agent"), identity=True, residence=False)
    page = client_a.get("/mon-compte/").content.decode()
    assert "franceconnect-button" not in page


def test_without_franceconnect_the_page_points_to_the_desk_only(in_a, client_a):
    client_a.force_login(account())
    page = client_a.get("/mon-compte/").content.decode()
    assert "franceconnect-button" not in page
    assert "/mon-compte/residence/" in page
