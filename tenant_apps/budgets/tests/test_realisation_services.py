"""The follow-up of the winners: who may record what, progress bounds, delivery, milestones and news."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets.models import Milestone, Project, ProjectNews
from tenant_apps.budgets.services.realisation import (
    NEWS_KIND,
    milestone_delete,
    milestone_reach,
    milestone_save,
    project_news_publish,
    project_realisation_update,
)
from tenant_apps.budgets.tests.test_realisation_support import Followed, jpeg_with_exif
from tenant_apps.notifications.models import Notification
from tenant_apps.participation.models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(in_a):
    return Followed()


def test_only_winners_are_followed(followed):
    with pytest.raises(NotAllowed) as refused:
        project_realisation_update(project=followed.loser, actor=followed.agent, progress=10)
    assert refused.value.code == "not_a_winner"
    with pytest.raises(NotAllowed):
        milestone_save(project=followed.loser, actor=followed.agent, title="Études")
    with pytest.raises(NotAllowed):
        project_news_publish(project=followed.loser, actor=followed.agent, title="Nouvelles", body="Du texte")
    followed.loser.refresh_from_db()
    assert followed.loser.progress == 0
    assert not Milestone.objects.filter(project=followed.loser).exists()
    assert not ProjectNews.objects.filter(project=followed.loser).exists()


def test_citizens_cannot_record_the_follow_up(followed):
    with pytest.raises(NotAllowed):
        project_realisation_update(project=followed.project, actor=followed.author_1, progress=50)
    followed.project.refresh_from_db()
    assert followed.project.progress == 0


@pytest.mark.parametrize("progress", [-1, 101, 250, "50", 12.5, True])
def test_progress_is_a_whole_percentage(followed, progress):
    with pytest.raises(Invalid) as refused:
        project_realisation_update(project=followed.project, actor=followed.agent, progress=progress)
    assert refused.value.code == "progress"
    followed.project.refresh_from_db()
    assert followed.project.progress == 0


@pytest.mark.parametrize("progress", [0, 1, 99, 100])
def test_progress_bounds_are_accepted(followed, progress):
    project = project_realisation_update(project=followed.project, actor=followed.agent, progress=progress,
                                         spent=1_500)
    assert (project.progress, project.spent) == (progress, 1_500)


def test_spent_cannot_be_negative_and_an_unknown_state_is_refused(followed):
    with pytest.raises(Invalid):
        project_realisation_update(project=followed.project, actor=followed.agent, spent=-5)
    with pytest.raises(Invalid):
        project_realisation_update(project=followed.project, actor=followed.agent, realisation="teleported")
    followed.project.refresh_from_db()
    assert (followed.project.spent, followed.project.realisation) == (0, Project.Realisation.NOT_STARTED)


def test_works_then_delivery_move_the_source_ideas(followed):
    project = project_realisation_update(project=followed.project, actor=followed.agent,
                                         realisation=Project.Realisation.WORKS, progress=40)
    keys = set(Contribution.objects.filter(pk__in=[followed.idea_1.pk, followed.idea_2.pk])
               .values_list("status__key", flat=True))
    assert keys == {"in_progress"}
    project = project_realisation_update(project=project, actor=followed.agent,
                                         realisation=Project.Realisation.DELIVERED, spent=58_000)
    assert (project.progress, project.spent) == (100, 58_000)
    ideas = Contribution.objects.filter(pk__in=[followed.idea_1.pk, followed.idea_2.pk])
    assert set(ideas.values_list("status__key", flat=True)) == {"done"}
    # The loser's idea is untouched.
    followed.idea_3.refresh_from_db()
    assert followed.idea_3.status.key == "submitted"


def test_delivery_message_reaches_the_idea_history(followed):
    from tenant_apps.participation.models import StatusChange

    project_realisation_update(project=followed.project, actor=followed.agent,
                              realisation=Project.Realisation.DELIVERED)
    change = StatusChange.objects.filter(contribution=followed.idea_1).order_by("-id").first()
    assert change.to_status.key == "done"
    assert "Verdir le quartier" in change.message
    # Saving again changes nothing for the ideas (no second message to their followers).
    project_realisation_update(project=followed.project, actor=followed.agent,
                               realisation=Project.Realisation.DELIVERED, spent=10)
    assert StatusChange.objects.filter(contribution=followed.idea_1, to_status__key="done").count() == 1


def test_milestones_are_added_reached_and_deleted(followed):
    first = milestone_save(project=followed.project, actor=followed.agent, title="Études",
                           due_on=dt.date(2027, 3, 1))
    second = milestone_save(project=followed.project, actor=followed.agent, title="Plantations")
    assert [m.title for m in followed.project.milestones.all()] == ["Études", "Plantations"]
    assert (first.position, second.position) == (0, 1)
    reached = milestone_reach(milestone=first, actor=followed.agent)
    assert reached.done_on is not None
    again = milestone_reach(milestone=first, actor=followed.agent)
    assert again.done_on == reached.done_on
    edited = milestone_save(project=followed.project, actor=followed.agent, title="Plantations d'automne",
                            milestone=second, due_on=dt.date(2027, 10, 15))
    assert edited.pk == second.pk and edited.title == "Plantations d'automne"
    milestone_delete(milestone=second, actor=followed.agent)
    assert [m.title for m in followed.project.milestones.all()] == ["Études"]
    with pytest.raises(Invalid):
        milestone_save(project=followed.project, actor=followed.agent, title="   ")
    with pytest.raises(Invalid):  # a milestone of another project cannot be moved through this one
        milestone_save(project=followed.other_winner, actor=followed.agent, title="X", milestone=first)


def test_news_reaches_holders_followers_and_supporters_once(followed):
    news = project_news_publish(project=followed.project, actor=followed.agent, title="Les travaux commencent",
                                body="<p>Les premiers arbres arrivent lundi.</p>")
    expected = {followed.author_1.pk, followed.author_2.pk, followed.follower.pk, followed.supporter.pk,
                followed.both.pk}
    assert news.recipients == len(expected) == 5
    notified = list(Notification.objects.filter(kind=NEWS_KIND).values_list("recipient_id", flat=True))
    assert sorted(notified) == sorted(expected)  # once each; not the supporter of the losing project's idea
    assert followed.other.pk not in notified
    notification = Notification.objects.filter(kind=NEWS_KIND).first()
    assert notification.data["news"] == "Les travaux commencent"
    assert notification.process_id == followed.edition.process_id


def test_news_of_a_project_without_ideas_reaches_nobody_and_says_so(followed):
    news = project_news_publish(project=followed.other_winner, actor=followed.agent, title="Étude lancée",
                                body="Le bureau d'études est choisi.")
    assert news.recipients == 0
    assert not Notification.objects.filter(kind=NEWS_KIND).exists()


def test_news_photo_is_stripped_of_its_metadata(followed):
    upload = SimpleUploadedFile("chantier.jpg", jpeg_with_exif().getvalue(), content_type="image/jpeg")
    news = project_news_publish(project=followed.project, actor=followed.agent, title="Photo du chantier",
                                body="Voici le chantier.", photo=upload, photo_alt="Des ouvriers plantent un arbre")
    data = news.photo.read()
    assert b"AppareilEspion" not in data
    news.photo.seek(0)
    with Image.open(news.photo) as image:
        assert not image.getexif()
    assert "chantier" not in news.photo.name  # a random name
    assert news.photo_alt == "Des ouvriers plantent un arbre"


def test_a_photo_needs_a_text_alternative_and_must_be_an_image(followed):
    upload = SimpleUploadedFile("chantier.jpg", jpeg_with_exif().getvalue(), content_type="image/jpeg")
    with pytest.raises(Invalid) as refused:
        project_news_publish(project=followed.project, actor=followed.agent, title="Photo", body="Texte",
                             photo=upload)
    assert refused.value.code == "photo_alt_required"
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    with pytest.raises(Invalid) as refused:
        project_news_publish(project=followed.project, actor=followed.agent, title="Plan", body="Texte",
                             photo=pdf, photo_alt="Le plan")
    assert refused.value.code == "file_type"
    assert not ProjectNews.objects.exists()
    assert not Notification.objects.filter(kind=NEWS_KIND).exists()


def test_news_needs_a_title_and_a_text(followed):
    with pytest.raises(Invalid):
        project_news_publish(project=followed.project, actor=followed.agent, title=" ", body="Texte")
    with pytest.raises(Invalid):
        project_news_publish(project=followed.project, actor=followed.agent, title="Titre", body="<p> </p>")
    assert not ProjectNews.objects.exists()
