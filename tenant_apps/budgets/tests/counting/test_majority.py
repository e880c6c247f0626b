"""Majority judgment: a worked example in the style of Paris's 2021 participatory budget, and the majority
value tie-break checked against its definition (repeatedly remove the majority grade)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.budgets.counting import BallotKind, CountingError, Election, Project, Rule, tally
from tenant_apps.budgets.counting.majority import compare, majority_grade

GRADES = ("Très bien", "Bien", "Assez bien", "Passable", "Insuffisant", "À rejeter")


def _ballots(columns: dict[str, list[int | None]]) -> list[dict[str, int]]:
    voters = len(next(iter(columns.values())))
    return [{pid: grades[v] for pid, grades in columns.items() if grades[v] is not None} for v in range(voters)]


def worked_example():
    # Ten voters. None = not graded, which counts as the lowest grade ("À rejeter").
    columns = {
        "jardin": [0, 0, 0, 1, 1, 1, 2, 2, 3, 4],      # majority grade Bien
        "pistes": [0, 0, 1, 1, 1, 1, 2, 2, 3, 3],      # Bien too: tie broken by majority value
        "kiosque": [1, 1, 2, 2, 2, 2, 3, 3, 4, 5],     # Assez bien
        "fontaine": [0, 1, 2, None, None, None, None, 3, 3, 2],  # blanks = À rejeter: Passable
    }
    projects = (Project("jardin", 60_000), Project("pistes", 50_000), Project("kiosque", 45_000),
                Project("fontaine", 30_000), Project("banc", 5_000))
    return Election(budget=120_000, projects=projects, kind=BallotKind.MAJORITY_JUDGMENT,
                    ballots=_ballots(columns), grades=GRADES)


def test_worked_example_majority_grades_ranking_and_funding():
    outcome = tally(worked_example(), Rule.MAJORITY_JUDGMENT)
    r = outcome.results
    assert [r[p].params["grade"] for p in ("jardin", "pistes", "kiosque", "fontaine")] == \
        ["Bien", "Bien", "Assez bien", "Passable"]
    # jardin and pistes share "Bien". Sorted grades (0 = best): jardin 0,0,0,1,1,1,2,2,3,4 and pistes
    # 0,0,1,1,1,1,2,2,3,3. Removing the majority grade one at a time gives Bien, Bien, Assez bien, Bien, Assez
    # bien, then Très bien for jardin but Bien for pistes: jardin ranks first.
    assert [r[p].rank for p in ("jardin", "pistes", "kiosque", "fontaine", "banc")] == [1, 2, 3, 4, 5]
    # 120 000: jardin (60 000) and pistes (50 000) fit, kiosque (45 000) does not with 10 000 left, fontaine
    # does not either; banc was graded by nobody: never funded.
    assert outcome.selected == ("jardin", "pistes")
    assert r["kiosque"].reason == "majority_grade_did_not_fit"
    assert r["kiosque"].params["remaining"] == 10_000
    assert r["banc"].reason == "no_support"
    assert r["jardin"].reason == "majority_grade"
    assert r["jardin"].params["better_or_equal_percent"] == 60.0


def test_identical_grades_follow_the_published_tie_break():
    election = Election(budget=100, projects=(Project("a", 60), Project("b", 50), Project("c", 50)),
                        kind=BallotKind.MAJORITY_JUDGMENT, grades=("bon", "moyen", "mauvais"),
                        ballots=[{"a": 0, "b": 0, "c": 0}, {"a": 1, "b": 1, "c": 1}])
    assert tally(election, Rule.MAJORITY_JUDGMENT, drawn_order=["c", "b"]).selected == ("c", "b")
    assert tally(election, Rule.MAJORITY_JUDGMENT).selected == ("b", "c")


def test_majority_judgment_rule_only_counts_graded_ballots():
    election = worked_example()
    try:
        tally(election, Rule.GREEDY)
    except CountingError as exc:
        assert exc.code == "rule_not_for_ballot"
    else:
        raise AssertionError("greedy accepted majority judgment ballots")


def _majority_value(counts):
    """Definition: the sequence of lower medians obtained by removing the median grade one at a time."""
    grades = sorted(g for g, c in enumerate(counts) for _ in range(c))
    values = []
    while grades:
        values.append(grades.pop(len(grades) // 2))
    return values


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 3), min_size=n, max_size=n), st.lists(st.integers(0, 3), min_size=n, max_size=n))))
def test_compare_is_the_lexicographic_order_of_majority_values(pair):
    x = [pair[0].count(g) for g in range(4)]
    y = [pair[1].count(g) for g in range(4)]
    vx, vy = _majority_value(x), _majority_value(y)
    expected = (vx > vy) - (vx < vy)
    assert compare(x, y) == expected
    assert majority_grade(x) == vx[0]
