from django.conf import settings
from django.db.models import QuerySet

from tenants.models import Collectivity


def collectivity_list(*, status: str | None = None) -> QuerySet[Collectivity]:
    qs = Collectivity.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
    if status:
        qs = qs.filter(status=status)
    return qs


def active_schema_names() -> list[str]:
    return list(collectivity_list(status=Collectivity.Status.ACTIVE).values_list("schema_name", flat=True))
