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


def interpellation_open(contribution: Contribution, actor=None) -> Contribution:
    """Filed interpellations wait for moderation (an internal status): open this one to votes."""
    from tenant_apps.participation.models import Status
    from tenant_apps.participation.services import contribution_status_change

    contribution_status_change(contribution=contribution, actor=actor or account("city_admin"),
                               status=Status.objects.get(process_kind="interpellation", key="open"))
    return contribution


def voting_on(kind: str, phase, *, config: dict | None = None, capabilities=None, opened: bool = False,
              **kwargs) -> Contribution:
    """A contribution of a `kind` process whose phase `phase` is active now (its config and capabilities
    changed if given; an interpellation `opened` to votes by the moderators)."""
    admin = account("city_admin")
    process = process_in_phase(kind, phase, actor=admin)
    if config or capabilities:
        current = process_state(process).current
        changes = {"config": {**current.config, **(config or {})}}
        if capabilities:
            changes["capabilities"] = capabilities
        phase_update(phase=current, actor=admin, **changes)
    made = contribution_submitted(process, **kwargs)
    if opened:
        interpellation_open(made, admin)
    return Contribution.objects.select_related("process").get(pk=made.pk)


def counts(contribution) -> tuple[int, int, int, int]:
    contribution.refresh_from_db()
    return (contribution.support_count, contribution.for_count, contribution.against_count,
            contribution.neutral_count)
