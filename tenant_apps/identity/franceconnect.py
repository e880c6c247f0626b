"""FranceConnect v2 sign-in: an allauth OpenID Connect provider configured by each collectivity.

Each collectivity has its own FranceConnect credentials (`FranceConnectConfig`, the secret encrypted at
rest). allauth's `SocialApp` is built from that row on each request and never stored. FranceConnect v2
signs its ID tokens and its user info (ES256 or RS256); allauth's generic OpenID Connect provider skips
the ID token signature and reads the user info as JSON, so this module does the verification itself:
the signature against the provider's JWKS (cached per collectivity), `iss`, `aud`, `exp`, `iat`, the
`nonce` stashed with allauth's state, and the `acr` level of assurance.

Identity attributes (given name, family name, date of birth) never land in clear columns: they travel
encrypted in allauth's state (the session) until the account exists, then go to `Assurance`, whose
fields are encrypted. `SocialAccount.extra_data` keeps only `sub`, `acr` and `amr`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import secrets
from enum import StrEnum
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount import app_settings as socialaccount_settings
from allauth.socialaccount.models import SocialApp, SocialLogin, SocialToken
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import ApplicationError, Invalid, NotAllowed
from tenant_apps.identity.fields import decrypt, encrypt
from tenant_apps.identity.models import Assurance, FranceConnectConfig

PROVIDER_ID = "franceconnect"
# FranceConnect v2 scopes. `gender` and `birthplace` exist too; we ask only for what eligibility uses.
SCOPES = ("openid", "given_name", "family_name", "birthdate", "email")
SIGNING_ALGORITHMS = ("ES256", "RS256")
KEY_TYPES = {"ES256": "EC", "RS256": "RSA"}
EIDAS_LEVELS = ("eidas1", "eidas2", "eidas3")
# What a FranceConnect sign-in may do: sign in (or sign up), or link FranceConnect to the signed-in account.
PROCESSES = ("login", "connect")
# FranceConnect refuses `state` and `nonce` shorter than 32 characters.
RANDOM_BYTES = 32
CACHE_SECONDS = 300
CLOCK_SKEW_SECONDS = 30
WELL_KNOWN = "/.well-known/openid-configuration"
LOOPBACK_HOSTS = {"localhost"}

# allauth state keys (the state lives in the session between the redirect and the callback).
STATE_NONCE = "nonce"
STATE_IDENTITY = "franceconnect_identity"
STATE_ID_TOKEN = "franceconnect_id_token"
# Session keys: the ID token of a FranceConnect session (for the logout), the logout's own state.
SESSION_ID_TOKEN = "franceconnect_id_token"
SESSION_LOGOUT_STATE = "franceconnect_logout_state"


class Failure(StrEnum):
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    WRONG_ISSUER = "wrong_issuer"
    WRONG_AUDIENCE = "wrong_audience"
    WRONG_NONCE = "wrong_nonce"
    LOW_ASSURANCE = "low_assurance"
    MALFORMED = "malformed"
    USERINFO_MISMATCH = "userinfo_mismatch"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    PROVIDER_ERROR = "provider_error"
    UNKNOWN_STATE = "unknown_state"
    UNREACHABLE = "unreachable"
    INSECURE = "insecure"


def _reason(code: Failure, detail: str = "") -> str:
    reasons = {
        Failure.BAD_SIGNATURE: _("the answer claiming to come from FranceConnect is not signed with FranceConnect’s "
                                 "keys, so it cannot be trusted."),
        Failure.UNKNOWN_KEY: _("the answer claiming to come from FranceConnect is signed with a key FranceConnect "
                               "does not publish, so it cannot be trusted."),
        Failure.EXPIRED: _("the answer from FranceConnect has expired. Please start again."),
        Failure.NOT_YET_VALID: _("the answer from FranceConnect is dated in the future. Please check the clock of "
                                 "your device and start again."),
        Failure.WRONG_ISSUER: _("the answer does not come from the FranceConnect address this site is set up with."),
        Failure.WRONG_AUDIENCE: _("the answer from FranceConnect was meant for another service."),
        Failure.WRONG_NONCE: _("the answer from FranceConnect does not belong to this sign-in attempt. Please start "
                               "again."),
        Failure.LOW_ASSURANCE: _("the level of assurance of your identity given by FranceConnect is lower than this "
                                 "site requires."),
        Failure.MALFORMED: _("the answer from FranceConnect could not be read."),
        Failure.USERINFO_MISMATCH: _("the information received from FranceConnect is about another person than the "
                                     "one who signed in."),
        Failure.REFUSED: _("FranceConnect refused to confirm the sign-in. Please start again."),
        Failure.CANCELLED: _("you cancelled the sign-in on FranceConnect."),
        Failure.PROVIDER_ERROR: _("FranceConnect reported an error (%(code)s).") % {"code": detail or "?"},
        Failure.UNKNOWN_STATE: _("this sign-in attempt is unknown or has expired: it may have been started in "
                                 "another browser, on another site, or more than ten minutes ago. Please start "
                                 "again."),
        Failure.UNREACHABLE: _("FranceConnect cannot be reached right now. Please try again in a few minutes."),
        Failure.INSECURE: _("the FranceConnect address of this site is not a secure (https) address. The city’s "
                            "administrators must correct it."),
    }
    return reasons[code]


class FranceConnectError(ApplicationError):
    """A FranceConnect sign-in that must not go on; `message` says why in plain words."""

    def __init__(self, code: Failure, detail: str = ""):
        status = 502 if code == Failure.UNREACHABLE else 400
        super().__init__(code, _reason(code, detail), status=status)


# --- Configuration ----------------------------------------------------------------------------------------


def loopback_http_allowed() -> bool:
    """http:// on this machine (a local fake provider) is allowed in development and in tests only."""
    return bool(settings.DEBUG or getattr(settings, "PARVIS_FRANCECONNECT_ALLOW_LOOPBACK_HTTP", False))


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_is_safe(url: str) -> bool:
    """https, or http on the loopback interface when `loopback_http_allowed()`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and loopback_http_allowed() and _is_loopback(parts.hostname)


def issuer_clean(url: str) -> str:
    """The issuer as stored: no trailing slash, no query; https only (see `url_is_safe`)."""
    url = (url or "").strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        raise Invalid("franceconnect_issuer", _("The FranceConnect address must not contain “?” or “#”."))
    if not url_is_safe(url):
        raise Invalid("franceconnect_issuer",
                      _("The FranceConnect address must start with https:// (for example "
                        "https://oidc.franceconnect.gouv.fr/api/v2)."))
    return url


def _in_a_collectivity() -> bool:
    # The control plane (public schema) has allauth's pages too, but no FranceConnect settings table.
    return connection.schema_name != settings.PUBLIC_SCHEMA_NAME


def franceconnect_config_get() -> FranceConnectConfig:
    """The collectivity's FranceConnect settings (an unsaved, disabled row when none was ever saved)."""
    if not _in_a_collectivity():
        return FranceConnectConfig()
    return FranceConnectConfig.objects.first() or FranceConnectConfig()


