"""Pages of the structure part: staff vs citizen vs anonymous, the rules in plain words, project sheets,
the campaign page, the process page's panel, and list pages whose query count does not grow with rows."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tenant_apps.budgets.models import IdeaReview, Project
from tenant_apps.budgets.services.editions import budget_create, project_create
from tenant_apps.budgets.services.projects import project_ballot_set, project_image_set
from tenant_apps.budgets.tests.factories import budget_make, edition_make, edition_voting
from tenant_apps.budgets.tests.test_structure_services import edition_with_ideas, feasible, png_upload
from tenant_apps.participation.tests.factories import account, city_admin, process_in_phase

pytestmark = pytest.mark.django_db


def _fr(msgid, **params):
    """The French text of `msgid` (the English one until the lead merges the catalogue): the page's language."""
    with translation.override("fr"):
        return gettext(msgid) % params


def test_staff_pages_admin_agent_citizen_anonymous(in_a, client_a):
    edition = edition_make()
    slug = edition.process.slug
    budget, projects = budget_make(edition)
    staff_pages = [reverse("budgets:manage_list"), reverse("budgets:manage", kwargs={"slug": slug}),
                   reverse("budgets:review", kwargs={"slug": slug}),
                   reverse("budgets:projects_manage", kwargs={"slug": slug}),
                   reverse("budgets:project_edit", kwargs={"pk": projects[0].pk})]
    admin_pages = [reverse(f"budgets:{n}", kwargs={"slug": slug}) for n in ("settings", "envelopes", "criteria")] + [
        reverse("budgets:envelope_edit", kwargs={"pk": budget.pk})]
    for url in staff_pages + admin_pages:
        assert client_a.get(url).status_code == 302, url  # sign in first
    client_a.force_login(account())
    for url in staff_pages + admin_pages:
        assert client_a.get(url).status_code == 403, url
    client_a.force_login(account("agent"))
    for url in staff_pages:
        assert client_a.get(url).status_code == 200, url
    for url in admin_pages:
        assert client_a.get(url).status_code == 403, url
    client_a.force_login(city_admin())
    for url in staff_pages + admin_pages:
        assert client_a.get(url).status_code == 200, url


def test_admin_adds_an_envelope_then_rules_freeze_when_voting_opens(in_a, client_a):
    edition = edition_make()
    client_a.force_login(city_admin())
    url = reverse("budgets:envelopes", kwargs={"slug": edition.process.slug})
    response = client_a.post(url, {"name": "Quartier Nord", "amount": "250000", "ballot_kind": "knapsack",
                                   "min_choices": "1", "max_choices": "0", "min_share_percent": "50",
                                   "max_total_points": "7", "max_points_per_project": "3", "points_by_rank": "",
                                   "grades": "", "counting_rule": "greedy", "threshold": "0"})
    assert response.status_code == 302
    budget = edition.budgets.get()
    assert (budget.name, budget.amount, budget.ballot_kind, budget.min_share_percent) == (
        "Quartier Nord", 250_000, "knapsack", 50)
    # A majority judgment ballot counted by "greedy" is refused with the reason, nothing added.
    response = client_a.post(url, {"name": "Ville", "amount": "1000", "ballot_kind": "majority_judgment",
                                   "min_choices": "1", "max_choices": "5", "min_share_percent": "0",
                                   "max_total_points": "7", "max_points_per_project": "3", "counting_rule": "greedy",
                                   "threshold": "0"})
    assert response.status_code == 400 and edition.budgets.count() == 1
    from tenant_apps.budgets.tests.factories import phases_shift_to

    phases_shift_to(edition, "budget_vote")
    assert _fr("Add the budget") not in client_a.get(url).content.decode()
    page = client_a.get(reverse("budgets:envelope_edit", kwargs={"pk": budget.pk})).content.decode()
    assert "disabled" in page and _fr("Voting has opened: the rules of this edition can no longer change.") in page
    response = client_a.post(reverse("budgets:envelope_edit", kwargs={"pk": budget.pk}),
                             {"name": "Changé", "amount": "1"})
    assert response.status_code == 400
    budget.refresh_from_db()
    assert budget.name == "Quartier Nord"


