"""Who may do what, now: a capability must be open in the process state, and the person allowed.

Services call `capability_check()` before writing; views call `capability_decision()` to show what
can be done (or why not). Eligibility rules (identity, residence, age) plug in through
`eligibility_rules` and apply to every capability they are registered for.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from shared_apps.core.errors import NotAllowed
from tenant_apps.participation.models import Contribution, Process
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.state import ProcessState, process_state

STAFF_ROLES = frozenset({"agent", "city_admin"})
MODERATOR_ROLES = frozenset({"moderator", "city_admin"})


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in STAFF_ROLES)


def is_moderator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in MODERATOR_ROLES)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str = ""
    reason: str = ""

    def __bool__(self):
        return self.allowed


# (user, process, capability, state) -> a refusal Decision, or None when the rule lets the person in.
eligibility_rules: dict[str, Callable[..., Decision | None]] = {}


def capability_decision(*, user, process: Process, capability: Capability | str, state: ProcessState | None = None,
                        contribution: Contribution | None = None) -> Decision:
    """Whether `user` may use `capability` in `process` now, and why not."""
    capability = Capability(capability)
    state = state or process_state(process)
    if not state.is_open(capability):
        nxt = next((p for p in state.upcoming if capability in p.capabilities), None)
        if nxt is not None:
            return Decision(False, "phase_not_open", _("This will open on %(date)s (%(phase)s).") % {
                "date": date_format(localtime(nxt.starts_at), "DATETIME_FORMAT"), "phase": nxt.title})
        return Decision(False, "phase_not_open", _("This is not open at this stage of the process."))
    if contribution is not None and contribution.is_hidden:
        return Decision(False, "hidden", _("This contribution was hidden by moderation."))
    if contribution is not None and contribution.merged_into_id:
        return Decision(False, "merged", _("This contribution was merged into another one: take part there."))
    if user is None or not user.is_authenticated:
        return Decision(False, "login_required", _("Sign in to take part."))
    if not user.is_active:
        return Decision(False, "blocked", _("Your account is blocked."))
    if capability is Capability.REVIEW and user.role not in STAFF_ROLES:
        return Decision(False, "staff_only", _("Only the city's staff can do this."))
    for rule in eligibility_rules.values():
        refusal = rule(user=user, process=process, capability=capability, state=state)
        if refusal is not None:
            return refusal
    return Decision(True)


def capability_check(**kwargs) -> ProcessState:
    """Raise NotAllowed (with the reason) unless the capability is open to the user; return the state."""
    state = kwargs.pop("state", None) or process_state(kwargs["process"])
    decision = capability_decision(state=state, **kwargs)
    if not decision:
        raise NotAllowed(decision.code, decision.reason)
    return state


def staff_check(user) -> None:
    if not is_staff(user):
        raise NotAllowed("staff_only", _("Only the city's staff can do this."))


def moderator_check(user) -> None:
    if not is_moderator(user):
        raise NotAllowed("moderators_only", _("Only moderators can do this."))