def config_is_complete(config: FranceConnectConfig) -> bool:
    return bool(config.issuer and config.client_id and config.client_secret)


def franceconnect_offered() -> FranceConnectConfig | None:
    """The settings when this collectivity offers FranceConnect sign-in, else None."""
    if not _in_a_collectivity():
        return None
    config = FranceConnectConfig.objects.filter(is_enabled=True).first()
    if config is None or not config_is_complete(config):
        return None
    return config


def social_app(config: FranceConnectConfig) -> SocialApp:
    """allauth's view of the collectivity's credentials: built on demand, never saved."""
    return SocialApp(
        provider=PROVIDER_ID,
        provider_id=PROVIDER_ID,
        name="FranceConnect",
        client_id=config.client_id,
        secret=config.client_secret,
        settings={
            "server_url": config.issuer,
            "acr_values": config.acr_values or EIDAS_LEVELS[0],
            "verified_email": True,
            "fetch_userinfo": True,
        },
    )


def _acting_admin(actor) -> None:
    if not (actor is not None and actor.is_authenticated and actor.is_active and actor.role == "city_admin"):
        raise NotAllowed("franceconnect_admin_only",
                         _("Only the city’s administrators can change the FranceConnect settings."))


@transaction.atomic
def franceconnect_config_update(*, actor, is_enabled: bool, issuer: str, client_id: str, acr_values: str,
                                client_secret: str | None = None) -> FranceConnectConfig:
    """Save the collectivity's FranceConnect settings; an empty `client_secret` keeps the current one."""
    _acting_admin(actor)
    issuer = issuer_clean(issuer)
    client_id = (client_id or "").strip()
    acr_values = (acr_values or "").strip() or EIDAS_LEVELS[0]
    if acr_values not in EIDAS_LEVELS:
        raise Invalid("franceconnect_acr", _("Choose a level of assurance among eidas1, eidas2 and eidas3."))
    config = FranceConnectConfig.objects.select_for_update().first() or FranceConnectConfig()
    previous_issuer = config.issuer
    changed = []
    for field, value in (("is_enabled", bool(is_enabled)), ("issuer", issuer), ("client_id", client_id),
                         ("acr_values", acr_values)):
        if getattr(config, field) != value:
            setattr(config, field, value)
            changed.append(field)
    secret_changed = bool(client_secret) and client_secret != config.client_secret
    if secret_changed:
        config.client_secret = client_secret
    if config.is_enabled and not config_is_complete(config):
        raise Invalid("franceconnect_incomplete",
                      _("To offer FranceConnect, fill in its address, the client id and the client secret."))
    config.save()
    for url in {previous_issuer, config.issuer} - {""}:
        franceconnect_cache_forget(url)
    # Which settings changed, never their secret value.
    city_audit_record(actor=actor, action="franceconnect.settings_update", target=config, changed=changed,
                      secret_changed=secret_changed, is_enabled=config.is_enabled)
    return config


