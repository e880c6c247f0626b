from django.conf import settings
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Collectivity


def control_plane_tenant() -> Collectivity:
    """The public schema as a request tenant: the control plane has no collectivity row."""
    return Collectivity(schema_name=settings.PUBLIC_SCHEMA_NAME, slug="", name="Parvis",
                        status=Collectivity.Status.ACTIVE)


class CollectivityMiddleware(TenantMainMiddleware):
    """Routes the root domain to the control plane and every other host to its collectivity.

    An unknown host gets `tenants.views.unknown_host` (DEFAULT_NOT_FOUND_TENANT_VIEW), a 404 page.
    """

    def get_tenant(self, domain_model, hostname):
        if hostname == settings.PARVIS_ROOT_DOMAIN:
            return control_plane_tenant()
        return super().get_tenant(domain_model, hostname)
