"""Ballot validation shared by the voting site and imports: a list of stable error codes, empty when valid.

Codes: `unknown_project`, `invalid_value`, `too_few`, `too_many`, `over_budget`, `under_min_share`,
`too_many_points_for_project`, `too_many_points`, `invalid_ranks`, `invalid_grade`.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import BallotKind, Election


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_ballot(election: Election, ballot: Mapping[str, int]) -> list[str]:
    errors: list[str] = []

    def add(code: str) -> None:
        if code not in errors:
            errors.append(code)

    projects = election.project_by_id
    kind = election.kind
    if any(pid not in projects for pid in ballot):
        add("unknown_project")
    values = list(ballot.values())
    count = len(ballot)
    if kind == BallotKind.MAJORITY_JUDGMENT:
        n_grades = len(election.grades or ())
        if any(not _is_int(v) or not 0 <= v < n_grades for v in values):
            add("invalid_grade")
    elif kind == BallotKind.ORDINAL:
        if any(not _is_int(v) for v in values) or sorted(values) != list(range(1, count + 1)):
            add("invalid_ranks")
        if election.points_by_rank is not None and count > len(election.points_by_rank):
            add("too_many")
    elif kind == BallotKind.CUMULATIVE:
        if any(not _is_int(v) or v < 1 for v in values):
            add("invalid_value")
        else:
            if election.max_points_per_project is not None and any(v > election.max_points_per_project
                                                                   for v in values):
                add("too_many_points_for_project")
            if election.max_total_points is not None and sum(values) > election.max_total_points:
                add("too_many_points")
    elif any(v != 1 or not _is_int(v) for v in values):
        add("invalid_value")
    if election.min_length is not None and count < election.min_length:
        add("too_few")
    if election.max_length is not None and count > election.max_length:
        add("too_many")
    if kind == BallotKind.KNAPSACK and "unknown_project" not in errors:
        total = sum(projects[pid].cost for pid in ballot)
        if total > election.budget:
            add("over_budget")
        if election.min_share is not None and total < election.min_share * election.budget:
            add("under_min_share")
    return errors