# --- Discovery document and keys, cached per collectivity --------------------------------------------------


def _cache_key(kind: str, issuer: str) -> str:
    # The cache's key function prefixes the collectivity's schema: one city never reads another's keys.
    return f"franceconnect:{kind}:{hashlib.sha256(issuer.encode()).hexdigest()[:24]}"


def franceconnect_cache_forget(issuer: str) -> None:
    cache.delete_many([_cache_key("discovery", issuer), _cache_key("jwks", issuer)])


def _http_get(url: str, **kwargs) -> requests.Response:
    if not url_is_safe(url):
        raise FranceConnectError(Failure.INSECURE)
    try:
        response = requests.get(url, timeout=socialaccount_settings.REQUESTS_TIMEOUT, **kwargs)
    except requests.RequestException:
        raise FranceConnectError(Failure.UNREACHABLE) from None
    return response


def _json_of(response: requests.Response) -> dict:
    if response.status_code != 200:
        raise FranceConnectError(Failure.UNREACHABLE)
    try:
        data = response.json()
    except ValueError:
        raise FranceConnectError(Failure.MALFORMED) from None
    if not isinstance(data, dict):
        raise FranceConnectError(Failure.MALFORMED)
    return data


ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


def openid_configuration(config: FranceConnectConfig) -> dict:
    """The provider's discovery document, checked (issuer, secure endpoints) and cached a few minutes."""
    key = _cache_key("discovery", config.issuer)
    document = cache.get(key)
    if document is None:
        document = _json_of(_http_get(config.issuer + WELL_KNOWN))
        if str(document.get("issuer", "")).rstrip("/") != config.issuer:
            raise FranceConnectError(Failure.WRONG_ISSUER)
        for name in ENDPOINTS:
            if not isinstance(document.get(name), str) or not url_is_safe(document[name]):
                raise FranceConnectError(Failure.INSECURE if document.get(name) else Failure.MALFORMED)
        end_session = document.get("end_session_endpoint")
        if end_session is not None and not (isinstance(end_session, str) and url_is_safe(end_session)):
            document.pop("end_session_endpoint")
        cache.set(key, document, CACHE_SECONDS)
    return document


def _jwks(config: FranceConnectConfig, document: dict, *, refresh: bool = False) -> dict:
    key = _cache_key("jwks", config.issuer)
    keys = None if refresh else cache.get(key)
    if keys is None:
        keys = _json_of(_http_get(document["jwks_uri"]))
        if not isinstance(keys.get("keys"), list):
            raise FranceConnectError(Failure.MALFORMED)
        cache.set(key, keys, CACHE_SECONDS)
    return keys


def _find_key(keys: dict, kid: str | None, alg: str):
    candidates = [k for k in keys["keys"] if isinstance(k, dict) and k.get("kty") == KEY_TYPES[alg]
                  and k.get("use", "sig") == "sig" and k.get("alg", alg) == alg]
    if kid is not None:
        candidates = [k for k in candidates if k.get("kid") == kid]
    elif len(candidates) != 1:
        return None
    if not candidates:
        return None
    try:
        return jwt.PyJWK(candidates[0], algorithm=alg).key
    except (jwt.PyJWTError, ValueError, TypeError):
        raise FranceConnectError(Failure.MALFORMED) from None