def test_rules_page_says_the_rules_in_plain_words(in_a, client_a):
    edition = edition_make()
    admin = account("city_admin")
    budget_make(edition, admin=admin, name="Ville entière", amount=100_000, min_choices=1, max_choices=5)
    budget_create(edition=edition, actor=admin, name="Panier", amount=100_000, ballot_kind="knapsack",
                  max_choices=0, min_choices=0)
    from tenant_apps.budgets.services.editions import criterion_save

    criterion_save(edition=edition, actor=admin, label="Relever de la compétence de la ville")
    page = client_a.get(reverse("budgets:rules", kwargs={"slug": edition.process.slug})).content.decode()
    assert _fr("Choose from %(min)s to %(max)s projects.", min=1, max=5) in page
    assert _fr("Your basket must not exceed %(amount)s.", amount="100\u202f000\u00a0€") in page
    assert "Relever de la compétence de la ville" in page
    assert "Ville entière — projet 1" in page  # the drawn order lists the projects by title
    from tenant_apps.budgets.tests.factories import phases_shift_to

    phases_shift_to(edition, "budget_vote")
    page = client_a.get(reverse("budgets:rules", kwargs={"slug": edition.process.slug})).content.decode()
    assert _fr("These rules are frozen since the vote opened on %(date)s.", date="")[:20] in page


def test_draft_projects_are_for_staff_only_and_unpublished_editions_for_nobody_else(in_a, client_a):
    edition = edition_make()
    admin = account("city_admin")
    draft = project_create(edition=edition, actor=admin, title="Projet en préparation", cost=1_000)
    listed = reverse("budgets:projects", kwargs={"slug": edition.process.slug})
    assert client_a.get(reverse("budgets:project", kwargs={"pk": draft.pk})).status_code == 404
    assert "Projet en préparation" not in client_a.get(listed).content.decode()
    client_a.force_login(account("agent"))
    assert client_a.get(reverse("budgets:project", kwargs={"pk": draft.pk})).status_code == 200
    hidden = edition_make(title="Brouillon")
    hidden.process.visibility = "draft"
    hidden.process.save()
    budget, projects = budget_make(hidden, admin=admin)
    client_a.force_login(account())
    assert client_a.get(reverse("budgets:project", kwargs={"pk": projects[0].pk})).status_code == 404
    assert client_a.get(reverse("budgets:project_image", kwargs={"pk": projects[0].pk})).status_code == 404


def test_project_sheet_credits_holders_respecting_anonymity_and_serves_its_photo(in_a, client_a):
    admin, edition, criteria, ideas = edition_with_ideas(2)
    edition.process.allows_anonymous = True
    edition.process.save()
    from tenant_apps.participation.tests.factories import contribution

    shy = contribution(edition.process, author=account(full_name="Nom Secret"), title="Idée discrète",
                       is_anonymous=True)
    feasible([*ideas, shy], criteria, admin)
    budget = budget_create(edition=edition, actor=admin, name="Ville", amount=100_000)
    from tenant_apps.budgets.services.projects import project_from_ideas

    project = project_from_ideas(edition=edition, actor=admin, ideas=[*ideas, shy], title="Parc partagé",
                                 cost=30_000, budget=budget)
    project_ballot_set(project=project, actor=admin, on_ballot=True)
    project_image_set(project=project, actor=admin, upload=png_upload(), alt="Le parc")
    page = client_a.get(reverse("budgets:project", kwargs={"pk": project.pk})).content.decode()
    assert "Autrice 1" in page and "Autrice 2" in page
    assert "Nom Secret" not in page and _fr("a resident") in page
    assert "Idée discrète" in page  # the idea itself is public; only its author's name is not
    image = client_a.get(reverse("budgets:project_image", kwargs={"pk": project.pk}))
    assert image.status_code == 200 and image["X-Content-Type-Options"] == "nosniff"


