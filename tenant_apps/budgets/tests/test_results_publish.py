"""Publishing a result: winners, idea statuses, replacing a published result; the public pages that show it."""

import pytest
from django.urls import reverse

from shared_apps.core.errors import NotAllowed
from tenant_apps.budgets.common import edition_ensure
from tenant_apps.budgets.models import CountingRule, Project, Result
from tenant_apps.budgets.services.editions import budget_create, drawn_order_draw, project_create, project_put_on_ballot
from tenant_apps.budgets.services.results import result_compute, result_publish
from tenant_apps.budgets.tests.factories import edition_voting, phases_shift_to, vote_closed
from tenant_apps.budgets.tests.test_results_helpers import ballots_add
from tenant_apps.participation.models import StatusChange
from tenant_apps.participation.tests.factories import account, city_admin, contribution, process_in_phase

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"


def euros(n: int) -> str:
    return f"{n:,}".replace(",", NNBSP) + NBSP + "€"


def edition_with_ideas(admin):
    """Two projects made from citizens' ideas (40 000 € and 70 000 € in an 100 000 € envelope), then a vote
    where the first gets 3 votes and the second 2: by votes the first is funded, the second no longer fits."""
    process = process_in_phase("budget", "submission", actor=admin, title="Budget participatif publication")
    edition = edition_ensure(process)
    idea_a = contribution(process, title="Idée du square")
    idea_b = contribution(process, title="Idée de la piste")
    budget = budget_create(edition=edition, actor=admin, name="Ville entière", amount=100_000)
    projects = []
    for title, cost, idea in (("Square rénové", 40_000, idea_a), ("Piste cyclable", 70_000, idea_b)):
        project = project_create(edition=edition, actor=admin, title=title, cost=cost, ideas=[idea], budget=budget)
        projects.append(project_put_on_ballot(project=project, actor=admin))
    drawn_order_draw(budget=budget, actor=admin)
    phases_shift_to(edition, "budget_vote")
    square, piste = projects
    ballots_add(budget, [[square.pk]] * 2 + [[square.pk, piste.pk]] + [[piste.pk]])
    vote_closed(edition)
    budget.refresh_from_db()
    return edition, budget, square, piste, idea_a, idea_b


def test_publishing_sets_winners_and_tells_the_idea_authors(in_a):
    admin = account("city_admin")
    edition, budget, square, piste, idea_a, idea_b = edition_with_ideas(admin)
    result = result_compute(budget=budget, actor=admin)
    result_publish(result=result, actor=admin)
    square.refresh_from_db(), piste.refresh_from_db(), idea_a.refresh_from_db(), idea_b.refresh_from_db()
    assert square.state == Project.State.WINNER and piste.state == Project.State.NOT_SELECTED
    assert idea_a.status.key == "winner" and idea_b.status.key == "not_selected"
    change = StatusChange.objects.filter(contribution=idea_a).latest("id")
    assert "Square rénové" in change.message
    assert Result.objects.get(pk=result.pk).is_published


def test_republishing_replaces_the_published_result(in_a):
    admin = account("city_admin")
    edition, budget, square, piste, idea_a, idea_b = edition_with_ideas(admin)
    first = result_compute(budget=budget, actor=admin)
    result_publish(result=first, actor=admin)
    # By equal shares (4 voters, 25 000 € each) the 3 supporters of the square pay for it; the piste's 2
    # supporters cannot pay 70 000 €: same winners, but the published count is now this one.
    second = result_compute(budget=budget, actor=admin, rule=CountingRule.MES)
    result_publish(result=second, actor=admin)
    assert list(Result.objects.filter(budget=budget, is_published=True).values_list("pk", flat=True)) == [second.pk]
    assert idea_a.status_changes.count() == 1  # the same outcome is not announced twice


def test_publishing_is_refused_to_agents(in_a):
    admin = account("city_admin")
    _edition, budget, square, _piste, _a, _b = edition_with_ideas(admin)
    result = result_compute(budget=budget, actor=admin)
    with pytest.raises(NotAllowed):
        result_publish(result=result, actor=account("agent"))
    square.refresh_from_db()
    assert square.state == Project.State.ON_BALLOT
    assert not Result.objects.filter(budget=budget, is_published=True).exists()


def test_results_page_before_and_after_publication(in_a, client_a):
    admin = account("city_admin")
    edition, budget, square, piste, _a, _b = edition_with_ideas(admin)
    url = reverse("budgets:results", kwargs={"slug": edition.process.slug})
    before = client_a.get(url).content.decode()
    assert "Square rénové" not in before
    result_publish(result=result_compute(budget=budget, actor=admin), actor=admin)
    page = client_a.get(url).content.decode()
    assert "Square rénové" in page and "Piste cyclable" in page
    assert euros(40_000) in page
    assert reverse("budgets:project_why", kwargs={"pk": piste.pk}) in page
    assert reverse("budgets:results_pb", kwargs={"pk": budget.pk}) in page


