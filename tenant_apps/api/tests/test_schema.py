"""The city API's OpenAPI schema validates, describes only the city's endpoints, and feeds the docs page."""

import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from conftest import HostClient

pytestmark = pytest.mark.django_db

CITY_PATHS = {
    "/api/v1/processes/", "/api/v1/processes/{slug}/", "/api/v1/processes/{slug}/statuses/",
    "/api/v1/processes/{slug}/contributions/", "/api/v1/contributions/{id}/",
    "/api/v1/contributions/{id}/comments/", "/api/v1/contributions/{id}/vote/",
}


def test_the_city_api_schema_validates():
    # The same check as the operator API's (tests/test_control_plane.py), on the city's own URL patterns.
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 "--urlconf", "tenant_apps.api.schema", "--custom-settings", "tenant_apps.api.schema.SCHEMA_SETTINGS",
                 stdout=out)
    schema = json.loads(out.getvalue())
    assert set(schema["paths"]) == CITY_PATHS
    assert set(schema["paths"]["/api/v1/contributions/{id}/vote/"]) == {"post", "delete"}


def test_a_city_host_serves_its_own_schema_and_the_control_plane_keeps_its_own(city_a, client_a):
    assert reverse("api:schema", urlconf=settings.ROOT_URLCONF) == "/api/schema/"
    response = client_a.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert set(schema["paths"]) == CITY_PATHS
    assert not any(path.startswith("/api/operator/") for path in schema["paths"])
    assert schema["info"]["title"] == "Ville A — API"
    assert response["Content-Disposition"] == 'inline; filename="openapi.json"'
    assert client_a.get("/api/schema/").status_code == 200  # YAML by default

    root = HostClient(settings.PARVIS_ROOT_DOMAIN).get("/api/schema/", {"format": "json"})
    operator = json.loads(root.content)
    assert operator["info"]["title"] == settings.SPECTACULAR_SETTINGS["TITLE"]
    assert "/api/operator/collectivities/" in operator["paths"]
    assert not any(path.startswith("/api/v1/") for path in operator["paths"])


def test_the_documentation_page_lists_every_endpoint_without_external_resources(city_a, client_a):
    response = client_a.get(reverse("api:docs", urlconf=settings.ROOT_URLCONF))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for path in CITY_PATHS:
        assert f"<code>{path}</code>" in html
    assert "/api/schema/" in html
    assert '<caption>' in html and 'scope="col"' in html
    external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:)?//', html)
    assert not external
