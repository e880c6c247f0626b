"""The one place that decides what is open: the state of a process at a given time.

Everything else (permissions, templates, the transition task, the API) asks `process_state()`;
nothing re-implements "is this phase active?".
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from tenant_apps.participation.models import Phase, Process
from tenant_apps.participation.phases import Capability


@dataclass(frozen=True)
class ProcessState:
    at: datetime
    is_published: bool
    past: tuple[Phase, ...]
    active: tuple[Phase, ...]
    upcoming: tuple[Phase, ...]

    @property
    def next(self) -> Phase | None:
        return self.upcoming[0] if self.upcoming else None

    @property
    def current(self) -> Phase | None:
        """The phase to show as "now": the latest started active one."""
        return self.active[-1] if self.active else None

    @property
    def capabilities(self) -> frozenset[Capability]:
        if not self.is_published:
            return frozenset()
        return frozenset(Capability(c) for phase in self.active for c in phase.capabilities)

    def is_open(self, capability: Capability | str) -> bool:
        return Capability(capability) in self.capabilities

    def phase_for(self, capability: Capability | str) -> Phase | None:
        """The active phase that opens `capability` (the latest started, when several do)."""
        if not self.is_published:
            return None
        for phase in reversed(self.active):
            if str(capability) in phase.capabilities:
                return phase
        return None

    @property
    def results_visible(self) -> bool:
        """Whether vote counts may be shown now: not while an open vote phase hides them (`show_results`)."""
        return not any(
            phase.config.get("show_results", True) is False
            and {"vote", "support", "ballot"} & set(phase.capabilities)
            for phase in (self.active if self.is_published else ())
        )

    @property
    def active_ids(self) -> list[int]:
        return sorted(p.pk for p in self.active)

    @property
    def is_finished(self) -> bool:
        return not self.active and not self.upcoming and bool(self.past)


def process_state(process: Process, *, at: datetime | None = None, phases=None) -> ProcessState:
    """The past, active and upcoming phases of `process` at `at` (now by default), and what is open.

    A phase is active from its start (included) to its end (excluded). Only a published process
    opens capabilities. `phases` lets a caller pass phases it already fetched (list pages).
    """
    at = at or timezone.now()
    if phases is None:
        phases = process.phases.all()
    phases = sorted(phases, key=lambda p: (p.starts_at, p.position))
    return ProcessState(
        at=at,
        is_published=process.visibility == Process.Visibility.PUBLISHED,
        past=tuple(p for p in phases if p.ends_at <= at),
        active=tuple(p for p in phases if p.starts_at <= at < p.ends_at),
        upcoming=tuple(p for p in phases if p.starts_at > at),
    )
