"""The evaluation's figures on a small hand-made edition, its visibility, its PDF report, and satisfaction."""

import pytest
from django.urls import reverse

from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets.evaluation import comparison, evaluation_get, evaluation_is_public, funnel, turnout
from tenant_apps.budgets.models import Channel, IdeaReview, Project, SatisfactionAnswer, VoterMark
from tenant_apps.budgets.report_pdf import evaluation_pdf, pdf_text
from tenant_apps.budgets.services.editions import budget_create, edition_update
from tenant_apps.budgets.services.realisation import project_realisation_update, satisfaction_answer
from tenant_apps.budgets.tests.factories import edition_make, phases_shift_to
from tenant_apps.budgets.tests.test_realisation_support import Followed
from tenant_apps.participation.models import Status
from tenant_apps.participation.services import contribution_status_change, district_create
from tenant_apps.participation.tests.factories import account, city_admin

pytestmark = pytest.mark.django_db


def _mark(edition, budget, *, slot=None, account=None, identity_key=None, channel=Channel.ONLINE, age=""):
    return VoterMark.objects.create(edition=edition, budget=budget, slot=slot or str(budget.pk), account=account,
                                    identity_key=identity_key, channel=channel, age_range=age)


@pytest.fixture
def followed(in_a):
    return Followed(title="Budget du cœur de ville")


@pytest.fixture
def small(followed):
    """Followed's edition with two district budgets and nine marks whose counts are known by hand."""
    edition, admin = followed.edition, followed.admin
    north = district_create(name="Nord")
    south = district_create(name="Sud")
    phases_shift_to(edition, "review")
    b_north = budget_create(edition=edition, actor=admin, name="Budget Nord", district=north, amount=20_000)
    b_south = budget_create(edition=edition, actor=admin, name="Budget Sud", district=south, amount=30_000)
    phases_shift_to(edition, "follow_up")
    city = followed.budget
    ann, bob, cleo = account(), account(), account()
    # Ann votes online in the city-wide budget and in the north (one voter, two marks, 18-29).
    _mark(edition, city, account=ann, age="18_29")
    _mark(edition, b_north, slot="district", account=ann, age="18_29")
    # Bob: online in the city-wide budget, 30-44; Cleo: online in the south, no age given.
    _mark(edition, city, account=bob, age="30_44")
    _mark(edition, b_south, slot="district", account=cleo)
    # Two paper voters known by identity (one of them in two budgets), 60-74 and 75+.
    _mark(edition, city, identity_key="k1", channel=Channel.PAPER, age="60_74")
    _mark(edition, b_north, slot="district", identity_key="k1", channel=Channel.PAPER, age="60_74")
    _mark(edition, b_south, slot="district", identity_key="k2", channel=Channel.PAPER, age="75_plus")
    # Two imported marks identify nobody: two voters, no age.
    _mark(edition, city, channel=Channel.IMPORT)
    _mark(edition, b_north, slot="district", channel=Channel.IMPORT)
    return followed, {"city": city, "north": b_north, "south": b_south}


def test_turnout_by_budget_district_age_and_channel_is_exact(small):
    followed, budgets = small
    figures = turnout(followed.edition)
    # Ann, Bob, Cleo, k1, k2 and two imported marks.
    assert figures["voters"] == 7
    assert figures["marks"] == 9
    assert {row["label"]: row["marks"] for row in figures["by_budget"]} == {
        "Budget de la ville": 4, "Budget Nord": 3, "Budget Sud": 2}
    assert [(row["label"], row["marks"]) for row in figures["by_district"]] == [("Nord", 3), ("Sud", 2)]
    ages = {row["key"]: row["voters"] for row in figures["by_age"]}
    assert ages == {"under_18": 0, "18_29": 1, "30_44": 1, "45_59": 0, "60_74": 1, "75_plus": 1, "": 3}
    assert _either(figures["by_age"][-1]["label"], "Not given", "Non renseigné")
    assert {row["key"]: row["marks"] for row in figures["by_channel"]} == {"online": 4, "paper": 3, "import": 2}


def test_turnout_rate_uses_the_population_of_the_city(small, city_a):
    followed, _budgets = small
    figures = turnout(followed.edition)
    assert figures["population"] == city_a.population == 25000
    assert figures["rate"] == round(100 * 7 / 25000, 1)


def test_the_funnel_counts_reviews_statuses_and_projects(small):
    followed, _budgets = small
    # Idea 1: admissible and feasible by its review. Idea 2: no review, kernel status "feasible".
    # Idea 3: review says not admissible although its status was moved on (the review wins).
    IdeaReview.objects.create(idea=followed.idea_1, admissibility="admissible", feasibility="feasible")
    feasible = Status.objects.get(process_kind="budget", key="feasible")
    contribution_status_change(contribution=followed.idea_2, status=feasible, actor=followed.admin)
    IdeaReview.objects.create(idea=followed.idea_3, admissibility="not_admissible")
    contribution_status_change(contribution=followed.idea_3, status=feasible, actor=followed.admin)
    project_realisation_update(project=followed.project, actor=followed.admin,
                               realisation=Project.Realisation.DELIVERED)
    steps = {step["key"]: step["count"] for step in funnel(followed.edition)}
    assert steps == {"submitted": 3, "admissible": 2, "feasible": 2, "on_ballot": 3, "winners": 2, "delivered": 1}


