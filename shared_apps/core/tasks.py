"""Base class for tasks that only make sense inside a collectivity."""

from django.conf import settings
from django.db import connection
from tenant_schemas_celery.task import TenantTask


class TenantRequired(RuntimeError):
    """A tenant task was about to run in the public schema."""


class CollectivityTask(TenantTask):
    """Refuses to run in the public schema instead of silently reading or writing there."""

    abstract = True

    def __call__(self, *args, **kwargs):
        if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
            raise TenantRequired(f"task {self.name} needs a collectivity and was sent from the public schema")
        return super().__call__(*args, **kwargs)
