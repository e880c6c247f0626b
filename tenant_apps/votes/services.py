"""Casting and withdrawing votes on contributions, with the contribution's counters kept exact.

The mode comes from the process state: a phase offering `vote` makes it for / against (neutral when
the phase allows it), else a phase offering `support` makes it a support; otherwise nothing is open.
Every write locks the contribution row first, so votes on one contribution are serialised and its
counters move by exact deltas in the same transaction as the vote.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.participation.models import Contribution
from tenant_apps.participation.permissions import capability_check
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.state import ProcessState, process_state
from tenant_apps.votes.models import Vote

MODE_CAPABILITIES = {Vote.Mode.FOR_AGAINST: Capability.VOTE, Vote.Mode.SUPPORT: Capability.SUPPORT}
COUNTERS = ("support_count", "for_count", "against_count", "neutral_count")


def vote_mode(state: ProcessState) -> Vote.Mode | None:
    """The kind of vote open now: for / against wins over support when both are open."""
    if state.is_open(Capability.VOTE):
        return Vote.Mode.FOR_AGAINST
    if state.is_open(Capability.SUPPORT):
        return Vote.Mode.SUPPORT
    return None


def vote_capability(state: ProcessState) -> Capability:
    """The capability voting depends on now, or the one that opens next (for the reason given when closed)."""
    mode = vote_mode(state)
    if mode is not None:
        return MODE_CAPABILITIES[mode]
    for phase in state.upcoming:
        for capability in (Capability.VOTE, Capability.SUPPORT):
            if capability in phase.capabilities:
                return capability
    return Capability.VOTE


def counter_for(mode: str, value: int) -> str:
    if mode == Vote.Mode.SUPPORT:
        return "support_count"
    return {1: "for_count", -1: "against_count", 0: "neutral_count"}[value]


def _value_clean(mode: Vote.Mode, value, phase) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in (1, 0, -1):
        raise Invalid("value", _("This vote is not valid."))
    if mode == Vote.Mode.SUPPORT and value != 1:
        raise Invalid("value", _("You can only support a contribution at this stage."))
    if mode == Vote.Mode.FOR_AGAINST and value == 0 and not (phase and phase.config.get("allow_neutral", False)):
        raise Invalid("neutral_not_allowed", _("A neutral vote is not offered in this vote."))
    return value


def _lock(contribution: Contribution) -> Contribution:
    """The contribution row, locked until the end of the transaction (fresh counters, fresh moderation state)."""
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    locked.process = contribution.process
    return locked


def _counters_apply(contribution: Contribution, locked: Contribution, deltas: dict[str, int]) -> None:
    values = {name: getattr(locked, name) + delta for name, delta in deltas.items() if delta}
    if not values:
        return
    Contribution.objects.filter(pk=locked.pk).update(**values)
    for name, value in values.items():
        setattr(locked, name, value)
    # The caller's instance shows the new counts too.
    for name in COUNTERS:
        setattr(contribution, name, getattr(locked, name))


@transaction.atomic
def vote_cast(*, contribution: Contribution, voter, value: int) -> Vote:
    """Record `voter`'s vote (1 for / support, -1 against, 0 neutral) on `contribution`, or change it."""
    process = contribution.process
    state = process_state(process)
    mode = vote_mode(state)
    capability = vote_capability(state)
    locked = _lock(contribution)
    capability_check(user=voter, process=process, capability=capability, state=state, contribution=locked)
    phase = state.phase_for(capability)
    value = _value_clean(mode, value, phase)

    vote = Vote.objects.filter(contribution=locked, voter=voter).first()
    if vote is not None and vote.mode == mode and vote.value == value:
        return vote  # the same vote again (a replayed request): nothing changes

    if mode == Vote.Mode.SUPPORT and (vote is None or vote.mode != mode):
        limit = phase.config.get("max_supports_per_person", 0) if phase else 0
        if limit:
            # Supports on other contributions are not serialised by the contribution lock: the voter's row is.
            get_user_model().objects.select_for_update().filter(pk=voter.pk).first()
            used = (Vote.objects.filter(voter=voter, contribution__process=process, mode=Vote.Mode.SUPPORT)
                    .exclude(contribution=locked).count())
            if used >= limit:
                raise NotAllowed("support_limit_reached", _(
                    "You have used all your supports in this process (%(n)s). Withdraw one to support this one.")
                    % {"n": limit})

    deltas = dict.fromkeys(COUNTERS, 0)
    deltas[counter_for(mode, value)] += 1
    if vote is None:
        vote = Vote.objects.create(contribution=locked, voter=voter, phase=phase, mode=mode, value=value)
    else:
        deltas[counter_for(vote.mode, vote.value)] -= 1
        vote.mode, vote.value, vote.phase = mode, value, phase
        vote.save(update_fields=["mode", "value", "phase", "updated_at"])
    _counters_apply(contribution, locked, deltas)
    vote.contribution = contribution
    return vote


@transaction.atomic
def vote_withdraw(*, contribution: Contribution, voter) -> None:
    """Take back `voter`'s vote on `contribution` while the kind of vote it is remains open."""
    process = contribution.process
    state = process_state(process)
    locked = _lock(contribution)
    vote = Vote.objects.filter(contribution=locked, voter=voter).first() if voter.is_authenticated else None
    capability = MODE_CAPABILITIES[Vote.Mode(vote.mode)] if vote is not None else vote_capability(state)
    capability_check(user=voter, process=process, capability=capability, state=state, contribution=locked)
    if vote is None:
        return  # nothing to withdraw (a replayed request)
    vote.delete()
    _counters_apply(contribution, locked, {counter_for(vote.mode, vote.value): -1})
