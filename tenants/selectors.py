from django.conf import settings
from django.db.models import QuerySet

from tenants.models import Collectivity


def collectivity_list(*, status: str | None = None) -> QuerySet[Collectivity]:
    qs = Collectivity.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
    if status:
        qs = qs.filter(status=status)
    return qs


def collectivity_current() -> Collectivity | None:
    """The collectivity whose schema the connection is in, whichever way it got there.

    A request or a worker sets the Collectivity itself as `connection.tenant`; `schema_context()`
    only sets a stand-in with the schema name, so fall back to looking it up.
    """
    from django.db import connection  # noqa: PLC0415

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Collectivity) and tenant.pk is not None:
        return tenant
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return None
    return Collectivity.objects.filter(schema_name=connection.schema_name).first()
