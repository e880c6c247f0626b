"""The data the counting engine works on: projects, an election (ballots and the rules of the ballot), outcomes.

Everything here is plain data (frozen dataclasses, str enums) so the Django side, `pb_tally` and the tests
build elections the same way. Amounts are integers in the currency's unit (euros, złoty...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class CountingError(ValueError):
    """An election the engine cannot count (unknown project in a ballot, rule not meant for the ballot kind...).

    `code` is stable (for the Django side to translate), `str()` is an English sentence for logs and `pb_tally`.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class BallotKind(StrEnum):
    APPROVAL = "approval"
    KNAPSACK = "knapsack"
    CUMULATIVE = "cumulative"
    ORDINAL = "ordinal"
    MAJORITY_JUDGMENT = "majority_judgment"


class Rule(StrEnum):
    GREEDY = "greedy"
    GREEDY_NO_SKIP = "greedy-no-skip"
    GREEDY_THRESHOLD = "greedy-threshold"
    MES = "mes"
    MES_ADD1 = "mes-add1"
    MES_ADD1_UTILITARIAN = "mes-add1-utilitarian"
    MES_ADD1_COMPARISON = "mes-add1-comparison"
    MAJORITY_JUDGMENT = "majority-judgment"


@dataclass(frozen=True)
class Project:
    id: str
    cost: int
    name: str = ""


@dataclass(frozen=True)
class Election:
    """One vote to count.

    `ballots`: approval/knapsack {pid: 1}; cumulative {pid: points}; ordinal {pid: rank, 1 = first};
    majority judgment {pid: grade index, 0 = best grade}. `weights[i]` (optional) counts ballot i that many times.
    Kind parameters are optional; `None` means "no such constraint".
    """

    budget: int
    projects: tuple[Project, ...]
    kind: BallotKind
    ballots: Sequence[Mapping[str, int]] = ()
    weights: Sequence[int] | None = None
    min_length: int | None = None
    max_length: int | None = None
    max_points_per_project: int | None = None
    max_total_points: int | None = None
    points_by_rank: tuple[int, ...] | None = None
    grades: tuple[str, ...] | None = None
    min_share: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "kind", BallotKind(self.kind))
        object.__setattr__(self, "projects", tuple(self.projects))
        if self.weights is not None and len(self.weights) != len(self.ballots):
            raise CountingError("weights_mismatch", "There must be one weight per ballot.")
        ids = [p.id for p in self.projects]
        if len(set(ids)) != len(ids):
            raise CountingError("duplicate_project", "Two projects have the same id.")
        if any(p.cost < 0 for p in self.projects) or self.budget < 0:
            raise CountingError("negative_amount", "Costs and budget cannot be negative.")
        if self.kind == BallotKind.MAJORITY_JUDGMENT and not self.grades:
            raise CountingError("grades_missing", "A majority judgment vote needs its list of grades.")

    @property
    def project_by_id(self) -> dict[str, Project]:
        return {p.id: p for p in self.projects}

    def rank_points(self, rank: int) -> int:
        """Points an ordinal ballot gives to the project it ranks at `rank` (1 = first)."""
        points = self.points_by_rank
        if points is None:
            # Without an explicit scale, k, k-1, ..., 1 where k is the longest allowed ranking
            # (3/2/1 for Kraków's "rank 3 projects"). Borda's k-1..0 would make the last choice worthless.
            length = self.max_length or len(self.projects)
            return max(length - rank + 1, 0)
        return points[rank - 1] if 1 <= rank <= len(points) else 0


@dataclass(frozen=True)
class ProjectResult:
    project_id: str
    selected: bool
    rank: int
    score: int | float
    supporters: int
    reason: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    selected: tuple[str, ...]
    spent: int
    results: dict[str, ProjectResult]
    details: dict[str, Any] = field(default_factory=dict)
    budget: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (what `pb_tally --json` prints)."""
        return {
            "rule": str(self.rule),
            "selected": list(self.selected),
            "spent": self.spent,
            "budget": self.budget,
            "details": self.details,
            "results": {
                pid: {"selected": r.selected, "rank": r.rank, "score": r.score, "supporters": r.supporters,
                      "reason": r.reason, "params": r.params}
                for pid, r in self.results.items()
            },
        }
