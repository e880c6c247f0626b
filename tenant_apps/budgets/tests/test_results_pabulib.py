"""Open data: a budget exported as a pabulib file reads back the same, names nobody, and pabulib files import
as budgets whose count gives the official result."""

import datetime as dt
import random
from pathlib import Path

import pytest
from django.utils import timezone

from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets import pb_io
from tenant_apps.budgets.counting import read_pb, tally
from tenant_apps.budgets.models import Ballot, BallotKind, Budget, Channel, CountingRule, Project
from tenant_apps.budgets.services.results import result_compute, result_publish
from tenant_apps.budgets.tests.factories import edition_make, edition_voting, phases_shift_to, vote_closed
from tenant_apps.budgets.tests.test_results_helpers import ballots_add
from tenant_apps.participation.models import Phase
from tenant_apps.participation.tests.factories import account

pytestmark = pytest.mark.django_db

# The real elections of pabulib, kept with the engine's tests (data, not code).
DATA = Path(__file__).parent / "counting" / "data"
SHARED_FILES = sorted(DATA.glob("*.pb"))


def published_budget(**kwargs):
    admin = account("city_admin")
    edition, budget, projects = edition_voting(**kwargs)
    return admin, edition, budget, projects


def test_export_reads_back_to_the_same_election(in_a, tmp_path):
    admin, edition, budget, (p1, p2, p3, p4) = published_budget(title="Budget export")
    ballots_add(budget, [[p3.pk, p1.pk]] * 4 + [[p3.pk, p2.pk]] + [[p2.pk]] * 2 + [[p4.pk]])
    vote_closed(edition)
    result = result_publish(result=result_compute(budget=budget, actor=admin), actor=admin)
    filename, text = pb_io.budget_pb_export(budget=budget, rng=random.Random(1))  # noqa: S311 - a fixed order for the test
    assert filename.endswith(".pb")
    pb = read_pb(text)
    assert pb.meta["country"] == "France" and pb.meta["currency"] == "EUR" and pb.meta["language"] == "fr"
    assert pb.meta["unit"] == "Ville A" and pb.meta["instance"] == "Budget export"
    assert pb.meta["vote_type"] == "approval" and pb.meta["num_votes"] == "8" and pb.meta["budget"] == "100000"
    assert {p["project_id"]: int(p["cost"]) for p in pb.projects} == {str(p.pk): p.cost for p in (p1, p2, p3, p4)}
    assert pb.selected == {str(pk) for pk in result.selected}
    votes = sorted(tuple(sorted(row["vote"].split(","))) for row in pb.votes)
    expected = sorted(tuple(sorted(str(pk) for pk in b.choices)) for b in Ballot.objects.filter(budget=budget))
    assert votes == expected
    assert set(tally(pb.election(), "greedy").selected) == pb.selected

    from pabutools.election import parse_pabulib

    (tmp_path / filename).write_text(text, encoding="utf-8")
    instance, profile = parse_pabulib(str(tmp_path / filename))
    assert len(instance) == 4 and profile.num_ballots() == 8
    assert int(instance.budget_limit) == 100_000


def test_export_names_nobody(in_a):
    admin, edition, budget, projects = published_budget(title="Budget anonyme")
    voter = account("citizen", email="electrice.secrete@exemple.fr", full_name="Électrice Secrète")
    ballots_add(budget, [[projects[0].pk]] * 3)
    vote_closed(edition)
    result_publish(result=result_compute(budget=budget, actor=admin), actor=admin)
    _name, text = pb_io.budget_pb_export(budget=budget)
    for secret in ("@", "electrice", "Secrète", admin.email, str(voter.pk) + ";", "polling", "created"):
        assert secret not in text
    assert [row.split(";")[0] for row in text.split("VOTES\n")[1].splitlines()[1:]] == ["1", "2", "3"]


def test_export_is_refused_before_publication(in_a, client_a):
    from django.urls import reverse

    _admin, edition, budget, _projects = published_budget(title="Budget pas publié")
    with pytest.raises(NotAllowed):
        pb_io.budget_pb_export(budget=budget)
    assert client_a.get(reverse("budgets:results_pb", kwargs={"pk": budget.pk})).status_code == 404


def test_cumulative_export_keeps_the_points(in_a):
    admin, edition, budget, (p1, p2, p3, p4) = published_budget(
        title="Budget points", ballot_kind=BallotKind.CUMULATIVE, max_points_per_project=3, max_total_points=5)
    ballots_add(budget, [[]] * 2, values=[{p1.pk: 3, p2.pk: 2}, {p3.pk: 1}])
    vote_closed(edition)
    result_publish(result=result_compute(budget=budget, actor=admin), actor=admin)
    pb = read_pb(pb_io.budget_pb_export(budget=budget)[1])
    assert pb.meta["vote_type"] == "cumulative" and pb.meta["max_points"] == "3" and pb.meta["max_sum_points"] == "5"
    assert sorted(sorted(b.items()) for b in pb.election().ballots) == sorted(
        [sorted({str(p1.pk): 3, str(p2.pk): 2}.items()), [(str(p3.pk), 1)]])


