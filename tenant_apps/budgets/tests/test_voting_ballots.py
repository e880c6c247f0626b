"""Each kind of ballot: what is valid, and what the voter is told when it is not."""

import pytest

from tenant_apps.budgets.ballots import ballot_clean, ballot_problems
from tenant_apps.budgets.models import BallotKind, CountingRule
from tenant_apps.budgets.tests.factories import budget_make, edition_make, edition_voting
from tenant_apps.budgets.tests.test_voting_support import edition_with

pytestmark = pytest.mark.django_db


def _codes(budget, choices):
    return [p.code for p in ballot_problems(budget, choices)]


def _ids(projects, *values):
    return {str(p.pk): v for p, v in zip(projects, values, strict=False) if v is not None}


def test_approval_counts_the_chosen_projects(in_a):
    _edition, budget, projects = edition_voting(min_choices=2, max_choices=3)
    assert _codes(budget, _ids(projects, 1, 1)) == []
    assert _codes(budget, _ids(projects, 1, 1, 1)) == []
    assert _codes(budget, _ids(projects, 1)) == ["too_few"]
    problems = ballot_problems(budget, _ids(projects, 1, 1, 1, 1))
    assert [p.code for p in problems] == ["too_many"]
    assert "4" in problems[0].message and "3" in problems[0].message
    assert _codes(budget, {str(projects[0].pk): 2, str(projects[1].pk): 1}) == ["invalid_value"]


def test_only_projects_on_this_ballot_count(in_a):
    _edition, ((budget, projects), (_other, other_projects)) = edition_with({}, {"name": "Autre enveloppe"})
    assert "unknown_project" in _codes(budget, {str(other_projects[0].pk): 1})
    assert "unknown_project" in _codes(budget, {"999999": 1})
    assert "unknown_project" in _codes(budget, {"abc": 1, str(projects[0].pk): 1})


def test_knapsack_must_fit_the_envelope_and_use_enough_of_it(in_a):
    # Costs 40 000, 30 000, 50 000, 20 000 in an envelope of 100 000.
    _edition, budget, projects = edition_voting(ballot_kind=BallotKind.KNAPSACK, min_share_percent=50,
                                                max_choices=0)
    assert _codes(budget, _ids(projects, 1, 1, None, 1)) == []  # 90 000
    problems = ballot_problems(budget, _ids(projects, 1, 1, 1))  # 120 000
    assert [p.code for p in problems] == ["over_budget"]
    assert "20\u202f000\u00a0€" in problems[0].message and "100\u202f000\u00a0€" in problems[0].message
    assert _codes(budget, _ids(projects, None, None, None, 1)) == ["under_min_share"]  # 20 000 < 50 000


def test_cumulative_points(in_a):
    _edition, budget, projects = edition_voting(ballot_kind=BallotKind.CUMULATIVE, max_points_per_project=3,
                                                max_total_points=5)
    assert _codes(budget, _ids(projects, 3, 2)) == []
    assert _codes(budget, _ids(projects, 3, 0, 0, 0)) == []  # zeros are "not chosen"
    assert _codes(budget, _ids(projects, 4)) == ["too_many_points_for_project"]
    assert _codes(budget, _ids(projects, 3, 3)) == ["too_many_points"]
    assert _codes(budget, _ids(projects, 0, 0)) == ["no_points"]
    assert _codes(budget, _ids(projects, -1)) == ["invalid_value"]
    assert ballot_clean(budget, _ids(projects, 3, 0, 2)) == _ids(projects, 3, None, 2)


def test_ordinal_ranks_without_gaps_or_repeats(in_a):
    _edition, budget, projects = edition_voting(ballot_kind=BallotKind.ORDINAL, points_by_rank=[3, 2, 1],
                                                min_choices=1, max_choices=0)
    assert _codes(budget, _ids(projects, 2, 1, 3)) == []
    assert _codes(budget, _ids(projects, 1, 3)) == ["rank_gap"]
    assert _codes(budget, _ids(projects, 1, 1)) == ["repeated_rank"]
    assert _codes(budget, _ids(projects, 1, 2, 3, 4)) == ["too_many_ranked"]  # 3 points by rank
    assert _codes(budget, _ids(projects, 0)) == ["invalid_ranks"]
    assert _codes(budget, {}) == ["too_few"]


def test_majority_judgment_grades_every_project(in_a):
    _edition, budget, projects = edition_voting(ballot_kind=BallotKind.MAJORITY_JUDGMENT,
                                                counting_rule=CountingRule.MAJORITY_JUDGMENT)
    assert len(budget.grades) == 6
    assert _codes(budget, _ids(projects, 0, 5, 2, 1)) == []
    assert _codes(budget, _ids(projects, 0, 6, 2, 1)) == ["invalid_grade"]
    problems = ballot_problems(budget, _ids(projects, 0, 1, 2))
    assert [p.code for p in problems] == ["ungraded"] and problems[0].project_id == projects[3].pk


def test_an_edition_not_yet_voting_has_the_same_rules(in_a):
    edition = edition_make()
    budget, projects = budget_make(edition, max_choices=1)
    assert _codes(budget, _ids(projects, 1, 1)) == ["too_many"]
