"""pabutools (the reference implementation, GPL, tests and benchmarks only) set up to count like the engine.

- satisfaction: for greedy, a measure whose "satisfaction per unit of cost" is our score (votes or points),
  since pabutools' greedy ranks by satisfaction / cost; for MES, cost utilities for approval ballots
  (pabutools' Cost_Sat) and points for cumulative and ranked ballots;
- ties: the engine's published rule (lowest cost, most supporters, then ids in natural order: no drawn order
  in these tests) as a pabutools TieBreakingRule. `lexico_tie_breaking` (pabutools' default: ids compared as
  strings) is used where a test shows the difference explicitly.
"""

import os
from fractions import Fraction
from pathlib import Path

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.election.satisfaction import AdditiveSatisfaction
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from tenant_apps.budgets.counting import BallotKind, Election
from tenant_apps.budgets.counting.ties import natural_key

DATA = Path(os.environ.get("PARVIS_PABULIB_DIR") or Path(__file__).resolve().parent / "data")
FILES = {
    "toulouse": "France_Toulouse_2019.pb",
    "krakow": "Poland_Krakow_2019_Debniki.pb",
    "assen": "Netherlands_Assen_2024.pb",
    "amsterdam": "Netherlands_Amsterdam_524.pb",
    "cambridge": "US_Stanford_Dataset_PB_Cambridge_2015_vote_knapsacks.pb",
}


def path(key: str) -> Path:
    return DATA / FILES[key]


def _in_memory(election: Election):
    """The election as pabutools objects (for generated elections)."""
    from pabutools.election import (
        ApprovalBallot,
        ApprovalProfile,
        CumulativeBallot,
        CumulativeProfile,
        Instance,
        OrdinalBallot,
        OrdinalProfile,
        Project,
    )

    by_id = {p.id: Project(p.id, p.cost) for p in election.projects}
    instance = Instance(by_id.values(), budget_limit=election.budget)
    if election.kind == BallotKind.CUMULATIVE:
        profile = CumulativeProfile([CumulativeBallot({by_id[k]: v for k, v in b.items()}) for b in election.ballots])
    elif election.kind == BallotKind.ORDINAL:
        profile = OrdinalProfile([OrdinalBallot([by_id[k] for k in sorted(b, key=b.__getitem__)])
                                  for b in election.ballots])
    else:
        profile = ApprovalProfile([ApprovalBallot([by_id[k] for k in b]) for b in election.ballots])
    return instance, profile


def _sat(func):
    class Sat(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):
            super().__init__(instance, profile, ballot, lambda inst, prof, b, p, pre: func(b, p))

    return Sat


class Reference:
    """One pabulib file parsed by pabutools, with satisfaction measures matching the engine's scores."""

    def __init__(self, key: str | None, election: Election):
        if key is None:
            self.instance, self.profile = _in_memory(election)
        else:
            self.instance, self.profile = parse_pabulib(str(path(key)))
        self.election = election
        kind = election.kind

        if kind == BallotKind.ORDINAL:
            def points(ballot, project):
                return election.rank_points(ballot.index(project) + 1) if project in ballot else 0
        elif kind == BallotKind.CUMULATIVE:
            def points(ballot, project):
                return ballot.get(project, 0)
        else:
            points = None
        if points is None:
            self.mes_sat = Cost_Sat
            self.greedy_sat = Cost_Sat  # cost x approval: satisfaction per unit of cost = votes
        else:
            self.mes_sat = _sat(points)
            self.greedy_sat = _sat(lambda b, p: points(b, p) * p.cost)
        supporters = {}
        for ballot in self.profile:
            for project in ballot:
                if points is None or points(ballot, project) > 0:
                    supporters[project.name] = supporters.get(project.name, 0) + self.profile.multiplicity(ballot)
        self.supporters = supporters
        self.tie_breaking = TieBreakingRule(
            lambda inst, prof, proj: (proj.cost, -supporters.get(proj.name, 0), natural_key(proj.name)))

    def greedy(self, tie_breaking=None, initial=None) -> set[str]:
        out = greedy_utilitarian_welfare(self.instance, self.profile, sat_class=self.greedy_sat,
                                         is_sat_additive=True, tie_breaking=tie_breaking or self.tie_breaking,
                                         initial_budget_allocation=self._projects(initial))
        return {p.name for p in out}

    def mes(self, *, increments: int = 0, add1: bool = False) -> set[str]:
        """pabutools' MES with each voter's share = budget / voters + `increments` (exact fractions)."""
        instance = self.instance
        if increments:
            instance = self.instance.__class__(self.instance, budget_limit=self.instance.budget_limit
                                               + Fraction(increments * self.profile.num_ballots()))
            instance.project_meta = self.instance.project_meta
        out = method_of_equal_shares(instance, self.profile, sat_class=self.mes_sat,
                                     tie_breaking=self.tie_breaking, voter_budget_increment=1 if add1 else None)
        return {p.name for p in out}

    def _projects(self, names):
        if not names:
            return None
        by_name = {p.name: p for p in self.instance}
        return [by_name[n] for n in names]