def test_results_page_says_when_results_come(in_a, client_a):
    edition, _budget, _projects = edition_voting(title="Budget encore ouvert")
    page = client_a.get(reverse("budgets:results", kwargs={"slug": edition.process.slug})).content.decode()
    assert "will be published after the vote closes on" in page or "seront publiés" in page


def test_why_pages_give_the_numbers(in_a, client_a):
    admin = account("city_admin")
    edition, budget, square, piste, _a, _b = edition_with_ideas(admin)
    result_publish(result=result_compute(budget=budget, actor=admin), actor=admin)
    won = client_a.get(reverse("budgets:project_why", kwargs={"pk": square.pk})).content.decode()
    # 3 votes, first: 100 000 € left, enough for its 40 000 €.
    assert euros(100_000) in won and euros(40_000) in won
    lost = client_a.get(reverse("budgets:project_why", kwargs={"pk": piste.pk})).content.decode()
    # 2 votes, second: only 60 000 € left, not enough for its 70 000 €.
    assert euros(60_000) in lost and euros(70_000) in lost


def test_why_page_for_equal_shares(in_a, client_a):
    admin = account("city_admin")
    _edition, budget, square, piste, _a, _b = edition_with_ideas(admin)
    result_publish(result=result_compute(budget=budget, actor=admin, rule=CountingRule.MES), actor=admin)
    lost = client_a.get(reverse("budgets:project_why", kwargs={"pk": piste.pk})).content.decode()
    # Share 25 000 €; the piste's 2 supporters: one paid 40 000 / 3 for the square, so 11 666.67 + 25 000 left.
    assert euros(36_667) in lost and euros(70_000) in lost and euros(25_000) in lost


def test_project_result_tag_is_empty_before_publication(in_a):
    from django.template import Context, Template

    admin = account("city_admin")
    _edition, budget, square, _piste, _a, _b = edition_with_ideas(admin)
    template = Template("{% load budgets_results %}[{% project_result project %}]")
    assert template.render(Context({"project": square})) == "[]"
    result_publish(result=result_compute(budget=budget, actor=admin), actor=admin)
    shown = template.render(Context({"project": square}))
    assert reverse("budgets:project_why", kwargs={"pk": square.pk}) in shown


def test_staff_page_counts_and_publishes(in_a, client_a):
    admin = city_admin()
    edition, budget, square, _piste, _a, _b = edition_with_ideas(admin)
    client_a.force_login(admin)
    manage = reverse("budgets:results_manage", kwargs={"slug": edition.process.slug})
    response = client_a.post(reverse("budgets:result_compute", kwargs={"slug": edition.process.slug}),
                             {"budget": budget.pk, "rule": ""})
    assert response.status_code == 302
    result = Result.objects.get(budget=budget)
    page = client_a.get(response["Location"]).content.decode()
    assert euros(100_000) in page  # the detail with its explanations
    client_a.post(reverse("budgets:result_publish", kwargs={"slug": edition.process.slug}), {"result": result.pk})
    assert Result.objects.get(pk=result.pk).is_published
    compare = client_a.get(manage + f"?compare={budget.pk}").content.decode()
    assert "Method of Equal Shares" in compare or "Méthode" in compare


def test_citizens_cannot_reach_the_staff_page(in_a, client_a):
    admin = account("city_admin")
    edition, budget, *_rest = edition_with_ideas(admin)
    client_a.force_login(account("citizen"))
    assert client_a.get(reverse("budgets:results_manage", kwargs={"slug": edition.process.slug})).status_code == 403
    response = client_a.post(reverse("budgets:result_compute", kwargs={"slug": edition.process.slug}),
                             {"budget": budget.pk})
    assert response.status_code == 403
    assert not Result.objects.filter(budget=budget).exists()



def test_results_page_queries_do_not_grow_with_budgets(in_a, client_a, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenant_apps.budgets.tests.factories import budget_make, edition_make

    admin = account("city_admin")
    edition = edition_make(admin=admin, title="Budget trois enveloppes")
    budgets = [budget_make(edition, admin=admin, name=name) for name in ("Ville", "Quartier nord", "Quartier sud")]
    phases_shift_to(edition, "budget_vote")
    for budget, projects in budgets:
        ballots_add(budget, [[projects[0].pk, projects[1].pk], [projects[2].pk]])
    vote_closed(edition)
    url = reverse("budgets:results", kwargs={"slug": edition.process.slug})
    result_publish(result=result_compute(budget=budgets[0][0], actor=admin), actor=admin)
    with CaptureQueriesContext(connection) as one:
        client_a.get(url)
    for budget, _projects in budgets[1:]:
        result_publish(result=result_compute(budget=budget, actor=admin), actor=admin)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client_a.get(url).content.decode()
    assert "Quartier nord — projet 1" in page and "Quartier sud — projet 3" in page
