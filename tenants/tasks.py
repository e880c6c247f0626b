"""Periodic work that fans out over collectivities. Beat only ever schedules `fan_out`."""

import structlog
from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.models import Collectivity
from tenants.selectors import collectivity_list

log = structlog.get_logger(__name__)


@shared_task(name="tenants.tasks.fan_out")
def fan_out(task_name: str, *args) -> int:
    """Send `task_name` once to every active collectivity, each message carrying its schema."""
    from config.celery import app  # noqa: PLC0415  (the app imports this module's package)

    app.loader.import_default_modules()  # autodiscovered tasks, also in a web process (eager mode)
    collectivities = list(collectivity_list(status=Collectivity.Status.ACTIVE))
    for collectivity in collectivities:
        # tenant_context, not schema_context: a task run eagerly here sees the Collectivity itself
        # as connection.tenant, exactly as a worker does.
        with tenant_context(collectivity):
            app.tasks[task_name].apply_async(args=args)
    log.info("fan_out", task=task_name, collectivities=len(collectivities))
    return len(collectivities)
