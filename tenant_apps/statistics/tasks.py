import datetime as dt

from celery import shared_task
from django.utils import timezone

from shared_apps.core.tasks import CollectivityTask
from tenant_apps.statistics import services


@shared_task(base=CollectivityTask, name="tenant_apps.statistics.tasks.visits_flush_yesterday")
def visits_flush_yesterday() -> int:
    """Copy yesterday's visitor counts from Redis into the database (every night, per collectivity)."""
    return services.visits_flush(day=timezone.localdate() - dt.timedelta(days=1))
