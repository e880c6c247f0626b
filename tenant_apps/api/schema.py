"""The OpenAPI 3 schema of a collectivity's API, served at /api/schema/ on its host.

The control plane's SPECTACULAR_SETTINGS describe the operator API (SERVE_URLCONF=config.urls_public);
this schema names its own URL patterns and settings, so each host describes only its own API.
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

SCHEMA_SETTINGS = {
    "TITLE": "Parvis — city API",
    "DESCRIPTION": _(
        "Processes, phases, contributions, comments, votes and statuses of this platform. Reading needs no "
        "account. Writing needs the session of a signed-in person (the site's sign-in) and its CSRF token, and "
        "follows the same rules as the site. Errors are JSON: {\"code\", \"detail\"}."),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SORT_OPERATIONS": False,  # the order of the URL patterns: processes first, then contributions
}

# The URL patterns the schema describes: the v1 endpoints at the address they have on a city's host.
urlpatterns = [path("api/v1/", include("tenant_apps.api.v1_urls"))]


@extend_schema(exclude=True)  # the schema endpoint does not describe itself
class CitySchemaApi(SpectacularAPIView):
    urlconf = "tenant_apps.api.schema"

    def get(self, request, *args, **kwargs):
        tenant = getattr(request, "tenant", None)
        title = f"{tenant.name} — API" if tenant is not None and tenant.name else SCHEMA_SETTINGS["TITLE"]
        self.custom_settings = {**SCHEMA_SETTINGS, "TITLE": title}
        return super().get(request, *args, **kwargs)

    def _get_filename(self, request, version):
        # The default names the file after the title: a city's name does not belong in an HTTP header.
        renderer_format = self.perform_content_negotiation(request, force=True)[0].format
        return "openapi.json" if "json" in renderer_format else "openapi.yaml"


def city_schema() -> dict:
    """The schema as a dict (the documentation page reads it), in the active language."""
    with patched_settings(SCHEMA_SETTINGS):
        return SchemaGenerator(urlconf="tenant_apps.api.schema").get_schema(request=None, public=True)
