"""Accounts live in their collectivity: sign-up, verification, sessions, roles, second factor."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from shared_apps.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _signup(client, email="claire@exemple.fr", accept_terms=True):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, "full_name": "Claire Dupont"}
    if accept_terms:
        data["accept_terms"] = "on"
    return client.post("/comptes/signup/", data)


def _login(client, email, password=PASSWORD):
    return client.post("/comptes/login/", {"login": email, "password": password})


def test_signup_requires_consent_to_the_terms(client_a, city_a, in_city):
    response = _signup(client_a, accept_terms=False)
    assert response.status_code == 200
    assert "accept the terms of use" in response.content.decode() or "accepter" in response.content.decode()
    with in_city(city_a):
        assert not User.objects.filter(email="claire@exemple.fr").exists()
    assert mail.outbox == []


def test_signup_verify_email_then_sign_in(client_a, city_a, in_city):
    response = _signup(client_a)
    assert response.status_code == 302
    with in_city(city_a):
        user = User.objects.get(email="claire@exemple.fr")
        assert user.terms_accepted_at is not None
        assert user.full_name == "Claire Dupont"
        assert user.role == User.Role.CITIZEN
    # Not signed in until the address is verified.
    assert not client_a.get("/mon-compte/").wsgi_request.user.is_authenticated

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["claire@exemple.fr"]
    assert "Ville A" in message.body  # signed by the collectivity, not a bare host name
    link = re.search(r"http://ville-a\.parvis\.test(/comptes/confirm-email/[^/\s]+/)", message.body)
    assert link, message.body  # the link points at the city's own host
    assert _login(client_a, "claire@exemple.fr").status_code == 302
    assert not client_a.get("/mon-compte/").wsgi_request.user.is_authenticated

    response = client_a.post(link.group(1))
    assert response.status_code == 302
    with in_city(city_a):
        assert EmailAddress.objects.get(email="claire@exemple.fr").verified
    response = client_a.get("/mon-compte/")
    assert response.status_code == 200
    assert "claire@exemple.fr" in response.content.decode()


def test_a_signed_in_citizen_is_anonymous_on_another_city(client_a, city_a, city_b, in_city):
    with in_city(city_a):
        UserFactory(email="camille@exemple.fr")
    assert _login(client_a, "camille@exemple.fr").status_code == 302
    assert client_a.get("/mon-compte/").status_code == 200

    # The same browser (same cookie jar) on city B's host.
    from conftest import HostClient

    other = HostClient(city_b.host)
    other.cookies = client_a.cookies
    response = other.get("/mon-compte/")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    assert not other.get("/").wsgi_request.user.is_authenticated
    # Cookies are host-only: no Domain attribute that would send them to sibling hosts.
    assert client_a.cookies["sessionid"]["domain"] == ""


def test_an_account_of_one_city_does_not_exist_in_another(client_b, city_a, city_b, in_city):
    with in_city(city_a):
        UserFactory(email="camille@exemple.fr")
    with in_city(city_b):
        assert not User.objects.filter(email="camille@exemple.fr").exists()
    response = _login(client_b, "camille@exemple.fr")
    assert response.status_code == 200  # the form again, with an error
    assert not response.wsgi_request.user.is_authenticated


def test_the_same_email_can_register_in_two_cities(client_a, client_b, city_a, city_b, in_city):
    assert _signup(client_a, email="double@exemple.fr").status_code == 302
    assert _signup(client_b, email="double@exemple.fr").status_code == 302
    for city in (city_a, city_b):
        with in_city(city):
            assert User.objects.filter(email="double@exemple.fr").count() == 1


def test_signup_is_closed_on_the_control_plane(control_client):
    response = _signup(control_client, email="intrus@exemple.fr")
    assert response.status_code == 200
    assert User.objects.filter(email="intrus@exemple.fr").count() == 0
    assert mail.outbox == []


def test_password_reset_sends_a_link_to_the_city_host(client_a, city_a, in_city):
    with in_city(city_a):
        UserFactory(email="oubli@exemple.fr")
    response = client_a.post("/comptes/password/reset/", {"email": "oubli@exemple.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://ville-a\.parvis\.test(/comptes/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link
    response = client_a.get(link.group(1), follow=True)
    assert response.status_code == 200
    response = client_a.post(response.redirect_chain[-1][0], {"password1": "nouveau-mot-de-passe-2026",
                                                             "password2": "nouveau-mot-de-passe-2026"})
    assert response.status_code == 302
    assert _login(client_a, "oubli@exemple.fr", "nouveau-mot-de-passe-2026").status_code == 302


def test_failed_logins_are_rate_limited_per_city(client_a, client_b, city_a, city_b, in_city):
    from django.core.cache import cache

    cache.clear()
    for city in (city_a, city_b):
        with in_city(city):
            UserFactory(email="cible@exemple.fr")
    for _ in range(5):
        assert _login(client_a, "cible@exemple.fr", "mauvais").status_code == 200
    # Locked out, even with the right password, for a while.
    response = _login(client_a, "cible@exemple.fr")
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed login attempts" in response.content.decode() or \
        "Trop de tentatives" in response.content.decode()
    # The counters of city A (kept in Redis under city A's keys) do not lock city B's account.
    assert _login(client_b, "cible@exemple.fr").status_code == 302


@pytest.mark.parametrize("role,needs_totp", [
    (User.Role.CITIZEN, False), (User.Role.MODERATOR, False), (User.Role.AGENT, False),
    (User.Role.CITY_ADMIN, True),
])
def test_city_admins_must_set_up_a_second_factor(client_a, city_a, in_city, role, needs_totp):
    with in_city(city_a):
        UserFactory(email="staff@exemple.fr", role=role)
    assert _login(client_a, "staff@exemple.fr").status_code == 302
    response = client_a.get("/mon-compte/")
    if needs_totp:
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/2fa/totp/activate/")
    else:
        assert response.status_code == 200


def test_operators_are_created_in_the_public_schema_only(city_a, in_city):
    from shared_apps.accounts.services import operator_create

    with in_city(city_a), pytest.raises(ValueError):
        operator_create(email="ops@parvis.example", password=PASSWORD)


def test_operators_must_set_up_a_second_factor(control_client):
    from shared_apps.accounts.services import operator_create

    operator_create(email="ops@parvis.example", password=PASSWORD)
    assert _login(control_client, "ops@parvis.example").status_code == 302
    response = control_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/2fa/totp/activate/")


def test_city_admin_with_totp_signs_in_with_a_code(client_a, city_a, in_city):
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from shared_apps.accounts.services import account_activate_totp

    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    with in_city(city_a):
        admin = UserFactory(email="maire@exemple.fr", role=User.Role.CITY_ADMIN)
        account_activate_totp(user=admin, secret=secret)
    response = _login(client_a, "maire@exemple.fr")
    assert response.status_code == 302 and "/comptes/2fa/authenticate/" in response["Location"]
    assert not client_a.get("/mon-compte/").wsgi_request.user.is_authenticated
    wrong = client_a.post("/comptes/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client_a.post("/comptes/2fa/authenticate/", {"code": code}).status_code == 302
    assert client_a.get("/mon-compte/").status_code == 200
