"""FranceConnect sign-in, end to end over HTTP against a local fake FranceConnect v2 provider."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from shared_apps.accounts.models import User
from tenant_apps.identity import franceconnect
from tenant_apps.identity.models import Assurance
from tenant_apps.participation.tests.factories import account, city_admin

from .fake_franceconnect import PERSON, closed_port, fake_franceconnect_fixture  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

# The lead's settings (SOCIALACCOUNT_ADAPTER, SOCIALACCOUNT_FORMS) are repeated here so these tests do not
# depend on them being merged.
WIRING = {
    "SOCIALACCOUNT_ADAPTER": "tenant_apps.identity.adapter.SocialAccountAdapter",
    "SOCIALACCOUNT_FORMS": {"signup": "tenant_apps.identity.forms_franceconnect.FranceConnectSignupForm"},
}
CLIENT_A = ("ville-a-franceconnect", "secret-de-ville-a-0123456789")
CLIENT_B = ("ville-b-franceconnect", "secret-de-ville-b-9876543210")


@pytest.fixture(autouse=True)
def _wiring():
    with override_settings(**WIRING):
        yield


@pytest.fixture
def english(client_a):
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _configure(fake, client=CLIENT_A, *, enabled=True, issuer=None):
    fake.register_client(*client)
    return franceconnect.franceconnect_config_update(
        actor=city_admin(), is_enabled=enabled, issuer=issuer or fake.issuer, client_id=client[0],
        client_secret=client[1], acr_values="eidas1")


def _start(client, fake, **data) -> str:
    """Click the button; let the fake FranceConnect authenticate; return where it sends the browser back."""
    response = client.post(reverse("identity:franceconnect_login"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith(f"{fake.issuer}/authorize?")
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 303, back.text
    return back.headers["Location"]


def _get(client, url: str):
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def _sign_up(client, fake, **form):
    callback = _get(client, _start(client, fake))
    assert callback.status_code == 302
    assert callback["Location"] == reverse("socialaccount_signup")
    response = client.post(reverse("socialaccount_signup"), {"accept_terms": "on", **form})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _counts():
    return (User.objects.count(), SocialAccount.objects.count(), Assurance.objects.count(),
            EmailAddress.objects.count())


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- The whole flow -------------------------------------------------------------------------------------------


def test_first_sign_in_creates_a_verified_account_with_an_encrypted_identity(in_a, client_a, english,
                                                                             fake_franceconnect):
    fake = fake_franceconnect
    _configure(fake)
    page = client_a.get(reverse("account_login"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="franceconnect-button"' in html and "What is FranceConnect?" in html
    assert reverse("identity:franceconnect_login") in html

    back_to = _start(client_a, fake)
    asked = fake.authorize_requests[-1]
    assert set(asked["scope"].split()) == {"openid", "given_name", "family_name", "birthdate", "email"}
    assert asked["acr_values"] == "eidas1"
    assert asked["prompt"] == "login consent"
    assert asked["client_id"] == CLIENT_A[0]
    assert asked["redirect_uri"] == f"http://{in_a.host}{reverse('identity:franceconnect_callback')}"
    assert len(asked["nonce"]) >= 32 and len(asked["state"]) >= 32
    assert back_to.startswith(asked["redirect_uri"])

    before = _counts()
    callback = _get(client_a, back_to)
    # A new person first accepts the terms of use: nothing is created before that.
    assert callback.status_code == 302 and callback["Location"] == reverse("socialaccount_signup")
    assert _counts() == before
    form = client_a.get(reverse("socialaccount_signup"))
    assert form.status_code == 200
    assert PERSON["email"] in form.content.decode()
    refused = client_a.post(reverse("socialaccount_signup"), {"full_name": "Éloïse"})
    assert refused.status_code == 200
    assert "You must accept the terms of use" in refused.content.decode()
    assert _counts() == before

    done = client_a.post(reverse("socialaccount_signup"), {"accept_terms": "on", "full_name": "Éloïse",
                                                          "email": "someone-else@exemple.fr"})
    assert done.status_code == 302
    assert _signed_in(client_a)
    user = User.objects.get(email=PERSON["email"])  # the address from FranceConnect, not one typed in
    assert user.terms_accepted_at is not None and user.full_name == "Éloïse"
    assert EmailAddress.objects.get(user=user).verified
    link = SocialAccount.objects.get(user=user)
    assert (link.provider, link.uid) == ("franceconnect", fake.sub_for(CLIENT_A[0]))
    assert PERSON["given_name"] not in str(link.extra_data) and "birthdate" not in link.extra_data
    assert fake.token_requests[-1]["redirect_uri"] == asked["redirect_uri"]

    assurance = Assurance.objects.get(user=user)
    assert assurance.identity_method == Assurance.IdentityMethod.FRANCECONNECT
    assert assurance.identity_verified and assurance.identity_verified_by is None
    assert (assurance.given_name, assurance.family_name, assurance.birth_date) == (
        PERSON["given_name"], PERSON["family_name"], PERSON["birthdate"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name, family_name, birth_date FROM identity_assurance WHERE user_id = %s",
                       [user.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("fernet:") for value in raw)
    assert PERSON["given_name"] not in "".join(raw) and PERSON["birthdate"] not in "".join(raw)
    assert client_a.session[franceconnect.SESSION_ID_TOKEN]


def test_signing_in_again_matches_the_account_by_sub_and_updates_the_identity(in_a, client_a, english,
                                                                              fake_franceconnect):
    fake = fake_franceconnect
    _configure(fake)
    _sign_up(client_a, fake)
    user = User.objects.get(email=PERSON["email"])
    first = Assurance.objects.get(user=user).identity_verified_at
    client_a.logout()

    fake.person.update(family_name="Delacour", email="nouvelle.adresse@exemple.fr")
    before = _counts()
    response = _get(client_a, _start(client_a, fake))
    assert response.status_code == 302 and response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert _signed_in(client_a) and int(client_a.session["_auth_user_id"]) == user.pk
    assert _counts() == before
    assurance = Assurance.objects.get(user=user)
    assert assurance.family_name == "Delacour" and assurance.identity_verified_at > first


@pytest.mark.parametrize("knobs", [{"userinfo_json": True}, {"sign_with": "rsa"}], ids=["userinfo-json", "rs256"])
def test_plain_json_user_info_and_rs256_signatures_are_accepted(in_a, client_a, english, fake_franceconnect, knobs):
    fake = fake_franceconnect
    _configure(fake)
    fake.misbehave(**knobs)
    _sign_up(client_a, fake)
    assert Assurance.objects.get(user__email=PERSON["email"]).given_name == PERSON["given_name"]


def test_a_signed_in_person_can_link_franceconnect_to_their_account(in_a, client_a, english, fake_franceconnect):
    fake = fake_franceconnect
    _configure(fake)
    person = account(email="deja-inscrite@exemple.fr")
    client_a.force_login(person)
    response = _get(client_a, _start(client_a, fake, process="connect"))
    assert response.status_code == 302
    assert SocialAccount.objects.get(user=person).uid == fake.sub_for(CLIENT_A[0])
    assurance = Assurance.objects.get(user=person)
    assert assurance.identity_verified and assurance.family_name == PERSON["family_name"]
    # Switched off later: the link still shows on the person's connections page.
    _configure(fake, enabled=False)
    assert client_a.get(reverse("socialaccount_connections")).status_code == 200


# --- Failures: a clear page, nobody signed in, nothing created ------------------------------------------------

FAILURES = [
    ({"sign_with": "rogue"}, "is not signed with FranceConnect’s keys"),
    ({"nonce": "n" * 43}, "does not belong to this sign-in attempt"),
    ({"expired": True}, "the answer from FranceConnect has expired"),
    ({"audience": "another-service"}, "was meant for another service"),
    ({"issuer": "https://impostor.example/api/v2"}, "does not come from the FranceConnect address"),
    ({"acr": "eidas0"}, "lower than this site requires"),
    ({"userinfo_sign_with": "rogue"}, "is not signed with FranceConnect’s keys"),
    ({"userinfo_sub": "someone-else"}, "about another person"),
    ({"refuse_token": True}, "FranceConnect refused to confirm the sign-in"),
]


@pytest.mark.parametrize(("knobs", "reason"), FAILURES, ids=[next(iter(k)) for k, _ in FAILURES])
def test_a_bad_answer_from_the_provider_is_refused_with_a_clear_message(in_a, client_a, english, fake_franceconnect,
                                                                        knobs, reason):
    fake = fake_franceconnect
    _configure(fake)
    fake.misbehave(**knobs)
    back_to = _start(client_a, fake)
    before = _counts()
    response = _get(client_a, back_to)
    assert response.status_code == 400
    html = response.content.decode()
    assert "FranceConnect sign-in failed: " in html and reason in html
    assert reverse("account_login") in html and reverse("identity:franceconnect_login") in html
    assert _counts() == before
    assert not _signed_in(client_a)
    assert franceconnect.SESSION_ID_TOKEN not in client_a.session


def test_errors_sent_back_by_the_provider_and_unknown_attempts(in_a, client_a, english, fake_franceconnect):
    fake = fake_franceconnect
    _configure(fake)
    callback = reverse("identity:franceconnect_callback")
    state = parse_qs(urlsplit(_start(client_a, fake)).query)["state"][0]
    cancelled = client_a.get(callback, {"state": state, "error": "access_denied", "error_description": "aborted"})
    assert cancelled.status_code == 400 and "you cancelled the sign-in" in cancelled.content.decode()
    state = parse_qs(urlsplit(_start(client_a, fake)).query)["state"][0]
    failed = client_a.get(callback, {"state": state, "error": "server_error"})
    assert failed.status_code == 400 and "FranceConnect reported an error (server_error)" in failed.content.decode()
    # A state is used once; an unknown one is refused.
    replay = client_a.get(callback, {"state": state, "code": "whatever"})
    assert replay.status_code == 400 and "unknown or has expired" in replay.content.decode()
    assert client_a.get(callback).status_code == 400
    assert User.objects.filter(email=PERSON["email"]).count() == 0


def test_an_unreachable_provider_gives_a_clear_page(in_a, client_a, english, fake_franceconnect):
    fake = fake_franceconnect
    _configure(fake, issuer=f"http://127.0.0.1:{closed_port()}/api/v2")
    response = client_a.post(reverse("identity:franceconnect_login"))
    assert response.status_code == 502
    assert "FranceConnect cannot be reached right now" in response.content.decode()

    _configure(fake)
    back_to = _start(client_a, fake)
    fake.stop()  # the provider goes away between the authorisation and the token request
    response = _get(client_a, back_to)
    assert response.status_code == 502 and "FranceConnect cannot be reached" in response.content.decode()
    assert not _signed_in(client_a)


# --- Offered or not; one city's sign-in is not another's ------------------------------------------------------


def test_without_franceconnect_there_is_no_button_and_its_urls_answer_404(in_a, client_a, english,
                                                                         fake_franceconnect):
    assert 'class="franceconnect-button"' not in client_a.get(reverse("account_login")).content.decode()
    assert client_a.post(reverse("identity:franceconnect_login")).status_code == 404
    _configure(fake_franceconnect, enabled=False)
    assert 'class="franceconnect-button"' not in client_a.get(reverse("account_login")).content.decode()
    for name in ("franceconnect_login", "franceconnect_callback"):
        assert client_a.get(reverse(f"identity:{name}")).status_code == 404
    assert client_a.post(reverse("identity:franceconnect_login")).status_code == 404
    assert fake_franceconnect.authorize_requests == []


def test_the_control_plane_sign_in_page_has_no_franceconnect(control_client):
    response = control_client.get(reverse("account_login", urlconf="config.urls_public"))
    assert response.status_code == 200
    assert 'class="franceconnect-button"' not in response.content.decode()


def test_each_city_has_its_own_credentials_and_sign_ins(city_a, city_b, in_city, client_a, client_b, english,
                                                       fake_franceconnect):
    fake = fake_franceconnect
    client_b.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with in_city(city_a):
        _configure(fake, CLIENT_A)
    with in_city(city_b):
        _configure(fake, CLIENT_B)

    back_to_a = _start(client_a, fake)
    assert fake.authorize_requests[-1]["client_id"] == CLIENT_A[0]
    _start(client_b, fake)
    asked_b = fake.authorize_requests[-1]
    assert asked_b["client_id"] == CLIENT_B[0] and city_b.host in asked_b["redirect_uri"]

    # City A's answer brought to city B's site: unknown there (no attempt started there with this state).
    response = _get(client_b, back_to_a.replace(city_a.host, city_b.host))
    assert response.status_code == 400 and "unknown or has expired" in response.content.decode()
    with in_city(city_b):
        assert not User.objects.filter(email=PERSON["email"]).exists()

    # The keys are cached per collectivity: city A fetches them once for two sign-ins, city B on its own.
    with in_city(city_a):
        jwks_before = fake.hits.get("/api/v2/jwks", 0)
        _sign_up(client_a, fake)
        client_a.logout()
        _get(client_a, _start(client_a, fake))
        assert fake.hits["/api/v2/jwks"] == jwks_before + 1
        assert User.objects.filter(email=PERSON["email"]).count() == 1
    with in_city(city_b):
        assert not User.objects.filter(email=PERSON["email"]).exists()
        _sign_up(client_b, fake)
        assert fake.hits["/api/v2/jwks"] == jwks_before + 2
        assert SocialAccount.objects.get().uid == fake.sub_for(CLIENT_B[0])


# --- Logout ----------------------------------------------------------------------------------------------------


def test_logout_of_a_franceconnect_session_ends_it_at_franceconnect_too(in_a, client_a, english,
                                                                         fake_franceconnect):
    fake = fake_franceconnect
    _configure(fake)
    _sign_up(client_a, fake)
    id_token = client_a.session[franceconnect.SESSION_ID_TOKEN]
    assert client_a.get(reverse("identity:franceconnect_logout")).status_code == 405

    response = client_a.post(reverse("identity:franceconnect_logout"))
    assert response.status_code == 302 and response["Location"].startswith(f"{fake.issuer}/session/end?")
    assert not _signed_in(client_a)
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    asked = fake.logout_requests[-1]
    assert asked["id_token_hint"] == id_token
    assert asked["post_logout_redirect_uri"] == f"http://{in_a.host}{reverse('identity:franceconnect_logout_return')}"
    home = _get(client_a, back.headers["Location"])
    assert home.status_code == 302 and home["Location"] == reverse("home")
    assert "of FranceConnect too" in client_a.get(home["Location"]).content.decode()


def test_logout_without_franceconnect_is_a_plain_logout(in_a, client_a, english, fake_franceconnect):
    _configure(fake_franceconnect)
    client_a.force_login(account())
    response = client_a.post(reverse("identity:franceconnect_logout"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not _signed_in(client_a) and fake_franceconnect.logout_requests == []
