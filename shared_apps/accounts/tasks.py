from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from shared_apps.core.tasks import CollectivityTask


@shared_task(base=CollectivityTask, name="shared_apps.accounts.tasks.sessions_clear_expired")
def sessions_clear_expired() -> int:
    """Sessions live in each collectivity's schema: clear the expired ones of the task's collectivity."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
