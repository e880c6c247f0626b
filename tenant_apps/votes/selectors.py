"""What pages need to show votes: the panel of a contribution page, a person's votes on a list page."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from tenant_apps.participation.models import Contribution
from tenant_apps.participation.permissions import capability_decision
from tenant_apps.participation.state import ProcessState
from tenant_apps.votes.models import Vote
from tenant_apps.votes.services import MODE_CAPABILITIES, vote_capability, vote_mode

# The `value` field of the vote form: what each button sends, and the vote it means.
CHOICE_VALUES = {"for": 1, "against": -1, "neutral": 0, "support": 1}
CHOICE_LABELS = {"for": _("For"), "against": _("Against"), "neutral": _("Neutral"), "support": _("I support it")}


def choice_of(vote: Vote | None) -> str | None:
    """The form choice a recorded vote corresponds to ("for", "against", "neutral", "support")."""
    if vote is None:
        return None
    if vote.mode == Vote.Mode.SUPPORT:
        return "support"
    return {1: "for", -1: "against", 0: "neutral"}[vote.value]


def contribution_panel(*, contribution: Contribution, user, state: ProcessState) -> dict:
    """The vote panel of a contribution page: mode, counts (when shown), the user's vote and what they may do."""
    mode = vote_mode(state)
    capability = vote_capability(state)
    phase = state.phase_for(capability) if mode else None
    config = phase.config if phase else {}
    vote = None
    if user is not None and user.is_authenticated:
        vote = Vote.objects.filter(contribution_id=contribution.pk, voter_id=user.pk).first()
    decision = capability_decision(user=user, process=contribution.process, capability=capability, state=state,
                                   contribution=contribution)
    counts = {"support": contribution.support_count, "for": contribution.for_count,
              "against": contribution.against_count, "neutral": contribution.neutral_count}
    current = choice_of(vote)
    if mode == Vote.Mode.SUPPORT:
        keys = ["support"]
    elif mode == Vote.Mode.FOR_AGAINST:
        keys = ["for", "against"] + (["neutral"] if config.get("allow_neutral", False) else [])
    else:
        keys = []
    choices = [{"value": key, "label": CHOICE_LABELS[key], "pressed": key == current} for key in keys]
    # Results stay hidden while a vote that asks for it is open; they show again once it closes.
    show_counts = state.results_visible
    # A vote of an earlier phase can only be withdrawn while its own kind of vote is open.
    can_withdraw = bool(vote and mode and decision.allowed and MODE_CAPABILITIES[Vote.Mode(vote.mode)] == capability)
    return {
        "mode": str(mode) if mode else None,
        "is_open": mode is not None,
        "decision": decision,
        "choices": choices,
        "show_counts": show_counts,
        "counts": counts,
        "has_votes": any(counts.values()),
        "vote": vote,
        "current": current,
        "can_withdraw": can_withdraw,
        "next_phase": None if mode else next((p for p in state.upcoming if capability in p.capabilities), None),
    }


def votes_of_user(*, user, contribution_ids: Iterable[int]) -> dict[int, int]:
    """{contribution id: vote value} of `user` among `contribution_ids` (list pages), in one query."""
    ids = list(contribution_ids)
    if user is None or not user.is_authenticated or not ids:
        return {}
    return dict(Vote.objects.filter(voter_id=user.pk, contribution_id__in=ids).values_list("contribution_id", "value"))