def test_comparison_lists_every_budget_edition_with_its_figures(small):
    followed, _budgets = small
    project_realisation_update(project=followed.project, actor=followed.admin,
                               realisation=Project.Realisation.DELIVERED)
    older = edition_make(admin=followed.admin, title="Budget participatif ancien")
    ideas_only = account("city_admin")
    rows = comparison(edition=followed.edition, user=ideas_only)
    by_title = {row["title"]: row for row in rows}
    current = by_title["Budget du cœur de ville"]
    assert current["is_current"]
    assert (current["ideas"], current["voters"], current["envelope"]) == (3, 7, 150_000)
    assert (current["winners"], current["delivered"], current["delivered_percent"]) == (2, 1, 50)
    other = by_title[older.process.title]
    assert not other["is_current"]
    assert (other["ideas"], other["voters"], other["ballots"], other["envelope"]) == (0, 0, 0, 0)
    assert other["delivered_percent"] is None


def test_satisfaction_once_per_person(followed):
    edition_update(edition=followed.edition, actor=followed.admin, satisfaction_open=True)
    followed.edition.refresh_from_db()
    first = satisfaction_answer(edition=followed.edition, respondent=followed.author_1, score=4,
                                would_take_part_again=True, comment="Bien")
    with pytest.raises(NotAllowed) as refused:
        satisfaction_answer(edition=followed.edition, respondent=followed.author_1, score=1,
                            would_take_part_again=False)
    assert refused.value.code == "already_answered"
    first.refresh_from_db()
    assert (first.score, SatisfactionAnswer.objects.count()) == (4, 1)
    satisfaction_answer(edition=followed.edition, respondent=followed.author_2, score=3,
                        would_take_part_again=False)
    report = evaluation_get(edition=followed.edition, user=followed.admin)
    assert report.satisfaction["count"] == 2
    assert report.satisfaction["average"] == 3.5
    assert report.satisfaction["again_percent"] == 50


def test_satisfaction_is_refused_when_closed_or_out_of_range(followed):
    with pytest.raises(NotAllowed):
        satisfaction_answer(edition=followed.edition, respondent=followed.author_1, score=4,
                            would_take_part_again=True)
    edition_update(edition=followed.edition, actor=followed.admin, satisfaction_open=True)
    with pytest.raises(Invalid) as refused:
        satisfaction_answer(edition=followed.edition, respondent=followed.author_1, score=6,
                            would_take_part_again=True)
    assert refused.value.code == "score"
    assert not SatisfactionAnswer.objects.exists()


def test_the_evaluation_becomes_public_with_its_phase(followed):
    assert not evaluation_is_public(followed.edition)
    phases_shift_to(followed.edition, 5)
    assert evaluation_is_public(followed.edition)


def test_pdf_text_substitutes_what_core_fonts_cannot_print():
    assert pdf_text("1\u202f250\u00a0€") == "1 250 €"
    assert pdf_text("cœur l’été « oui »") == "cœur l’été « oui »"
    assert pdf_text("Łódź ✓") == "Lódz ?"


def test_the_pdf_report_holds_the_city_the_edition_and_its_figures(small):
    followed, _budgets = small
    report = evaluation_get(edition=followed.edition, user=followed.admin)
    content = evaluation_pdf(report, city_name="Ville A", compress=False)
    assert content.startswith(b"%PDF")
    assert b"Ville A" in content
    assert "Budget du cœur de ville".encode("cp1252") in content  # "œ" prints
    assert "150 000 €".encode("cp1252") in content  # the envelope, "€" prints, no narrow space
    assert b"Budget Nord" in content and b"Nord" in content
    assert content.rstrip().endswith(b"%%EOF")


def _either(html: str, english: str, french: str) -> bool:
    """The page's words in either language (the French catalogue is merged by the lead)."""
    return english in html or french in html


def _page(client, name, slug):
    return client.get(reverse(f"budgets:{name}", kwargs={"slug": slug}))


def test_evaluation_page_before_and_during_its_phase(small, client_a):
    followed, _budgets = small
    slug = followed.edition.process.slug
    before = _page(client_a, "evaluation", slug)
    assert before.status_code == 200
    assert "Budget Nord" not in before.content.decode()
    assert _page(client_a, "evaluation_pdf", slug).status_code == 403
    staff = city_admin()
    client_a.force_login(staff)
    seen = _page(client_a, "evaluation", slug).content.decode()
    assert "Budget Nord" in seen
    assert _either(seen, "Not public yet", "Pas encore public")
    client_a.logout()
    phases_shift_to(followed.edition, 5)
    page = _page(client_a, "evaluation", slug)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Budget Nord" in html and "<caption>" in html and 'scope="row"' in html and "<svg" in html
    pdf = _page(client_a, "evaluation_pdf", slug)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f'filename="evaluation-{slug}.pdf"' in pdf["Content-Disposition"]


def test_satisfaction_page_answers_once(followed, client_a):
    slug = followed.edition.process.slug
    url = reverse("budgets:satisfaction", kwargs={"slug": slug})
    assert _either(client_a.get(url).content.decode(), "is not open", "pas ouvert")
    edition_update(edition=followed.edition, actor=followed.admin, satisfaction_open=True)
    anonymous = client_a.post(url, {"score": "4", "again": "yes"})
    assert anonymous.status_code == 302 and "next=" in anonymous["Location"]
    client_a.force_login(followed.author_1)
    form = client_a.get(url).content.decode()
    assert "<fieldset" in form and "<legend>" in form and 'type="radio"' in form
    invalid = client_a.post(url, {"again": "yes"})
    assert invalid.status_code == 400
    assert 'aria-describedby="id_score_errors"' in invalid.content.decode()
    sent = client_a.post(url, {"score": "5", "again": "no", "comment": "Merci"})
    assert sent.status_code == 303
    again = client_a.post(url, {"score": "1", "again": "no"})
    assert again.status_code == 403
    answer = SatisfactionAnswer.objects.get()
    assert (answer.score, answer.would_take_part_again, answer.comment) == (5, False, "Merci")
    after = client_a.get(url).content.decode()
    assert _either(after, "already answered", "déjà répondu")
