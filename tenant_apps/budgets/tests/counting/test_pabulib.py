"""pabulib I/O: what `write_pb` writes, `read_pb` and pabutools' parser read back as the same election."""

import random
from collections import Counter

import pytest
from pabutools.election import parse_pabulib

from tenant_apps.budgets.counting import BallotKind, CountingError, Election, Project, read_pb, write_pb

from .reference import FILES, path

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _multiset(ballots):
    return Counter(tuple(sorted(b.items())) for b in ballots)


@pytest.mark.parametrize("key", list(FILES))
def test_real_file_round_trip(key, tmp_path):
    election = read_pb(path(key)).election()
    target = tmp_path / "out.pb"
    write_pb(election, meta={"description": "Round trip; \"quoted\"", "rule": "greedy"}, path=target,
             rng=random.Random(1), selected=[election.projects[0].id])  # noqa: S311 (seeded: reproducible)
    again = read_pb(target)
    back = again.election()
    assert back.projects == tuple(Project(p.id, p.cost, " ".join(p.name.split())) for p in election.projects)
    assert back.kind == election.kind and back.budget == election.budget
    assert (back.min_length, back.max_length) == (election.min_length, election.max_length)
    assert _multiset(back.ballots) == _multiset(election.ballots)
    assert again.meta["description"] == 'Round trip; "quoted"'
    assert again.selected == {election.projects[0].id}
    # Voter ids are 1..n, in a shuffled order of the ballots.
    assert [v["voter_id"] for v in again.votes] == [str(i) for i in range(1, len(election.ballots) + 1)]
    assert list(back.ballots) != list(election.ballots)

    instance, profile = parse_pabulib(str(target))
    assert {p.name: int(p.cost) for p in instance} == {p.id: p.cost for p in election.projects}
    assert int(instance.budget_limit) == election.budget
    if election.kind == BallotKind.ORDINAL:
        theirs = Counter(tuple((p.name, rank) for rank, p in enumerate(b, start=1)) for b in profile)
        ours = Counter(tuple(sorted(b.items(), key=lambda kv: kv[1])) for b in election.ballots)
    elif election.kind == BallotKind.CUMULATIVE:
        theirs = Counter(tuple(sorted((p.name, int(v)) for p, v in b.items())) for b in profile)
        ours = _multiset(election.ballots)
    else:
        theirs = Counter(tuple(sorted((p.name, 1) for p in b)) for b in profile)
        ours = _multiset(election.ballots)
    assert theirs == ours


def test_weights_are_written_once_per_voter_and_names_are_quoted():
    election = Election(budget=100, projects=(Project("1", 40, 'Parc; "vert"\nnouveau'), Project("2", 70)),
                        kind=BallotKind.CUMULATIVE, ballots=[{"1": 2, "2": 1}, {"2": 3}], weights=[2, 1],
                        max_points_per_project=3, max_total_points=3)
    text = write_pb(election, rng=random.Random(0))  # noqa: S311 (seeded: reproducible)
    assert '"Parc; ""vert"" nouveau"' in text
    back = read_pb(text)
    assert back.meta["num_votes"] == "3" and back.meta["max_points"] == "3"
    assert _multiset(back.election().ballots) == Counter({(("1", 2), ("2", 1)): 2, (("2", 3),): 1})
    assert [p["votes"] for p in back.projects] == ["2", "3"]
    assert [p["score"] for p in back.projects] == ["4", "5"]


@pytest.mark.parametrize(("text", "code"), [
    ("hello", "invalid_pb"),
    ("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n1;2\n",
     "unknown_project"),
    ("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5;9\n", "invalid_pb"),
    ("META\nkey;value\nbudget;ten\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\n", "invalid_pb"),
    ("META\nkey;value\nbudget;10\nvote_type;spending\nPROJECTS\nproject_id;cost\n1;5\n", "unsupported_vote_type"),
])
def test_bad_files_raise_a_counting_error_with_a_code(text, code):
    with pytest.raises(CountingError) as caught:
        read_pb(text).election()
    assert caught.value.code == code


def test_majority_judgment_cannot_be_written():
    election = Election(budget=1, projects=(Project("a", 1),), kind=BallotKind.MAJORITY_JUDGMENT, grades=("ok",))
    with pytest.raises(CountingError):
        write_pb(election)
