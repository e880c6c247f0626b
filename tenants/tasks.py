"""Periodic work that fans out over collectivities. Beat only ever schedules `fan_out`."""

import structlog
from celery import shared_task
from django_tenants.utils import schema_context

from tenants.selectors import active_schema_names

log = structlog.get_logger(__name__)


@shared_task(name="tenants.tasks.fan_out")
def fan_out(task_name: str, *args) -> int:
    """Send `task_name` once to every active collectivity, each message carrying its schema."""
    from config.celery import app  # noqa: PLC0415  (the app imports this module's package)

    schemas = active_schema_names()
    for schema in schemas:
        with schema_context(schema):
            app.tasks[task_name].apply_async(args=args)
    log.info("fan_out", task=task_name, collectivities=len(schemas))
    return len(schemas)
