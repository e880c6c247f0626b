"""What every part of the budget module shares: finding an edition, its vote phase, voting slots,
the identity key of a voter, and the engine's view of a budget."""

import hashlib
import hmac
import unicodedata

from django.conf import settings
from django.db import connection, transaction
from django.http import Http404

from tenant_apps.budgets.models import Budget, Edition
from tenant_apps.participation.models import Process
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.selectors import process_get_for_user
from tenant_apps.participation.state import ProcessState, process_state

BUDGET_KIND = "budget"


def edition_ensure(process: Process) -> Edition:
    """The edition row of a budget process, made on first use (a process is created by the kernel)."""
    if process.kind != BUDGET_KIND:
        raise Http404
    edition = getattr(process, "_budget_edition", None)
    if edition is None:
        try:
            edition = process.budget_edition
        except Edition.DoesNotExist:
            with transaction.atomic():
                edition, _created = Edition.objects.get_or_create(process=process)
        process._budget_edition = edition
    return edition


def edition_get_for_user(*, slug: str, user) -> Edition:
    """The edition of the budget process at `slug`, if `user` may see it (kernel rules), else 404."""
    process = process_get_for_user(slug=slug, user=user)
    return edition_ensure(process)


def vote_phase(state: ProcessState):
    """The edition's vote phase (active, else next, else last): the one whose start freezes the rules."""
    for phases in (state.active, state.upcoming, tuple(reversed(state.past))):
        for phase in phases:
            if Capability.BALLOT in phase.capabilities:
                return phase
    return None


def rules_frozen(edition: Edition, state: ProcessState | None = None) -> bool:
    """Rules (envelopes, ballots, counting, checklist) cannot change once voting has opened."""
    state = state or process_state(edition.process)
    phase = vote_phase(state)
    return phase is not None and phase.starts_at <= state.at


def vote_closed(edition: Edition, state: ProcessState | None = None) -> bool:
    """True once the vote phase is over (results may be counted and published)."""
    state = state or process_state(edition.process)
    phase = vote_phase(state)
    return phase is not None and phase.ends_at <= state.at


def voting_slot(budget: Budget) -> str:
    """One ballot per person per slot: each budget, or all district budgets together in "one district" mode."""
    if budget.district_id is not None and budget.edition.voting_scope == Edition.VotingScope.ONE_DISTRICT:
        return "district"
    return str(budget.pk)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("-", " ").replace("'", " ").lower().split())


def identity_key(*, given_name: str, family_name: str, birth_date: str) -> str | None:
    """A keyed hash of name and birth date (YYYY-MM-DD), the same online and at a polling place.

    Keyed per collectivity so it means nothing elsewhere; None when something is missing.
    """
    parts = [_normalise(given_name).split(" ")[0] if given_name else "", _normalise(family_name),
             (birth_date or "").strip()]
    if not all(parts):
        return None
    key = hashlib.sha256(f"{settings.SECRET_KEY}:budget-voter:{connection.schema_name}".encode()).digest()
    return hmac.new(key, "|".join(parts).encode(), hashlib.sha256).hexdigest()


def money(value) -> str:
    """`1 250 000 €` with narrow no-break spaces, as the French interface writes amounts."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", "\u202f") + "\u00a0€"
