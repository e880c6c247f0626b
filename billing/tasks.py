from celery import shared_task

from billing.services import usage_measure as usage_measure_service
from shared_apps.core.tasks import CollectivityTask
from tenants.selectors import collectivity_current


@shared_task(base=CollectivityTask, name="billing.tasks.usage_measure")
def usage_measure() -> dict:
    """Fanned out daily over active collectivities: one usage snapshot each."""
    return usage_measure_service(collectivity=collectivity_current()).counters
