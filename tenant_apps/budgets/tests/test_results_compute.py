"""Counting a budget: who may, when, and what the engine's result says on small elections reasoned by hand."""

import pytest
from django.utils import translation

from shared_apps.core.errors import NotAllowed
from tenant_apps.budgets.models import CountingRule, Result
from tenant_apps.budgets.services.results import (
    budget_election,
    reason_sentence,
    result_compute,
    results_compare,
)
from tenant_apps.budgets.tests.factories import edition_voting, vote_closed
from tenant_apps.budgets.tests.test_results_helpers import ballots_add
from tenant_apps.participation.tests.factories import account

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"


def euros(n: int) -> str:
    return f"{n:,}".replace(",", NNBSP) + NBSP + "€"


def greedy_case():
    """Costs 40k, 30k, 50k, 20k in a 100k envelope; votes p3 5, p1 4, p2 3, p4 1 (8 ballots)."""
    edition, budget, (p1, p2, p3, p4) = edition_voting()
    ballots_add(budget, [[p3.pk, p1.pk]] * 4 + [[p3.pk, p2.pk]] + [[p2.pk]] * 2 + [[p4.pk]])
    return edition, budget, (p1, p2, p3, p4)


def test_counting_is_refused_while_the_vote_is_open(in_a):
    admin = account("city_admin")
    _edition, budget, _projects = greedy_case()
    with pytest.raises(NotAllowed) as refused:
        result_compute(budget=budget, actor=admin)
    assert refused.value.code == "vote_not_closed"
    assert not Result.objects.filter(budget=budget).exists()


@pytest.mark.parametrize("role", ["citizen", "agent"])
def test_only_administrators_count(in_a, role):
    edition, budget, _projects = greedy_case()
    vote_closed(edition)
    with pytest.raises(NotAllowed):
        result_compute(budget=budget, actor=account(role))
    assert not Result.objects.filter(budget=budget).exists()


def test_greedy_count_matches_the_reasoning_by_hand(in_a):
    admin = account("city_admin")
    edition, budget, (p1, p2, p3, p4) = greedy_case()
    vote_closed(edition)
    result = result_compute(budget=budget, actor=admin)
    assert result.pk and not result.is_published
    assert result.ballots_counted == 8
    assert result.selected == [p3.pk, p1.pk]
    assert result.spent == 90_000
    by_id = result.projects
    assert by_id[str(p3.pk)] == {"selected": True, "rank": 1, "score": 5, "supporters": 5,
                                 "reason": "selected_by_score",
                                 "params": {"position": 1, "score": 5, "remaining_before": 100_000}}
    assert by_id[str(p1.pk)]["params"] == {"position": 2, "score": 4, "remaining_before": 50_000}
    assert by_id[str(p2.pk)]["reason"] == "did_not_fit"
    assert by_id[str(p2.pk)]["params"] == {"position": 3, "score": 3, "remaining": 10_000, "cost": 30_000}
    assert by_id[str(p4.pk)]["reason"] == "did_not_fit"


def test_greedy_without_skipping_stops_at_the_first_project_that_does_not_fit(in_a):
    admin = account("city_admin")
    edition, budget, (p1, p2, p3, p4) = greedy_case()
    vote_closed(edition)
    result = result_compute(budget=budget, actor=admin, rule=CountingRule.GREEDY_NO_SKIP)
    assert result.projects[str(p4.pk)]["reason"] == "stopped_at_first_unfit"
    assert result.projects[str(p4.pk)]["params"]["blocking_project"] == str(p2.pk)
    with translation.override("en"):
        text = reason_sentence(reason="stopped_at_first_unfit", params=result.projects[str(p4.pk)]["params"],
                               project=p4, score=1, supporters=1, titles={str(p2.pk): p2.title})
    assert p2.title in text and "(4th)" in text


def mes_case():
    """10+1 voters: 6 approve p3 and p1, 1 approves p3, 4 approve p2 and p4 (costs 40k, 30k, 50k, 20k; 100k).

    Share 100 000 / 11 = 9 090.91 €. For approval ballots a project's utility is its cost, so the project with
    the most supporters is the cheapest per unit. Round 1: p3 (7 supporters, 50 000 / 7 = 7 142.86 € each, leaving
    1 948.05 € each); p1's 6 supporters then hold 6 × 1 948.05 = 11 688.31 €, less than 40 000 €: not funded.
    Round 2: p4 (tie with p2 at 4 supporters, broken by the lower cost; 5 000 € each); p2's supporters then hold
    4 × 4 090.91 = 16 363.64 €, less than 30 000 €. By votes, p3 and p1 would win.
    """
    edition, budget, (p1, p2, p3, p4) = edition_voting(counting_rule=CountingRule.MES)
    ballots_add(budget, [[p3.pk, p1.pk]] * 6 + [[p3.pk]] + [[p2.pk, p4.pk]] * 4)
    return edition, budget, (p1, p2, p3, p4)


def test_equal_shares_fund_the_minority_too(in_a):
    admin = account("city_admin")
    edition, budget, (p1, p2, p3, p4) = mes_case()
    vote_closed(edition)
    result = result_compute(budget=budget, actor=admin)
    assert result.rule == CountingRule.MES
    assert result.selected == [p3.pk, p4.pk]
    assert result.spent == 70_000
    short = result.projects[str(p1.pk)]
    assert short["reason"] == "mes_supporters_short"
    assert short["params"]["supporters_money"] == pytest.approx(11_688.31, abs=0.01)
    assert short["params"]["share"] == pytest.approx(9_090.91, abs=0.01)
    assert result.projects[str(p3.pk)]["reason"] == "mes_selected"
    assert result.projects[str(p3.pk)]["params"]["round"] == 1
    assert result.projects[str(p4.pk)]["params"]["round"] == 2
    assert result.projects[str(p2.pk)]["reason"] == "mes_supporters_short"
    with translation.override("fr"):
        text = reason_sentence(reason=short["reason"], params=short["params"], project=p1, score=6, supporters=6)
    assert euros(11_688) in text and euros(40_000) in text and euros(9_091) in text


def test_methods_are_compared_without_saving(in_a):
    admin = account("city_admin")
    edition, budget, (p1, p2, p3, p4) = mes_case()
    vote_closed(edition)
    rows = {row["rule"]: row for row in results_compare(budget=budget, actor=account("agent"))}
    assert [p.pk for p in rows["greedy"]["selected"]] == [p3.pk, p1.pk]
    assert rows["greedy"]["spent"] == 90_000
    assert [p.pk for p in rows["mes"]["selected"]] == [p3.pk, p4.pk]
    assert rows["mes"]["is_budget_rule"]
    assert "majority-judgment" not in rows
    assert not Result.objects.filter(budget=budget).exists()
    assert admin  # the comparison needs no administrator


def test_identical_ballots_are_grouped_with_a_weight(in_a):
    _edition, budget, (p1, p2, p3, p4) = greedy_case()
    election = budget_election(budget)
    assert len(election.ballots) == 4
    assert sorted(election.weights) == [1, 1, 2, 4]
    assert sum(election.weights) == 8
