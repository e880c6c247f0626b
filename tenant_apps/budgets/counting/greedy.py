"""Greedy counting by score (votes for approval ballots, points for cumulative and ranked ballots).

Projects are taken in decreasing score (ties: `ties.tie_keys`) and funded while the budget allows:
- `greedy`: a project that does not fit is skipped and counting goes on with the next ones;
- `greedy-no-skip`: counting stops at the first project that does not fit;
- `greedy-threshold`: as `greedy`, but projects scoring fewer than `threshold` are never funded.
A project nobody supported is never funded (pabutools would fund it if money were left: see docs/counting.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from . import explain
from .model import ProjectResult
from .profile import Profile
from .ties import tie_keys


def greedy_order(profile: Profile, drawn_order: Sequence[str]) -> list[int]:
    """Project positions in decreasing score, ties broken by the published rule."""
    keys = tie_keys(profile.ids, profile.costs, profile.supporters, drawn_order)
    score = profile.score
    return sorted(range(len(keys)), key=lambda j: (-int(score[j]), keys[j]))


def run_greedy(profile: Profile, *, skip: bool = True, threshold: int = 0,
               drawn_order: Sequence[str] = ()) -> tuple[list[int], dict[str, ProjectResult]]:
    ids = profile.ids
    order = greedy_order(profile, drawn_order)
    remaining = int(profile.election.budget)
    selected: list[int] = []
    results: dict[str, ProjectResult] = {}
    blocking: str | None = None
    for position, j in enumerate(order, start=1):
        score = int(profile.score[j])
        supporters = int(profile.supporters[j])
        cost = int(profile.costs[j])

        def result(chosen: bool, reason: str, params: dict, *, _j=j, _pos=position, _score=score,
                   _supp=supporters) -> ProjectResult:
            return ProjectResult(project_id=ids[_j], selected=chosen, rank=_pos, score=_score,
                                 supporters=_supp, reason=reason, params=params)

        if supporters == 0:
            results[ids[j]] = result(False, explain.NO_SUPPORT, {})
        elif score < threshold:
            results[ids[j]] = result(False, explain.BELOW_THRESHOLD, {"score": score, "threshold": threshold})
        elif blocking is not None:
            results[ids[j]] = result(False, explain.STOPPED_AT_FIRST_UNFIT,
                                     {"position": position, "score": score, "blocking_project": blocking})
        elif cost <= remaining:
            results[ids[j]] = result(True, explain.SELECTED_BY_SCORE,
                                     {"position": position, "score": score, "remaining_before": remaining})
            selected.append(j)
            remaining -= cost
        else:
            results[ids[j]] = result(False, explain.DID_NOT_FIT,
                                     {"position": position, "score": score, "remaining": remaining, "cost": cost})
            if not skip:
                blocking = ids[j]
    return selected, results


def utilitarian_completion(profile: Profile, already: Sequence[int], drawn_order: Sequence[str]) -> list[int]:
    """Projects added, in greedy order, with the money `already` left (supported projects only)."""
    remaining = int(profile.election.budget) - int(sum(int(profile.costs[j]) for j in already))
    taken = set(already)
    added = []
    for j in greedy_order(profile, drawn_order):
        if j in taken or profile.supporters[j] == 0:
            continue
        cost = int(profile.costs[j])
        if cost <= remaining:
            added.append(j)
            remaining -= cost
    return added
