from celery import shared_task

from shared_apps.core.tasks import CollectivityTask
from tenant_apps.identity import privacy


@shared_task(base=CollectivityTask, name="tenant_apps.identity.tasks.retention_apply")
def retention_apply() -> int:
    """Pseudonymise what is past the retention period (every day, per collectivity, through fan_out)."""
    run = privacy.retention_apply()
    return run.contributions + run.votes + run.comments + run.arguments