def _signing_key(token: str, config: FranceConnectConfig, document: dict):
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise FranceConnectError(Failure.MALFORMED) from None
    alg = header.get("alg")
    if alg not in SIGNING_ALGORITHMS:
        # Never "none", nor HS256 (FranceConnect v1's shared secret): only the provider's own keys count.
        raise FranceConnectError(Failure.BAD_SIGNATURE)
    kid = header.get("kid")
    key = _find_key(_jwks(config, document), kid, alg)
    if key is None:
        # FranceConnect rotates its keys: a key unknown to the cached set means fetching the set again.
        key = _find_key(_jwks(config, document, refresh=True), kid, alg)
    if key is None:
        raise FranceConnectError(Failure.UNKNOWN_KEY)
    return alg, key


_JWT_FAILURES = [
    (jwt.InvalidSignatureError, Failure.BAD_SIGNATURE),
    (jwt.ExpiredSignatureError, Failure.EXPIRED),
    (jwt.ImmatureSignatureError, Failure.NOT_YET_VALID),
    (jwt.InvalidAudienceError, Failure.WRONG_AUDIENCE),
    (jwt.InvalidIssuerError, Failure.WRONG_ISSUER),
]


def _decode(token: str, *, config: FranceConnectConfig, document: dict, id_token: bool) -> dict:
    alg, key = _signing_key(token, config, document)
    options = {"require": ["iss", "aud", "exp", "iat", "sub"]} if id_token else {
        "verify_aud": False, "verify_iss": False, "require": ["sub"]}
    try:
        claims = jwt.decode(token, key=key, algorithms=[alg], options=options, leeway=CLOCK_SKEW_SECONDS,
                            audience=config.client_id if id_token else None,
                            issuer=config.issuer if id_token else None)
    except jwt.PyJWTError as error:
        for kind, code in _JWT_FAILURES:
            if isinstance(error, kind):
                raise FranceConnectError(code) from None
        raise FranceConnectError(Failure.MALFORMED) from None
    if not id_token:
        # Signed user info carries `iss` and `aud` too (OpenID Connect Core 5.3.2): when present, they must match.
        if "iss" in claims and str(claims["iss"]).rstrip("/") != config.issuer:
            raise FranceConnectError(Failure.WRONG_ISSUER)
        audience = claims.get("aud")
        if audience is not None and config.client_id not in ([audience] if isinstance(audience, str) else audience):
            raise FranceConnectError(Failure.WRONG_AUDIENCE)
    return claims


def _acr_is_enough(acr, wanted: str) -> bool:
    if not isinstance(acr, str) or not acr:
        return False
    if wanted in EIDAS_LEVELS and acr in EIDAS_LEVELS:
        return EIDAS_LEVELS.index(acr) >= EIDAS_LEVELS.index(wanted)
    return acr in wanted.split()


def id_token_verify(token: str, *, config: FranceConnectConfig, document: dict, nonce: str) -> dict:
    """The claims of a FranceConnect ID token, after checking signature, iss, aud, exp, iat, nonce and acr."""
    claims = _decode(token, config=config, document=document, id_token=True)
    if not nonce or not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(claims["nonce"], nonce):
        raise FranceConnectError(Failure.WRONG_NONCE)
    if not _acr_is_enough(claims.get("acr"), config.acr_values or EIDAS_LEVELS[0]):
        raise FranceConnectError(Failure.LOW_ASSURANCE)
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise FranceConnectError(Failure.MALFORMED)
    return claims


def userinfo_fetch(access_token: str, *, config: FranceConnectConfig, document: dict, sub: str) -> dict:
    """The user info: FranceConnect v2 answers a signed JWT (verified like the ID token); plain JSON is read too."""
    response = _http_get(document["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"})
    if response.status_code != 200:
        raise FranceConnectError(Failure.REFUSED)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/jwt":
        claims = _decode(response.text.strip(), config=config, document=document, id_token=False)
    else:
        claims = _json_of(response)
    if claims.get("sub") != sub:
        raise FranceConnectError(Failure.USERINFO_MISMATCH)
    return claims


# --- The allauth provider -----------------------------------------------------------------------------------


class FranceConnectAccount(ProviderAccount):
    def to_str(self) -> str:
        return "FranceConnect"


class FranceConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    # FranceConnect v2 takes the client id and secret in the token request's body.
    basic_auth = False

    def __init__(self, request, config: FranceConnectConfig | None = None) -> None:
        super().__init__(request, PROVIDER_ID)
        self.config = config

    def _config(self) -> FranceConnectConfig:
        if self.config is None:
            self.config = franceconnect_offered()
            if self.config is None:
                raise SocialApp.DoesNotExist
        return self.config

    def get_provider(self):
        return FranceConnectProvider(self.request, app=social_app(self._config()))

    @property
    def openid_config(self) -> dict:
        if not hasattr(self, "_openid_config"):
            self._openid_config = openid_configuration(self._config())
        return self._openid_config

    def get_callback_url(self, request, app) -> str:
        return build_absolute_uri(request, reverse("identity:franceconnect_callback"), self.redirect_uri_protocol)

    def complete_login(self, request, app, token: SocialToken, **kwargs) -> SocialLogin:
        """Verify what FranceConnect answered and build allauth's (unsaved) social login from it."""
        config = self._config()
        response = kwargs["response"]
        id_token = response.get("id_token")
        if not isinstance(id_token, str):
            raise FranceConnectError(Failure.MALFORMED)
        claims = id_token_verify(id_token, config=config, document=self.openid_config, nonce=kwargs.get("nonce"))
        userinfo = userinfo_fetch(token.token, config=config, document=self.openid_config, sub=claims["sub"])
        login = self.get_provider().sociallogin_from_response(request, {"id_token": claims, "userinfo": userinfo})
        login.token = token
        login.franceconnect_identity = identity_from_claims({**claims, **userinfo})
        login.franceconnect_id_token = id_token
        return login


class FranceConnectProvider(OpenIDConnectProvider):
    id = PROVIDER_ID
    name = "FranceConnect"
    account_class = FranceConnectAccount
    oauth2_adapter_class = FranceConnectOAuth2Adapter
    supports_token_authentication = False

    @property
    def server_url(self) -> str:
        return self.app.settings["server_url"] + WELL_KNOWN

    def get_login_url(self, request, **kwargs) -> str:
        url = reverse("identity:franceconnect_login")
        params = {k: v for k, v in kwargs.items() if k in ("process", "next") and v}
        return f"{url}?{urlencode(params)}" if params else url

    def get_callback_url(self) -> str:
        return reverse("identity:franceconnect_callback")

    def get_oauth2_adapter(self, request) -> FranceConnectOAuth2Adapter:
        return FranceConnectOAuth2Adapter(request)

    def get_redirect_from_request_kwargs(self, request) -> dict:
        kwargs = super().get_redirect_from_request_kwargs(request)
        if kwargs.get("process") not in PROCESSES:
            kwargs["process"] = PROCESSES[0]
        return kwargs

    # What is asked of FranceConnect is fixed here: a request cannot widen the scope or change the parameters.
    def get_default_scope(self) -> list[str]:
        return list(SCOPES)

    def get_scope(self) -> list[str]:
        return list(SCOPES)

    def get_scope_from_request(self, request) -> list[str]:
        return self.get_scope()

    def get_auth_params(self) -> dict:
        return {"acr_values": self.app.settings.get("acr_values") or EIDAS_LEVELS[0], "prompt": "login consent"}

    def get_auth_params_from_request(self, request, action) -> dict:
        return self.get_auth_params()

    def get_pkce_params(self) -> dict:
        return {}

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(RANDOM_BYTES)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        # The nonce is kept in allauth's state (the session) and checked against the ID token.
        return super().redirect(request, process, next_url, data, auth_params=auth_params,
                                state_id=secrets.token_urlsafe(RANDOM_BYTES), **{STATE_NONCE: nonce}, **kwargs)

    def extract_uid(self, data) -> str:
        return str(data["id_token"]["sub"])

    def extract_extra_data(self, data) -> dict:
        # Only what identifies the link, never the person's names or date of birth (this column is clear text).
        claims = data["id_token"]
        return {key: claims[key] for key in ("sub", "acr", "amr") if key in claims}

    def _email(self, data) -> str | None:
        email = data.get("userinfo", {}).get("email") or data["id_token"].get("email")
        return email if isinstance(email, str) and email else None

    def extract_common_fields(self, data) -> dict:
        return {"email": self._email(data)}

    def extract_email_addresses(self, data) -> list:
        email = self._email(data)
        # FranceConnect's e-mail address comes from the identity provider the person signed in with.
        return [EmailAddress(email=email, verified=True, primary=True)] if email else []

    def verify_token(self, request, token):
        raise OAuth2Error("FranceConnect sign-in goes through the browser redirect only")


