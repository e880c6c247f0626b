"""A local fake FranceConnect v2 provider for tests: a small WSGI app on 127.0.0.1, in a background thread.

It behaves like FranceConnect v2 for a service provider: discovery document, authorize (records the
request and sends the browser back with a code), token (checks the client and the code, answers an
ES256-signed ID token), user info (a signed JWT), JWKS and session end. Its keys (EC P-256, and RSA
for RS256) are generated when it starts, with the real `cryptography` and `PyJWT` libraries.

Knobs to misbehave, per test (`fake.misbehave(...)`): sign with a key it does not publish, send a
wrong nonce, an expired token, another audience or issuer, a lower `acr`, user info as plain JSON or
about another person, sign with RS256, refuse the token request.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
import socket
import threading
import time
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import override_settings

PERSON = {
    "given_name": "Éloïse Marianne",
    "family_name": "Delacour-Testée",
    "birthdate": "1990-07-14",
    "email": "eloise.delacour@exemple.fr",
    "gender": "female",
    "birthplace": "75107",
}


@dataclasses.dataclass
class Misbehaviour:
    sign_with: str = "ec"  # "ec" (ES256), "rsa" (RS256), "rogue" (a key the JWKS does not list, same kid)
    nonce: str | None = None  # a nonce other than the one asked
    expired: bool = False
    audience: str | None = None
    issuer: str | None = None
    acr: str = "eidas1"
    userinfo_json: bool = False  # plain JSON instead of a signed JWT
    userinfo_sub: str | None = None
    userinfo_sign_with: str | None = None
    refuse_token: bool = False


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the signature of the standard library)
        pass


class FakeFranceConnect:
    def __init__(self):
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        self.rogue_key = ec.generate_private_key(ec.SECP256R1())
        self.rsa_key = _rsa_key()
        self.kid = f"ec-{secrets.token_hex(4)}"
        self.rsa_kid = f"rsa-{secrets.token_hex(4)}"
        self.clients: dict[str, str] = {}
        self.person = dict(PERSON)
        self.person_id = "personne-1"  # stable whatever the claims (a change of e-mail keeps the same sub)
        self.bad = Misbehaviour()
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.logout_requests: list[dict] = []
        self.hits: dict[str, int] = {}
        self._server: WSGIServer | None = None
        self.base = ""

    # --- test API -----------------------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        return f"{self.base}/api/v2"

    def register_client(self, client_id: str, secret: str) -> None:
        self.clients[client_id] = secret

    def misbehave(self, **knobs) -> None:
        self.bad = dataclasses.replace(self.bad, **knobs)

    def behave(self) -> None:
        self.bad = Misbehaviour()

    def sub_for(self, client_id: str) -> str:
        # FranceConnect gives each service provider its own identifier for the same person.
        return hashlib.sha256(f"{client_id}:{self.person_id}".encode()).hexdigest()

    def start(self) -> FakeFranceConnect:
        self._server = make_server("127.0.0.1", 0, self, handler_class=_QuietHandler)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- WSGI -------------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        self.hits[path] = self.hits.get(path, 0) + 1
        routes = {
            "/api/v2/.well-known/openid-configuration": self._discovery,
            "/api/v2/authorize": self._authorize,
            "/api/v2/token": self._token,
            "/api/v2/userinfo": self._userinfo,
            "/api/v2/jwks": self._jwks,
            "/api/v2/session/end": self._session_end,
        }
        handler = routes.get(path)
        if handler is None:
            return _respond(start_response, "404 Not Found", {"error": "not_found"})
        return handler(environ, start_response)

    def _discovery(self, environ, start_response):
        return _respond(start_response, "200 OK", {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/session/end",
            "response_types_supported": ["code"],
            "scopes_supported": ["openid", "given_name", "family_name", "birthdate", "email", "gender", "birthplace"],
            "acr_values_supported": ["eidas1"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "subject_types_supported": ["public"],
        })

    def _authorize(self, environ, start_response):
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.authorize_requests.append(query)
        problems = [name for name in ("response_type", "client_id", "redirect_uri", "scope", "acr_values",
                                      "state", "nonce") if not query.get(name)]
        if problems or query["client_id"] not in self.clients or "openid" not in query["scope"].split():
            return _respond(start_response, "400 Bad Request", {"error": "invalid_request", "missing": problems})
        if len(query["state"]) < 32 or len(query["nonce"]) < 32:
            return _respond(start_response, "400 Bad Request", {"error": "invalid_request"})
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"client_id": query["client_id"], "redirect_uri": query["redirect_uri"],
                            "nonce": query["nonce"], "scope": query["scope"].split()}
        location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        start_response("303 See Other", [("Location", location), ("Content-Length", "0")])
        return [b""]

    def _token(self, environ, start_response):
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
        self.token_requests.append({k: v for k, v in form.items() if k != "client_secret"})
        client_id = form.get("client_id", "")
        if self.bad.refuse_token or self.clients.get(client_id) is None or not secrets.compare_digest(
                self.clients[client_id], form.get("client_secret", "")):
            return _respond(start_response, "401 Unauthorized", {"error": "invalid_client"})
        grant = self.codes.pop(form.get("code", ""), None)  # a code is used once
        if (grant is None or grant["client_id"] != client_id or grant["redirect_uri"] != form.get("redirect_uri")
                or form.get("grant_type") != "authorization_code"):
            return _respond(start_response, "400 Bad Request", {"error": "invalid_grant"})
        now = int(time.time())
        issued = now - 3600 if self.bad.expired else now
        sub = self.sub_for(client_id)
        claims = {
            "iss": self.bad.issuer or self.issuer,
            "aud": self.bad.audience or client_id,
            "sub": sub,
            "iat": issued,
            "exp": issued + 60,
            "auth_time": issued,
            "nonce": self.bad.nonce or grant["nonce"],
            "acr": self.bad.acr,
            "amr": ["pwd"],
        }
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = {"client_id": client_id, "sub": sub, "scope": grant["scope"]}
        return _respond(start_response, "200 OK", {
            "access_token": access_token, "token_type": "Bearer", "expires_in": 60, "scope": " ".join(grant["scope"]),
            "id_token": self.sign(claims, self.bad.sign_with)})

    def _userinfo(self, environ, start_response):
        auth = environ.get("HTTP_AUTHORIZATION", "")
        grant = self.tokens.get(auth.removeprefix("Bearer ").strip()) if auth.startswith("Bearer ") else None
        if grant is None:
            return _respond(start_response, "401 Unauthorized", {"error": "invalid_token"})
        claims = {"sub": self.bad.userinfo_sub or grant["sub"]}
        claims.update({k: v for k, v in self.person.items() if k in grant["scope"]})
        if self.bad.userinfo_json:
            return _respond(start_response, "200 OK", claims)
        now = int(time.time())
        claims.update({"iss": self.issuer, "aud": grant["client_id"], "iat": now, "exp": now + 60})
        body = self.sign(claims, self.bad.userinfo_sign_with or self.bad.sign_with).encode()
        start_response("200 OK", [("Content-Type", "application/jwt; charset=utf-8"),
                                  ("Content-Length", str(len(body)))])
        return [body]

    def _jwks(self, environ, start_response):
        ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec_key.public_key()))
        rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.rsa_key.public_key()))
        ec_jwk.update({"kid": self.kid, "use": "sig", "alg": "ES256"})
        rsa_jwk.update({"kid": self.rsa_kid, "use": "sig", "alg": "RS256"})
        return _respond(start_response, "200 OK", {"keys": [ec_jwk, rsa_jwk]})

    def _session_end(self, environ, start_response):
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.logout_requests.append(query)
        if not query.get("id_token_hint") or not query.get("post_logout_redirect_uri") or not query.get("state"):
            return _respond(start_response, "400 Bad Request", {"error": "invalid_request"})
        location = f"{query['post_logout_redirect_uri']}?{urlencode({'state': query['state']})}"
        start_response("303 See Other", [("Location", location), ("Content-Length", "0")])
        return [b""]

    def sign(self, claims: dict, how: str = "ec") -> str:
        if how == "rsa":
            return jwt.encode(claims, self.rsa_key, algorithm="RS256", headers={"kid": self.rsa_kid})
        key = self.rogue_key if how == "rogue" else self.ec_key
        return jwt.encode(claims, key, algorithm="ES256", headers={"kid": self.kid})


def _respond(start_response, status: str, payload: dict):
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


_RSA = []


def _rsa_key():
    if not _RSA:  # slow to make: one per test run is enough
        _RSA.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return _RSA[0]


def closed_port() -> int:
    """A port nothing listens on (for an unreachable provider)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(name="fake_franceconnect")
def fake_franceconnect_fixture():
    """A running fake FranceConnect v2; http on 127.0.0.1 is allowed as its address for the test."""
    fake = FakeFranceConnect().start()
    try:
        with override_settings(PARVIS_FRANCECONNECT_ALLOW_LOOPBACK_HTTP=True):
            yield fake
    finally:
        fake.stop()
