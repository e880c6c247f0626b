"""Services of the structure part: review of ideas, projects from ideas, ballot, photo, campaign, freeze."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets.common import edition_ensure
from tenant_apps.budgets.models import IdeaReview, Project
from tenant_apps.budgets.services.editions import budget_create, criterion_save, edition_update
from tenant_apps.budgets.services.projects import (
    campaign_update,
    idea_admissibility_decide,
    idea_feasibility_decide,
    project_ballot_set,
    project_from_ideas,
    project_image_set,
)
from tenant_apps.budgets.tests.factories import edition_voting, phases_shift_to
from tenant_apps.participation.models import StatusChange
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase

pytestmark = pytest.mark.django_db


def png_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def edition_with_ideas(n=2, *, admin=None, **idea_kwargs):
    """An edition in its call for ideas, with a checklist of two criteria and `n` ideas by different people."""
    admin = admin or account("city_admin")
    process = process_in_phase("budget", "submission", actor=admin, title="Budget participatif 2027")
    edition = edition_ensure(process)
    criteria = [criterion_save(edition=edition, actor=admin, label="Intérêt général"),
                criterion_save(edition=edition, actor=admin, label="Dépense d'investissement")]
    ideas = [contribution(process, author=account(full_name=f"Autrice {i}"), title=f"Idée {i}", **idea_kwargs)
             for i in range(1, n + 1)]
    return admin, edition, criteria, ideas


def _all_yes(criteria):
    return {str(c.pk): True for c in criteria}


def feasible(ideas, criteria, admin, cost=10_000):
    for idea in ideas:
        idea_admissibility_decide(idea=idea, actor=admin, checklist=_all_yes(criteria), admissible=True)
        idea_feasibility_decide(idea=idea, actor=admin, feasible=True, estimated_cost=cost, delay_months=6,
                                technical_opinion="Réalisable par la voirie.")


def test_not_admissible_sends_the_reasoned_answer_through_the_status_history(in_a):
    admin, _edition, criteria, (idea, _other) = edition_with_ideas()
    checklist = _all_yes(criteria) | {str(criteria[1].pk): False}
    idea_admissibility_decide(idea=idea, actor=admin, checklist=checklist, admissible=False,
                              reason="C'est une dépense de fonctionnement.")
    idea.refresh_from_db()
    assert idea.status.key == "not_admissible"
    change = StatusChange.objects.filter(contribution=idea).latest("id")
    assert change.to_status.key == "not_admissible"
    assert change.message == "C'est une dépense de fonctionnement."
    assert idea.budget_review.checklist == checklist


@pytest.mark.parametrize("checklist, admissible, reason, code", [
    ("partial", True, "", "checklist_incomplete"),
    ("one_no", True, "", "criterion_failed"),
    ("all_yes", False, "", "reason_required"),
])
def test_bad_admissibility_input_is_refused_and_changes_nothing(in_a, checklist, admissible, reason, code):
    admin, _edition, criteria, (idea, _other) = edition_with_ideas()
    answers = {"partial": {str(criteria[0].pk): True}, "all_yes": _all_yes(criteria),
               "one_no": _all_yes(criteria) | {str(criteria[0].pk): False}}[checklist]
    with pytest.raises(Invalid) as error:
        idea_admissibility_decide(idea=idea, actor=admin, checklist=answers, admissible=admissible, reason=reason)
    assert error.value.code == code
    idea.refresh_from_db()
    assert idea.status.key == "submitted"
    assert not IdeaReview.objects.filter(idea=idea).exists()
    assert not StatusChange.objects.filter(contribution=idea).exists()


def test_a_citizen_cannot_review(in_a):
    _admin, _edition, criteria, (idea, _other) = edition_with_ideas()
    with pytest.raises(NotAllowed):
        idea_admissibility_decide(idea=idea, actor=account(), checklist=_all_yes(criteria), admissible=True)
    assert not IdeaReview.objects.filter(idea=idea).exists()


def test_feasibility_only_for_admissible_ideas_and_needs_a_cost(in_a):
    admin, _edition, criteria, (idea, _other) = edition_with_ideas()
    with pytest.raises(NotAllowed):
        idea_feasibility_decide(idea=idea, actor=admin, feasible=True, estimated_cost=5_000)
    idea_admissibility_decide(idea=idea, actor=admin, checklist=_all_yes(criteria), admissible=True)
    with pytest.raises(Invalid) as error:
        idea_feasibility_decide(idea=idea, actor=admin, feasible=True, estimated_cost=None)
    assert error.value.code == "cost_required"
    idea.refresh_from_db()
    assert idea.status.key == "admissible"
    agent = account("agent")
    review = idea_feasibility_decide(idea=idea, actor=agent, feasible=False, technical_opinion="Terrain privé.")
    idea.refresh_from_db()
    assert review.feasibility == "not_feasible" and idea.status.key == "not_feasible"
    assert StatusChange.objects.filter(contribution=idea).latest("id").message == "Terrain privé."


def test_merging_ideas_credits_every_author_and_co_author(in_a):
    admin, edition, criteria, ideas = edition_with_ideas(3)
    coauthor = account(full_name="Co Autrice")
    ideas[1].coauthors.add(coauthor)
    feasible(ideas[:2], criteria, admin)
    project = project_from_ideas(edition=edition, actor=admin, ideas=ideas[:2], title="Deux idées réunies",
                                 cost=20_000)
    assert set(project.holders.all()) == {ideas[0].author, ideas[1].author, coauthor}
    for idea in ideas[:2]:
        idea.refresh_from_db()
        assert idea.status.key == "merged"
        assert "Deux idées réunies" in StatusChange.objects.filter(contribution=idea).latest("id").message
    # An idea that is not feasible cannot join a project; nothing is made.
    with pytest.raises(Invalid):
        project_from_ideas(edition=edition, actor=admin, ideas=[ideas[2]], title="Refusé", cost=1_000)
    assert Project.objects.filter(edition=edition).count() == 1
    # An idea already in a project can no longer be reviewed.
    with pytest.raises(NotAllowed):
        idea_admissibility_decide(idea=ideas[0], actor=admin, checklist=_all_yes(criteria), admissible=True)


def test_going_on_the_ballot_tells_every_author_and_freezes_when_voting_opens(in_a):
    admin, edition, criteria, ideas = edition_with_ideas(2)
    feasible(ideas, criteria, admin)
    budget = budget_create(edition=edition, actor=admin, name="Ville entière", amount=100_000)
    project = project_from_ideas(edition=edition, actor=admin, ideas=ideas, title="Parc", cost=20_000, budget=budget)
    project = project_ballot_set(project=project, actor=admin, on_ballot=True)
    assert project.state == Project.State.ON_BALLOT and project.number == 1
    assert {i.status.key for i in project.ideas.select_related("status")} == {"on_ballot"}
    project_ballot_set(project=project, actor=admin, on_ballot=False)
    assert {i.status.key for i in project.ideas.select_related("status")} == {"merged"}
    project_ballot_set(project=project, actor=admin, on_ballot=True)
    phases_shift_to(edition, "budget_vote")
    with pytest.raises(NotAllowed) as error:
        project_ballot_set(project=project, actor=admin, on_ballot=False)
    assert error.value.code == "rules_frozen"
    project.refresh_from_db()
    assert project.state == Project.State.ON_BALLOT
    assert {i.status.key for i in project.ideas.select_related("status")} == {"on_ballot"}
    with pytest.raises(NotAllowed):
        budget_create(edition=edition, actor=admin, name="Trop tard", amount=1_000)
    with pytest.raises(NotAllowed):
        edition_update(edition=edition, actor=admin, rules_text="<p>Nouveau règlement</p>")


def test_photo_is_re_encoded_and_needs_a_text_alternative(in_a):
    edition, _budget, projects = edition_voting()
    admin = account("city_admin")
    with pytest.raises(Invalid):
        project_image_set(project=projects[0], actor=admin, upload=png_upload(), alt="")
    project = project_image_set(project=projects[0], actor=admin, upload=png_upload(), alt="Une place arborée")
    assert project.image and project.image_alt == "Une place arborée"
    with Image.open(project.image.open("rb")) as image:
        assert image.format == "PNG" and not image.info.get("exif")
    with pytest.raises(Invalid):
        project_image_set(project=projects[1], actor=admin,
                          upload=SimpleUploadedFile("x.png", b"not an image", content_type="image/png"),
                          alt="Texte")


def test_only_holders_write_the_campaign_and_it_is_sanitised(in_a):
    admin, edition, criteria, ideas = edition_with_ideas(1)
    feasible(ideas, criteria, admin)
    project = project_from_ideas(edition=edition, actor=admin, ideas=ideas, title="Jardin", cost=5_000)
    with pytest.raises(NotAllowed):
        campaign_update(project=project, actor=account(), text="<p>Votez !</p>")
    project = campaign_update(project=project, actor=ideas[0].author,
                              text='<p>Votez <strong>Jardin</strong></p><script>alert(1)</script>')
    assert "<strong>Jardin</strong>" in project.campaign_text and "script" not in project.campaign_text
