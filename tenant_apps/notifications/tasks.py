from celery import shared_task

from shared_apps.core.tasks import CollectivityTask
from tenant_apps.notifications import services


# Only a failure to reach the mail server is retried: emailed_at is not set then, so a retry never sends twice.
@shared_task(base=CollectivityTask, name="tenant_apps.notifications.tasks.notification_email_send",
             autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def notification_email_send(notification_id: int) -> bool:
    """E-mail one notification at once (readers with the "immediate" frequency); never twice."""
    return services.notification_email_send(notification_id=notification_id)


@shared_task(base=CollectivityTask, name="tenant_apps.notifications.tasks.notifications_digest_send")
def notifications_digest_send() -> int:
    """The daily digest of this collectivity (scheduled through tenants.tasks.fan_out)."""
    return services.notifications_digest_send()
