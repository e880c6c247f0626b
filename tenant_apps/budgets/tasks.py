"""Background work of the budget vote, always inside one collectivity (tenant-aware like every city task)."""

from celery import shared_task

from shared_apps.core.tasks import CollectivityTask
from tenant_apps.budgets.services import voting


# Only a failure to reach the mail server is retried; the e-mail carries no secret, a rare double is harmless.
@shared_task(base=CollectivityTask, name="tenant_apps.budgets.tasks.ballot_confirmation_send",
             autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def ballot_confirmation_send(ballot_id: int, user_id: int, closes_at: str = "") -> bool:
    """E-mail the voter that their ballot is recorded (sent once the transaction that recorded it commits)."""
    return voting.ballot_confirmation_email_send(ballot_id=ballot_id, user_id=user_id, closes_at=closes_at)


@shared_task(base=CollectivityTask, name="tenant_apps.budgets.tasks.ballots_seal_closed")
def ballots_seal_closed() -> int:
    """Cut the links between ballots and voters in every edition whose vote is over (scheduled via fan_out)."""
    return voting.ballots_seal_closed()
