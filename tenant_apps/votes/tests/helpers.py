"""Building processes with contributions open to votes, through the real services."""

import datetime as dt

import time_machine

from tenant_apps.participation.models import Contribution
from tenant_apps.participation.services import phase_update
from tenant_apps.participation.state import process_state
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase


def contribution_submitted(process, author=None, **kwargs) -> Contribution:
    """A contribution made during the process's first submission phase, whatever phase is active now."""
    phase = process.phases.filter(type_key="submission").order_by("position").first()
    with time_machine.travel(phase.starts_at + dt.timedelta(hours=1), tick=False):
        return contribution(process, author=author, **kwargs)


def voting_on(kind: str, phase, *, config: dict | None = None, **kwargs) -> Contribution:
    """A contribution of a `kind` process whose phase `phase` is active now (its config changed if given)."""
    admin = account("city_admin")
    process = process_in_phase(kind, phase, actor=admin)
    if config:
        current = process_state(process).current
        phase_update(phase=current, actor=admin, config={**current.config, **config})
    return Contribution.objects.select_related("process").get(pk=contribution_submitted(process, **kwargs).pk)


def counts(contribution) -> tuple[int, int, int, int]:
    contribution.refresh_from_db()
    return (contribution.support_count, contribution.for_count, contribution.against_count,
            contribution.neutral_count)
