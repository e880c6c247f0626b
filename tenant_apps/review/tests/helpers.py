"""Building contributions under review through the real services."""

from tenant_apps.participation.models import Contribution, Status
from tenant_apps.participation.services import contribution_status_change
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase


def ideas(**kwargs):
    return process_in_phase("ideas", "submission", **kwargs)


def fresh(item) -> Contribution:
    return Contribution.objects.select_related("process", "status").get(pk=item.pk)


def set_status(item, key: str, actor=None):
    status = Status.objects.get(process_kind=item.process.kind, key=key)
    contribution_status_change(contribution=item, status=status, actor=actor or account("agent"))
    return fresh(item)


__all__ = ["account", "contribution", "fresh", "ideas", "set_status"]
