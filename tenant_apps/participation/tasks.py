from celery import shared_task

from shared_apps.core.tasks import CollectivityTask
from tenant_apps.participation import services


@shared_task(base=CollectivityTask, name="tenant_apps.participation.tasks.process_transitions_run")
def process_transitions_run() -> int:
    """Announce the phases that started or ended since the last run (every few minutes, per collectivity)."""
    return len(services.process_transitions_run())
