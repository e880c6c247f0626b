"""The vote's pages as people use them: the basket, the confirmation, the staff's desk and paper pages."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from tenant_apps.budgets.models import Ballot, BallotKind, PaperEntry, VoterMark
from tenant_apps.budgets.services.voting import ballot_submit, receipt_code
from tenant_apps.budgets.tests.factories import edition_voting
from tenant_apps.budgets.tests.test_voting_support import edition_with, place
from tenant_apps.participation.tests.factories import account, city_admin

pytestmark = pytest.mark.django_db


def test_the_basket_shows_projects_costs_and_the_gauge(in_a, client_a):
    _edition, budget, projects = edition_voting(ballot_kind=BallotKind.KNAPSACK, max_choices=0)
    client_a.force_login(account())
    page = client_a.get(reverse("budgets:ballot", kwargs={"pk": budget.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert all(p.title in html for p in projects)
    assert f'name="project" value="{projects[0].pk}"' in html and 'name="submission_token"' in html
    assert "<meter" in html and 'aria-live="polite"' in html and "100\u202f000\u00a0€" in html


def test_voting_redirects_to_the_confirmation_and_sends_an_email(in_a, client_a, django_capture_on_commit_callbacks):
    _edition, budget, projects = edition_voting()
    voter = account()
    client_a.force_login(voter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("budgets:ballot", kwargs={"pk": budget.pk}), {
            "project": [projects[0].pk, projects[2].pk], "submission_token": str(uuid.uuid4())})
    assert response.status_code == 303
    assert response["Location"] == reverse("budgets:ballot_done", kwargs={"pk": budget.pk})
    ballot = Ballot.objects.get(mark__account=voter)
    assert ballot.choices == {str(projects[0].pk): 1, str(projects[2].pk): 1}
    assert [m.to for m in mail.outbox] == [[voter.email]]
    done = client_a.get(response["Location"]).content.decode()
    assert receipt_code(ballot) in done and projects[2].title in done and projects[1].title not in done


def test_a_retried_post_changes_nothing(in_a, client_a):
    _edition, budget, projects = edition_voting()
    voter = account()
    client_a.force_login(voter)
    url, token = reverse("budgets:ballot", kwargs={"pk": budget.pk}), str(uuid.uuid4())
    client_a.post(url, {"project": [projects[0].pk], "submission_token": token})
    client_a.post(url, {"project": [projects[1].pk], "submission_token": token})
    ballot = Ballot.objects.get(mark__account=voter)
    assert ballot.version == 1 and ballot.choices == {str(projects[0].pk): 1}


def test_errors_are_listed_with_links_and_the_choices_are_kept(in_a, client_a):
    _edition, budget, projects = edition_voting(max_choices=2)
    client_a.force_login(account())
    response = client_a.post(reverse("budgets:ballot", kwargs={"pk": budget.pk}), {
        "project": [p.pk for p in projects[:3]], "submission_token": str(uuid.uuid4())})
    html = response.content.decode()
    assert response.status_code == 400 and not Ballot.objects.exists()
    assert 'role="alert"' in html and 'href="#choices"' in html and "3" in html
    assert f'value="{projects[2].pk}" id="project-{projects[2].pk}" data-cost="{projects[2].cost}" checked' in html


def test_the_current_ballot_is_prefilled_when_changing_it(in_a, client_a):
    _edition, budget, projects = edition_voting(ballot_kind=BallotKind.ORDINAL, max_choices=0)
    voter = account()
    ballot_submit(budget=budget, voter=voter, choices={str(projects[1].pk): 1, str(projects[3].pk): 2})
    client_a.force_login(voter)
    html = client_a.get(reverse("budgets:ballot", kwargs={"pk": budget.pk})).content.decode()
    assert f'name="rank-{projects[3].pk}" id="rank-{projects[3].pk}" min="1" max="4" value="2"' in html
    assert "Replace my vote" in html or "Remplacer mon vote" in html


def test_the_person_sees_what_they_voted_and_what_is_closed_to_them(in_a, client_a):
    edition, ((_city, _cp), (north, north_projects), (south, _sp)) = edition_with(
        {"name": "Toute la ville"}, {"name": "Quartier Nord", "district": "Nord"},
        {"name": "Quartier Sud", "district": "Sud"})
    voter = account()
    ballot_submit(budget=north, voter=voter, choices={str(north_projects[0].pk): 1})
    client_a.force_login(voter)
    html = client_a.get(reverse("budgets:vote", kwargs={"slug": edition.process.slug})).content.decode()
    assert reverse("budgets:ballot", kwargs={"pk": _city.pk}) in html
    assert reverse("budgets:ballot_done", kwargs={"pk": north.pk}) in html
    assert f'href="{reverse("budgets:ballot", kwargs={"pk": south.pk})}"' not in html
    # A POST to the closed district is refused with the reason, and nothing is written.
    response = client_a.post(reverse("budgets:ballot", kwargs={"pk": south.pk}),
                             {"project": [_sp[0].pk], "submission_token": str(uuid.uuid4())})
    assert response.status_code == 403 and "Quartier Nord" in response.content.decode()
    assert Ballot.objects.filter(budget=south).count() == 0


def test_anonymous_people_see_the_ballot_and_are_asked_to_sign_in(in_a, client_a):
    _edition, budget, projects = edition_voting()
    page = client_a.get(reverse("budgets:ballot", kwargs={"pk": budget.pk}))
    assert page.status_code == 200 and projects[0].title in page.content.decode()
    assert 'name="project"' not in page.content.decode()
    response = client_a.post(reverse("budgets:ballot", kwargs={"pk": budget.pk}), {"project": [projects[0].pk]})
    assert response.status_code == 302 and not Ballot.objects.exists()


@pytest.mark.parametrize("name", ["voting_desk", "polling_places", "paper_mismatches"])
def test_staff_pages_refuse_citizens(in_a, client_a, name):
    edition, _budget, _projects = edition_voting()
    client_a.force_login(account())
    assert client_a.get(reverse(f"budgets:{name}", kwargs={"slug": edition.process.slug})).status_code == 403


def test_staff_paper_pages_refuse_citizens(in_a, client_a):
    edition, budget, projects = edition_voting()
    at_desk = place(edition)
    client_a.force_login(account())
    for url in (reverse("budgets:voting_marking", kwargs={"pk": at_desk.pk}),
                reverse("budgets:paper_entry", kwargs={"pk": at_desk.pk, "budget_pk": budget.pk})):
        assert client_a.get(url).status_code == 403
        assert client_a.post(url, {"email": "x@exemple.fr", "budget": budget.pk, "sheet": 1}).status_code == 403
    assert not VoterMark.objects.exists() and not PaperEntry.objects.exists()


def test_the_desk_shows_live_turnout(in_a, client_a):
    edition, budget, projects = edition_voting(name="Budget de la ville")
    ballot_submit(budget=budget, voter=account(), choices={str(projects[0].pk): 1})
    client_a.force_login(account("agent"))
    page = client_a.get(reverse("budgets:voting_desk", kwargs={"slug": edition.process.slug}))
    html = page.content.decode()
    assert page.status_code == 200 and 'hx-trigger="every 30s"' in html and "Budget de la ville" in html
    partial = client_a.get(reverse("budgets:voting_desk", kwargs={"slug": edition.process.slug}),
                           HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="turnout">')


def test_an_agent_marks_a_voter_and_a_second_time_is_refused(in_a, client_a):
    edition, budget, _projects = edition_voting()
    at_desk, voter = place(edition), account()
    client_a.force_login(account("agent"))
    url = reverse("budgets:voting_marking", kwargs={"pk": at_desk.pk})
    response = client_a.post(url, {"budget": budget.pk, "email": voter.email})
    assert response.status_code == 302
    assert VoterMark.objects.get(account=voter).polling_place == at_desk
    again = client_a.post(url, {"budget": budget.pk, "given_name": "", "email": voter.email})
    assert again.status_code == 403 and at_desk.name in again.content.decode()
    assert VoterMark.objects.count() == 1


def test_paper_entry_pages_end_in_a_counted_ballot(in_a, client_a):
    edition, budget, projects = edition_voting()
    at_desk = place(edition)
    url = reverse("budgets:paper_entry", kwargs={"pk": at_desk.pk, "budget_pk": budget.pk})
    first, second = account("agent"), account("agent")
    client_a.force_login(first)
    assert client_a.get(url).status_code == 200
    assert client_a.post(url, {"sheet": 3, "project": [projects[1].pk]}).status_code == 302
    assert client_a.post(url, {"sheet": 3, "project": [projects[1].pk]}).status_code == 400  # same agent
    client_a.force_login(second)
    assert "3" in client_a.get(url + "?sheet=3").content.decode()
    assert client_a.post(url, {"sheet": 3, "project": [projects[1].pk]}).status_code == 302
    assert Ballot.objects.get(channel="paper").choices == {str(projects[1].pk): 1}


def test_an_administrator_resolves_a_mismatch(in_a, client_a):
    from tenant_apps.budgets.services.voting import paper_entry_record

    edition, budget, projects = edition_voting()
    at_desk = place(edition)
    paper_entry_record(budget=budget, polling_place=at_desk, sheet=9, choices={str(projects[0].pk): 1},
                       actor=account("agent"))
    entry = paper_entry_record(budget=budget, polling_place=at_desk, sheet=9, choices={str(projects[1].pk): 1},
                               actor=account("agent"))
    client_a.force_login(account("agent"))
    listing = client_a.get(reverse("budgets:paper_mismatches", kwargs={"slug": edition.process.slug}))
    assert listing.status_code == 200 and at_desk.name in listing.content.decode()
    url = reverse("budgets:paper_resolve", kwargs={"pk": entry.pk})
    assert client_a.post(url, {"version": "first"}).status_code == 403
    client_a.force_login(city_admin())
    page = client_a.get(url)
    assert page.status_code == 200 and projects[0].title in page.content.decode()
    assert client_a.post(url, {"version": "first"}).status_code == 302
    assert Ballot.objects.get(channel="paper").choices == {str(projects[0].pk): 1}


def test_an_administrator_adds_a_polling_place(in_a, client_a):
    edition, _budget, _projects = edition_voting()
    client_a.force_login(city_admin())
    url = reverse("budgets:polling_places", kwargs={"slug": edition.process.slug})
    assert client_a.post(url, {"name": "Médiathèque", "address": "1 rue Haute"}).status_code == 302
    assert "Médiathèque" in client_a.get(url).content.decode()
    client_a.force_login(account("agent"))
    assert client_a.post(url, {"name": "Autre"}).status_code == 403
    assert edition.polling_places.count() == 1