# --- What the sign-in records -------------------------------------------------------------------------------

IDENTITY_CLAIMS = {"given_name": "given_name", "family_name": "family_name", "birthdate": "birth_date"}
MAX_ATTRIBUTE_LENGTH = 300


def identity_from_claims(claims: dict) -> dict:
    """The identity attributes kept from FranceConnect's claims (date of birth only as a real YYYY-MM-DD)."""
    identity = {}
    for claim, field in IDENTITY_CLAIMS.items():
        value = claims.get(claim)
        identity[field] = value.strip()[:MAX_ATTRIBUTE_LENGTH] if isinstance(value, str) else ""
    try:
        dt.date.fromisoformat(identity["birth_date"])
    except ValueError:
        identity["birth_date"] = ""  # FranceConnect may give a partly unknown date: not a date we can use
    return identity


def sociallogin_stash(login: SocialLogin) -> None:
    """Keep what the callback verified in allauth's state, which survives the sign-up form (in the session)."""
    login.state[STATE_IDENTITY] = encrypt(json.dumps(login.franceconnect_identity))
    login.state[STATE_ID_TOKEN] = login.franceconnect_id_token


def _stashed_identity(login: SocialLogin) -> dict | None:
    value = (login.state or {}).get(STATE_IDENTITY)
    if not value:
        return None
    try:
        identity = json.loads(decrypt(value))
    except ValueError:
        return None
    return identity if isinstance(identity, dict) else None


def is_franceconnect(login: SocialLogin | None) -> bool:
    return bool(login is not None and login.account is not None and login.account.provider == PROVIDER_ID)


@transaction.atomic
def assurance_record_franceconnect(*, user, identity: dict) -> Assurance:
    """Record that FranceConnect verified this person's identity now, with the attributes it gave."""
    assurance, _created = Assurance.objects.select_for_update().get_or_create(user=user)
    assurance.identity_method = Assurance.IdentityMethod.FRANCECONNECT
    assurance.identity_verified_at = timezone.now()
    assurance.identity_verified_by = None
    assurance.given_name = identity.get("given_name", "")
    assurance.family_name = identity.get("family_name", "")
    assurance.birth_date = identity.get("birth_date", "")
    assurance.save()
    user.assurance = assurance  # later reads in this request see the new level
    return assurance


def sociallogin_record(request, login: SocialLogin, user) -> None:
    """After a FranceConnect sign-in, sign-up or link: update the assurance (once) and remember the ID token."""
    if not is_franceconnect(login) or user is None or user.pk is None:
        return
    if not getattr(login, "_franceconnect_recorded", False):
        identity = _stashed_identity(login)
        if identity is not None:
            assurance_record_franceconnect(user=user, identity=identity)
            login._franceconnect_recorded = True
    id_token = (login.state or {}).get(STATE_ID_TOKEN)
    if request is not None and id_token and hasattr(request, "session"):
        request.session[SESSION_ID_TOKEN] = id_token


def logout_url(request, config: FranceConnectConfig, id_token: str) -> str | None:
    """Where to send the browser to end the FranceConnect session too (None when the provider has no such end)."""
    try:
        end_session = openid_configuration(config).get("end_session_endpoint")
    except FranceConnectError:
        return None
    if not end_session:
        return None
    state = secrets.token_urlsafe(RANDOM_BYTES)
    request.session[SESSION_LOGOUT_STATE] = state
    params = {"id_token_hint": id_token, "state": state,
              "post_logout_redirect_uri": build_absolute_uri(request, reverse("identity:franceconnect_logout_return"))}
    separator = "&" if "?" in end_session else "?"
    return f"{end_session}{separator}{urlencode(params)}"


# --- Wiring -------------------------------------------------------------------------------------------------


def _on_logged_in(sender, request=None, user=None, sociallogin=None, **kwargs):
    sociallogin_record(request, sociallogin, user)


def _on_account_added(sender, request=None, sociallogin=None, **kwargs):
    sociallogin_record(request, sociallogin, sociallogin.user if sociallogin else None)


def ready_franceconnect() -> None:
    """Called by IdentityConfig.ready(): record FranceConnect sign-ins and links on the account."""
    from allauth.account.signals import user_logged_in
    from allauth.socialaccount.signals import social_account_added

    user_logged_in.connect(_on_logged_in, dispatch_uid="identity.franceconnect.logged_in")
    social_account_added.connect(_on_account_added, dispatch_uid="identity.franceconnect.account_added")
