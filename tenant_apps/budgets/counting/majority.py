"""Majority judgment (Balinski & Laraki): each voter grades projects on a named scale (index 0 = best grade).

- A project a voter did not grade counts as the lowest grade for that voter (a blank is not support; it keeps
  every project judged by the same number of voters, which majority judgment needs).
- Majority grade: the lower median, i.e. the best grade g such that strictly more than half of the voters gave
  g or better.
- Ranking: by majority value, the usual tie-break of majority judgment: compare the majority grades; if equal,
  remove one such grade from both and compare again, and so on. Equivalently, walk outwards from the middle of
  the sorted grades (lower side first when the number of voters is even, upper side first when it is odd) and
  the first position where two projects differ decides. Projects with identical grade distributions are
  ordered by the published tie-break (lowest cost, most voters who graded it, drawn order).
- Funding: in that order, each project that fits in what is left (projects nobody graded are never funded).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from . import explain
from .model import ProjectResult
from .profile import Profile
from .ties import tie_keys


def grade_counts(profile: Profile) -> np.ndarray:
    """(projects × grades) weighted counts, blanks counted in the lowest grade."""
    n_grades = len(profile.election.grades or ())
    n_projects = len(profile.costs)
    w = profile.weights[profile.flat_ballot]
    flat = profile.flat_project * n_grades + profile.flat_value
    counts = np.rint(np.bincount(flat, weights=w, minlength=n_projects * n_grades)).astype(np.int64)
    counts = counts.reshape(n_projects, n_grades)
    counts[:, -1] += profile.total_voters - counts.sum(axis=1)
    return counts


def majority_grade(counts: Sequence[int]) -> int:
    total = int(sum(counts))
    cum = 0
    for g, c in enumerate(counts):
        cum += int(c)
        if 2 * cum > total:
            return g
    return len(counts) - 1


def compare(x: Sequence[int], y: Sequence[int]) -> int:
    """-1 if grade distribution x ranks before y by majority value, 1 if after, 0 if identical."""
    n = int(sum(x))
    if n == 0:
        return 0
    cx, cy = np.cumsum(x), np.cumsum(y)
    # Positions 0..n-1 of the sorted grades; both step functions are constant between these breakpoints.
    points = sorted({0, n, *map(int, cx), *map(int, cy)})
    mid = n // 2
    low_diff = up_diff = None  # nearest differing position at or below / at or above the middle
    low_sign = up_sign = 0
    for start, end in zip(points, points[1:], strict=False):
        if start >= end or start >= n:
            continue
        gx = int(np.searchsorted(cx, start, side="right"))
        gy = int(np.searchsorted(cy, start, side="right"))
        if gx == gy:
            continue
        sign = -1 if gx < gy else 1
        last = end - 1
        if start <= mid:
            p = min(last, mid)
            if low_diff is None or p > low_diff:
                low_diff, low_sign = p, sign
        if last >= mid:
            p = max(start, mid)
            if up_diff is None or p < up_diff:
                up_diff, up_sign = p, sign
    if low_diff is None and up_diff is None:
        return 0
    d_low = mid - low_diff if low_diff is not None else None
    d_up = up_diff - mid if up_diff is not None else None
    if d_up is None:
        return low_sign
    if d_low is None:
        return up_sign
    if d_low != d_up:
        return low_sign if d_low < d_up else up_sign
    # Same distance from the middle: even number of voters looks below first, odd above first.
    return low_sign if n % 2 == 0 else up_sign


def run_majority_judgment(profile: Profile, drawn_order: Sequence[str]) -> tuple[list[int], dict[str, ProjectResult]]:
    ids = profile.ids
    grades = profile.election.grades or ()
    counts = grade_counts(profile)
    keys = tie_keys(ids, profile.costs, profile.supporters, drawn_order)

    def order(i: int, j: int) -> int:
        c = compare(counts[i], counts[j])
        if c:
            return c
        return -1 if keys[i] < keys[j] else (1 if keys[i] > keys[j] else 0)

    ranking = sorted(range(len(ids)), key=functools.cmp_to_key(order))
    total = profile.total_voters
    remaining = int(profile.election.budget)
    selected: list[int] = []
    results: dict[str, ProjectResult] = {}
    for position, j in enumerate(ranking, start=1):
        g = majority_grade(counts[j])
        at_least = int(counts[j][: g + 1].sum())
        params = {
            "position": position,
            "grade": grades[g] if g < len(grades) else str(g),
            "grade_index": g,
            "better_or_equal_percent": round(100 * at_least / total, 1) if total else 0.0,
            "better_percent": round(100 * int(counts[j][:g].sum()) / total, 1) if total else 0.0,
            "worse_percent": round(100 * int(counts[j][g + 1:].sum()) / total, 1) if total else 0.0,
        }
        cost = int(profile.costs[j])
        supporters = int(profile.supporters[j])
        if supporters == 0:
            reason, chosen, params = explain.NO_SUPPORT, False, {}
        elif cost <= remaining:
            reason, chosen = explain.MAJORITY_GRADE, True
            params["remaining_before"] = remaining
            selected.append(j)
            remaining -= cost
        else:
            reason, chosen = explain.MAJORITY_GRADE_DID_NOT_FIT, False
            params.update(remaining=remaining, cost=cost)
        results[ids[j]] = ProjectResult(project_id=ids[j], selected=chosen, rank=position, score=g,
                                        supporters=supporters, reason=reason, params=params)
    return selected, results
