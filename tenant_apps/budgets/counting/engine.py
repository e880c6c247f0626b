"""`tally(election, rule)`: run a counting rule and explain every project's result."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import explain
from .greedy import greedy_order, run_greedy, utilitarian_completion
from .majority import run_majority_judgment
from .mes import MesEngine, MesRun, add1, money_left
from .model import BallotKind, CountingError, Election, Outcome, ProjectResult, Rule
from .profile import Profile, build_profile

MES_RULES = (Rule.MES, Rule.MES_ADD1, Rule.MES_ADD1_UTILITARIAN, Rule.MES_ADD1_COMPARISON)
GREEDY_RULES = (Rule.GREEDY, Rule.GREEDY_NO_SKIP, Rule.GREEDY_THRESHOLD)


def tally(election: Election, rule: Rule | str, *, threshold: int = 0, drawn_order: Sequence[str] = ()) -> Outcome:
    try:
        rule = Rule(rule)
    except ValueError:
        raise CountingError("unknown_rule", f"Unknown counting rule {rule!r}.") from None
    is_mj = election.kind == BallotKind.MAJORITY_JUDGMENT
    if is_mj != (rule == Rule.MAJORITY_JUDGMENT):
        raise CountingError("rule_not_for_ballot",
                            f"The rule {rule} cannot count {election.kind} ballots.")
    profile = build_profile(election)
    drawn_order = tuple(drawn_order)
    details: dict = {"voters": profile.total_voters, "score_unit": _score_unit(election.kind)}
    if rule in GREEDY_RULES:
        selected, results = run_greedy(profile, skip=rule != Rule.GREEDY_NO_SKIP,
                                       threshold=threshold if rule == Rule.GREEDY_THRESHOLD else 0,
                                       drawn_order=drawn_order)
        if rule == Rule.GREEDY_THRESHOLD:
            details["threshold"] = threshold
    elif rule == Rule.MAJORITY_JUDGMENT:
        selected, results = run_majority_judgment(profile, drawn_order)
        details["grades"] = list(election.grades or ())
    else:
        selected, results = _run_mes(profile, rule, drawn_order, details)
    ids = profile.ids
    return Outcome(rule=rule, selected=tuple(ids[j] for j in selected),
                   spent=int(sum(int(profile.costs[j]) for j in selected)), results=results, details=details,
                   budget=int(election.budget))


def _score_unit(kind: BallotKind) -> str:
    if kind in (BallotKind.CUMULATIVE, BallotKind.ORDINAL):
        return "points"
    if kind == BallotKind.MAJORITY_JUDGMENT:
        return "grade"
    return "votes"


def _run_mes(profile: Profile, rule: Rule, drawn_order: tuple, details: dict):
    election = profile.election
    engine = MesEngine(profile, drawn_order,
                       cost_utility=election.kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK))
    details["utility"] = "cost" if engine.cost_utility else "points"
    voters = max(profile.total_voters, 1)
    base_share = election.budget / voters
    if rule == Rule.MES or profile.total_voters == 0:
        run = engine.run(base_share)
        base_run = run
        details.update(share=round(base_share, 2))
    else:
        result = add1(engine)
        run, base_run = result.run, result.base
        details.update(share=round(run.share, 2), base_share=round(base_share, 2), increments=result.increments,
                       runs=result.runs)
    mes_selected = run.selected
    rank = _greedy_ranks(profile, drawn_order)
    results = _mes_results(profile, engine, run, base_run, rule != Rule.MES, rank)
    selected = list(mes_selected)

    if rule == Rule.MES_ADD1_UTILITARIAN:
        added = utilitarian_completion(profile, selected, drawn_order)
        remaining = int(election.budget) - int(sum(int(profile.costs[j]) for j in selected))
        for j in added:
            pid = profile.ids[j]
            results[pid] = _result(profile, j, rank, True, explain.SELECTED_BY_UTILITARIAN_COMPLETION,
                                   {"score": int(profile.score[j]), "remaining_before": remaining,
                                    "position": rank[j]})
            remaining -= int(profile.costs[j])
        selected += added
        for j, pid in enumerate(profile.ids):
            r = results[pid]
            if r.reason == explain.MES_SUPPORTERS_SHORT:
                results[pid] = _result(profile, j, rank, False, explain.MES_SHORT_AND_DID_NOT_FIT,
                                       {**r.params, "remaining": remaining})
        details["added_by_utilitarian_completion"] = [profile.ids[j] for j in added]

    if rule == Rule.MES_ADD1_COMPARISON:
        greedy_selected, greedy_results = run_greedy(profile, drawn_order=drawn_order)
        verdict = compare_outcomes(profile, selected, greedy_selected)
        details["comparison"] = verdict
        if verdict["kept"] == "greedy":
            selected = greedy_selected
            results = greedy_results
            for j in greedy_selected:
                pid = profile.ids[j]
                r = results[pid]
                results[pid] = ProjectResult(project_id=pid, selected=True, rank=r.rank, score=r.score,
                                             supporters=r.supporters, reason=explain.GREEDY_OUTCOME_PREFERRED,
                                             params={**r.params, "prefer_greedy": verdict["prefer_greedy"],
                                                     "prefer_mes": verdict["prefer_mes"]})
    return selected, results


def compare_outcomes(profile: Profile, mes_selected: Sequence[int], greedy_selected: Sequence[int]) -> dict:
    """equalshares.net's comparison step: each voter compares their satisfaction with the two outcomes (number
    of their approved projects selected; points for cumulative and ranked ballots); the greedy outcome is kept
    only if strictly more voters prefer it than prefer the equal-shares outcome (indifferent voters do not count)."""
    n_ballots = len(profile.weights)
    n_projects = len(profile.costs)
    utility = profile.flat_value.astype(np.float64) if profile.election.kind != BallotKind.ORDINAL else None
    if profile.election.kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        utility = np.ones(len(profile.flat_value))
    elif utility is None:
        e = profile.election
        top = int(profile.flat_value.max()) if len(profile.flat_value) else 0
        table = np.array([0] + [e.rank_points(r) for r in range(1, top + 1)], dtype=np.float64)
        utility = table[profile.flat_value]

    def satisfaction(selected: Sequence[int]) -> np.ndarray:
        chosen = np.zeros(n_projects, dtype=bool)
        chosen[list(selected)] = True
        take = chosen[profile.flat_project]
        return np.bincount(profile.flat_ballot[take], weights=utility[take], minlength=n_ballots)

    mes, greedy = satisfaction(mes_selected), satisfaction(greedy_selected)
    w = profile.weights
    prefer_mes = int(round(float(w[mes > greedy].sum())))
    prefer_greedy = int(round(float(w[greedy > mes].sum())))
    return {"kept": "greedy" if prefer_greedy > prefer_mes else "mes", "prefer_mes": prefer_mes,
            "prefer_greedy": prefer_greedy, "indifferent": profile.total_voters - prefer_mes - prefer_greedy,
            "greedy_selected": [profile.ids[j] for j in greedy_selected]}


def _greedy_ranks(profile: Profile, drawn_order: tuple) -> dict[int, int]:
    return {j: position for position, j in enumerate(greedy_order(profile, drawn_order), start=1)}


def _result(profile: Profile, j: int, rank: dict, chosen: bool, reason: str, params: dict) -> ProjectResult:
    return ProjectResult(project_id=profile.ids[j], selected=chosen, rank=rank[j], score=int(profile.score[j]),
                         supporters=int(profile.supporters[j]), reason=reason, params=params)


def _mes_results(profile: Profile, engine: MesEngine, run: MesRun, base_run: MesRun, completion: bool,
                 rank: dict) -> dict[str, ProjectResult]:
    results: dict[str, ProjectResult] = {}
    base = set(base_run.selected)
    share = round(run.share, 2)
    by_project = {s.project: s for s in run.selections}
    left = money_left(engine, run)
    for j, pid in enumerate(profile.ids):
        if profile.supporters[j] == 0:
            results[pid] = _result(profile, j, rank, False, explain.NO_SUPPORT, {})
            continue
        s = by_project.get(j)
        if s is not None:
            params = {"round": s.round, "per_supporter_payment": round(s.max_payment, 2),
                      "supporters": int(profile.supporters[j]), "payers_in_full": s.payers_in_full,
                      "share": share, "effective_votes": round(float(profile.costs[j]) / s.max_payment, 1)
                      if s.max_payment > 0 else None}
            if completion and j not in base:
                params["base_share"] = round(base_run.share, 2)
                results[pid] = _result(profile, j, rank, True, explain.MES_SELECTED_BY_COMPLETION, params)
            else:
                results[pid] = _result(profile, j, rank, True, explain.MES_SELECTED, params)
        else:
            results[pid] = _result(profile, j, rank, False, explain.MES_SUPPORTERS_SHORT,
                                   {"supporters_money": round(left[j], 2), "cost": int(profile.costs[j]),
                                    "share": share})
    return results
