"""`validate_ballot`: what the voting site and imports accept, kind by kind."""

import pytest

from tenant_apps.budgets.counting import BallotKind, Election, Project, validate_ballot

PROJECTS = (Project("a", 300), Project("b", 500), Project("c", 200), Project("d", 100))


def election(kind, **params):
    return Election(budget=1000, projects=PROJECTS, kind=kind, **params)


@pytest.mark.parametrize(("params", "ballot", "errors"), [
    ({"min_length": 1, "max_length": 2}, {"a": 1}, []),
    ({"min_length": 1, "max_length": 2}, {"a": 1, "b": 1}, []),
    ({"min_length": 1, "max_length": 2}, {}, ["too_few"]),
    ({"min_length": 1, "max_length": 2}, {"a": 1, "b": 1, "c": 1}, ["too_many"]),
    ({}, {"z": 1}, ["unknown_project"]),
    ({}, {"a": 2}, ["invalid_value"]),
    ({}, {"a": True}, ["invalid_value"]),
])
def test_approval(params, ballot, errors):
    assert validate_ballot(election(BallotKind.APPROVAL, **params), ballot) == errors


@pytest.mark.parametrize(("params", "ballot", "errors"), [
    ({}, {"a": 1, "b": 1, "c": 1}, []),  # 1 000 exactly: allowed
    ({}, {"a": 1, "b": 1, "c": 1, "d": 1}, ["over_budget"]),
    ({"min_share": 0.5}, {"c": 1, "d": 1}, ["under_min_share"]),
    ({"min_share": 0.5}, {"b": 1}, []),
    ({}, {"x": 1}, ["unknown_project"]),
])
def test_knapsack(params, ballot, errors):
    assert validate_ballot(election(BallotKind.KNAPSACK, **params), ballot) == errors


@pytest.mark.parametrize(("ballot", "errors"), [
    ({"a": 3, "b": 2, "c": 2}, []),
    ({"a": 4}, ["too_many_points_for_project"]),
    ({"a": 3, "b": 3, "c": 2}, ["too_many_points"]),
    ({"a": 0}, ["invalid_value"]),
    ({"a": 1.5}, ["invalid_value"]),
])
def test_cumulative(ballot, errors):
    e = election(BallotKind.CUMULATIVE, max_points_per_project=3, max_total_points=7)
    assert validate_ballot(e, ballot) == errors


@pytest.mark.parametrize(("ballot", "errors"), [
    ({"a": 1, "b": 2, "c": 3}, []),
    ({"a": 1, "b": 3}, ["invalid_ranks", "too_few"]),
    ({"a": 1, "b": 1, "c": 2}, ["invalid_ranks"]),
    ({"a": 2, "b": 1, "c": 3, "d": 4}, ["too_many"]),
])
def test_ordinal(ballot, errors):
    e = election(BallotKind.ORDINAL, min_length=3, max_length=3, points_by_rank=(3, 2, 1))
    assert validate_ballot(e, ballot) == errors


@pytest.mark.parametrize(("ballot", "errors"), [
    ({"a": 0, "b": 2}, []),
    ({}, []),
    ({"a": 3}, ["invalid_grade"]),
    ({"a": -1}, ["invalid_grade"]),
])
def test_majority_judgment(ballot, errors):
    e = election(BallotKind.MAJORITY_JUDGMENT, grades=("bien", "moyen", "insuffisant"))
    assert validate_ballot(e, ballot) == errors