def test_campaign_by_holders_only(in_a, client_a):
    admin, edition, criteria, ideas = edition_with_ideas(1)
    feasible(ideas, criteria, admin)
    from tenant_apps.budgets.services.projects import project_from_ideas

    budget = budget_create(edition=edition, actor=admin, name="Ville", amount=100_000)
    project = project_from_ideas(edition=edition, actor=admin, ideas=ideas, title="Jardin", cost=5_000,
                                 budget=budget)
    project_ballot_set(project=project, actor=admin, on_ballot=True)
    url = reverse("budgets:campaign_edit", kwargs={"pk": project.pk})
    client_a.force_login(account())
    refused = client_a.post(url, {"campaign_text": "Pirate"})
    assert refused.status_code == 403
    assert _fr("Only the holders of this project can write its campaign.") in refused.content.decode()
    project.refresh_from_db()
    assert project.campaign_text == ""
    client_a.force_login(ideas[0].author)
    response = client_a.post(url, {"campaign_text": "<p>Un jardin pour <em>tous</em></p><img src=x onerror=1>"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.campaign_text == "<p>Un jardin pour <em>tous</em></p>"


def test_review_pages_decide_admissibility_and_make_a_project(in_a, client_a):
    admin, edition, criteria, ideas = edition_with_ideas(2)
    client_a.force_login(account("agent"))
    url = reverse("budgets:idea_admissibility", kwargs={"pk": ideas[0].pk})
    data = {f"criterion_{c.pk}": "yes" for c in criteria}
    response = client_a.post(url, {**data, "decision": "not_admissible", "reason": ""})
    assert response.status_code == 400 and not IdeaReview.objects.filter(idea=ideas[0]).exists()
    assert client_a.get(url).status_code == 405
    response = client_a.post(url, {**data, "decision": "admissible"})
    assert response.status_code == 302
    response = client_a.post(reverse("budgets:idea_feasibility", kwargs={"pk": ideas[0].pk}),
                             {"decision": "feasible", "estimated_cost": "12000", "delay_months": "4"})
    assert response.status_code == 302
    ideas[0].refresh_from_db()
    assert ideas[0].status.key == "feasible"
    create = reverse("budgets:project_create", kwargs={"slug": edition.process.slug})
    form = client_a.get(create, {"ideas": [ideas[0].pk]}).context["form"]
    assert form.initial["cost"] == 12_000
    response = client_a.post(create, {"ideas": [ideas[0].pk], "title": "Bancs", "cost": "12000"})
    assert response.status_code == 302
    assert Project.objects.get(edition=edition).holders.get() == ideas[0].author


def test_process_page_panel_only_for_budgets(in_a, client_a):
    edition, _budget, _projects = edition_voting()
    page = client_a.get(edition.process.get_absolute_url()).content.decode()
    assert reverse("budgets:rules", kwargs={"slug": edition.process.slug}) in page
    other = process_in_phase("ideas", "submission")
    assert "/budget/" not in client_a.get(other.get_absolute_url()).content.decode()


def _project_rows(edition, budget, admin, n):
    for i in range(n):
        project = project_create(edition=edition, actor=admin, title=f"Projet {i}", cost=1_000, budget=budget)
        project_ballot_set(project=project, actor=admin, on_ballot=True)


def test_list_pages_query_counts_do_not_grow_with_rows(in_a, client_a, django_assert_max_num_queries):
    admin, edition, criteria, ideas = edition_with_ideas(3)
    feasible(ideas, criteria, admin)
    budget = budget_create(edition=edition, actor=admin, name="Ville", amount=10_000_000)
    _project_rows(edition, budget, admin, 3)
    staff = account("agent")
    urls = [reverse("budgets:projects", kwargs={"slug": edition.process.slug}),
            reverse("budgets:review", kwargs={"slug": edition.process.slug}),
            reverse("budgets:projects_manage", kwargs={"slug": edition.process.slug}),
            reverse("budgets:manage_list")]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client_a.force_login(staff)
    counts = {}
    for url in urls:
        client_a.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client_a.get(url).status_code == 200
        counts[url] = len(queries)
    from tenant_apps.participation.tests.factories import contribution

    more = [contribution(edition.process, title=f"Encore {i}") for i in range(6)]
    feasible(more, criteria, admin)
    _project_rows(edition, budget, admin, 8)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client_a.get(url).status_code == 200