def past_edition(title: str, admin=None):
    edition = edition_make(title=title, admin=admin)
    phases_shift_to(edition, 5)  # evaluation: only the last phase is left...
    last = edition.process.phases.order_by("position").last()
    Phase.objects.filter(pk=last.pk).update(ends_at=timezone.now() - dt.timedelta(hours=1))  # ...and it is over
    edition.process.refresh_from_db()
    return edition


def test_import_of_assen_reproduces_its_official_result(in_a):
    admin = account("city_admin")
    edition = past_edition("Assen 2024")
    text = (DATA / "Netherlands_Assen_2024.pb").read_text(encoding="utf-8")
    made = pb_io.pb_import(edition=edition, actor=admin, text=text)
    budget = made.budget
    assert budget.amount == 100_000 and budget.counting_rule == CountingRule.MES_ADD1
    assert Project.objects.filter(budget=budget, state=Project.State.ON_BALLOT).count() == 14
    assert Ballot.objects.filter(budget=budget, channel=Channel.IMPORT).count() == 84
    assert not budget.voter_marks.exists()
    result = result_compute(budget=budget, actor=admin)
    official = read_pb(text).selected
    assert {made.projects[pid].pk for pid in official} == set(result.selected)


@pytest.mark.parametrize("path", SHARED_FILES, ids=lambda p: p.stem)
def test_import_of_each_real_election(in_a, path):
    admin = account("city_admin")
    edition = past_edition(f"Import {path.stem}")
    text = path.read_text(encoding="utf-8")
    pb = read_pb(text)
    made = pb_io.pb_import(edition=edition, actor=admin, text=text)
    assert Project.objects.filter(budget=made.budget).count() == len(pb.projects)
    assert Ballot.objects.filter(budget=made.budget).count() == len(pb.votes)
    # Imported ballots can be counted at once; the engine on the file and on the database agree.
    result = result_compute(budget=made.budget, actor=admin)
    expected = tally(pb.election(), made.budget.counting_rule).selected
    assert {made.projects[pid].pk for pid in expected} == set(result.selected)
    if pb.selected is not None:
        assert {made.projects[pid].pk for pid in pb.selected} == set(result.selected)


@pytest.mark.parametrize("text", [
    "not a pabulib file at all",
    "META\nkey;value\nbudget;1000\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;500\nVOTES\nvoter_id;vote\n1;1,9\n",
    "META\nkey;value\nbudget;1000\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;abc\n",
    "META\nkey;value\nbudget;1000\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;0\n",
    "META\nkey;value\nbudget;1000\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;500\n",
], ids=["not_pb", "unknown_project", "bad_cost", "zero_cost", "short_row"])
def test_malformed_files_write_nothing(in_a, text):
    admin = account("city_admin")
    edition = past_edition("Import refusé")
    before = (Budget.objects.count(), Project.objects.count(), Ballot.objects.count())
    with pytest.raises(Invalid) as refused:
        pb_io.pb_import(edition=edition, actor=admin, text=text)
    assert "cannot be imported" in refused.value.message or "importé" in refused.value.message
    assert (Budget.objects.count(), Project.objects.count(), Ballot.objects.count()) == before


def test_import_is_refused_while_an_edition_runs_or_is_to_come(in_a):
    admin = account("city_admin")
    edition, _budget, _projects = edition_voting(title="Budget en cours")
    with pytest.raises(NotAllowed) as refused:
        pb_io.pb_import(edition=edition, actor=admin, text=(DATA / "Netherlands_Assen_2024.pb").read_text())
    assert refused.value.code == "edition_running"
    assert edition.budgets.count() == 1
    # Imported ballots must not mix with a vote to come either.
    upcoming = edition_make(title="Budget à venir")
    with pytest.raises(NotAllowed):
        pb_io.pb_import(edition=upcoming, actor=admin, text=(DATA / "Netherlands_Assen_2024.pb").read_text())
    assert upcoming.budgets.count() == 0


def test_import_page_shows_the_reason_of_a_refusal(in_a, client_a):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tenant_apps.participation.tests.factories import city_admin

    admin = city_admin()
    edition = past_edition("Budget import page", admin=admin)
    client_a.force_login(admin)
    url = reverse("budgets:pb_import", kwargs={"slug": edition.process.slug})
    bad = client_a.post(url, {"file": SimpleUploadedFile("x.pb", b"META\nkey;value\n")})
    assert bad.status_code == 400
    assert 'aria-invalid="true"' in bad.content.decode() or "errorlist" in bad.content.decode()
    good = client_a.post(url, {"file": SimpleUploadedFile(
        "assen.pb", (DATA / "Netherlands_Assen_2024.pb").read_bytes()), "name": "Assen pour comparer"})
    assert good.status_code == 302
    assert Budget.objects.filter(edition=edition, name="Assen pour comparer").exists()
