import secrets
import uuid

import structlog
from django.db import connection
from django.http import JsonResponse

from shared_apps.core.health import run_checks


class HealthCheckMiddleware:
    """`/healthz` (alive) and `/healthz/ready` (database, cache, broker) for any Host header.

    Placed first: Kubernetes probes arrive with the pod IP as Host, which no tenant, no
    ALLOWED_HOSTS entry and no HTTPS redirect should get in the way of.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/healthz/ready":
            connection.set_schema_to_public()
            healthy, results = run_checks()
            return JsonResponse({"status": "ok" if healthy else "error", "checks": results},
                                status=200 if healthy else 503)
        return self.get_response(request)


class RequestLogContextMiddleware:
    """Binds the collectivity and a request id to every log line written during the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        structlog.contextvars.clear_contextvars()
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy: only this host's scripts, styles and forms, plus one nonce
    per response for the few inline elements the templates mark with `nonce="{{ csp_nonce }}"`.

    User contributions will be rendered on these pages: an injected script must not run.
    """

    POLICY = (
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "text/html" in response.get("Content-Type", "") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.POLICY.format(nonce=request.csp_nonce)
        return response
