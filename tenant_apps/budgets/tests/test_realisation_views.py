"""The follow-up pages: the public list, the project sheet's section, news photos, and the staff's pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tenant_apps.budgets.models import Milestone, Project, ProjectNews
from tenant_apps.budgets.services.realisation import milestone_save, project_news_publish, project_realisation_update
from tenant_apps.budgets.tests.test_realisation_support import Followed, jpeg_with_exif
from tenant_apps.participation.models import Process
from tenant_apps.participation.tests.factories import account, city_admin

pytestmark = pytest.mark.django_db


def _either(html: str, english: str, french: str) -> bool:
    return english in html or french in html


@pytest.fixture
def followed(in_a):
    return Followed()


def _news_with_photo(followed):
    photo = SimpleUploadedFile("chantier.jpg", jpeg_with_exif().getvalue(), content_type="image/jpeg")
    return project_news_publish(project=followed.project, actor=followed.agent, title="Le chantier avance",
                                body="<p>Texte</p>", photo=photo, photo_alt="Des arbres plantés")


def test_public_page_lists_the_winners_only_with_where_they_stand(followed, client_a):
    project_realisation_update(project=followed.project, actor=followed.agent, realisation="works", progress=40,
                               spent=12_000)
    milestone_save(project=followed.project, actor=followed.agent, title="Plantations")
    _news_with_photo(followed)
    page = client_a.get(reverse("budgets:realisation", kwargs={"slug": followed.edition.process.slug}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Verdir le quartier" in html and "Éclairer le parc" in html
    assert "Une fontaine" not in html  # the project that lost
    assert f'<progress id="progress-{followed.project.pk}" max="100" value="40">' in html
    assert _either(html, "40 % done", "40\u00a0% réalisés")
    assert "12\u202f000\u00a0€" in html and "60\u202f000\u00a0€" in html
    assert "Plantations" in html and "Le chantier avance" in html


def test_public_page_filters_by_budget_and_keeps_a_bounded_number_of_queries(followed, client_a):
    for n in range(3):
        milestone_save(project=followed.project, actor=followed.agent, title=f"Jalon {n}")
        milestone_save(project=followed.other_winner, actor=followed.agent, title=f"Étape {n}")
    url = reverse("budgets:realisation", kwargs={"slug": followed.edition.process.slug})
    client_a.get(url)  # warm the per-request caches (site settings, licence)
    with CaptureQueriesContext(connection) as few:
        client_a.get(url)
    for n in range(3):
        project_news_publish(project=followed.other_winner, actor=followed.agent, title=f"Nouvelle {n}", body="Texte")
    with CaptureQueriesContext(connection) as more:
        client_a.get(url)
    assert len(more) == len(few)


def test_the_project_sheet_section_shows_the_follow_up_of_a_winner_only(followed, rf):
    milestone_save(project=followed.project, actor=followed.agent, title="Études terminées")
    news = _news_with_photo(followed)
    template = Template("{% load budgets_realisation %}{% project_realisation project %}")
    html = template.render(Context({"project": followed.project, "request": rf.get("/")}))
    assert "Études terminées" in html and "Le chantier avance" in html
    assert reverse("budgets:news_photo", kwargs={"pk": news.pk}) in html
    assert 'alt="Des arbres plantés"' in html
    assert "<progress" in html
    assert template.render(Context({"project": followed.loser})).strip() == ""


def test_news_photo_is_served_only_where_its_edition_is_visible(client_a, client_b, followed):
    news = _news_with_photo(followed)
    url = reverse("budgets:news_photo", kwargs={"pk": news.pk})
    served = client_a.get(url)
    assert served.status_code == 200
    body = b"".join(served.streaming_content)
    assert body.startswith(b"\xff\xd8") and b"AppareilEspion" not in body
    assert served["X-Content-Type-Options"] == "nosniff"
    assert client_b.get(url).status_code == 404
    Process.objects.filter(pk=followed.edition.process_id).update(visibility=Process.Visibility.DRAFT)
    assert client_a.get(url).status_code == 404  # a draft edition: its photos are hidden too


def test_staff_pages_are_for_staff(followed, client_a):
    slug = followed.edition.process.slug
    manage = reverse("budgets:realisation_manage", kwargs={"slug": slug})
    edit = reverse("budgets:realisation_edit", kwargs={"pk": followed.project.pk})
    assert client_a.get(manage).status_code == 302
    client_a.force_login(followed.author_1)
    assert client_a.get(manage).status_code == 403
    assert client_a.get(edit).status_code == 403
    assert client_a.post(edit, {"realisation": "delivered", "progress": "100", "spent": "1"}).status_code == 403
    followed.project.refresh_from_db()
    assert followed.project.realisation == "not_started"


def test_staff_update_a_row_of_the_winners_list(followed, client_a):
    client_a.force_login(city_admin())
    url = reverse("budgets:realisation_manage", kwargs={"slug": followed.edition.process.slug})
    page = client_a.get(url).content.decode()
    assert "<caption>" in page and "Verdir le quartier" in page and "Une fontaine" not in page
    sent = client_a.post(url, {"project": followed.project.pk, "realisation": "works", "progress": "30",
                               "spent": "5000"})
    assert sent.status_code == 303
    followed.project.refresh_from_db()
    assert (followed.project.realisation, followed.project.progress, followed.project.spent) == ("works", 30, 5000)
    bad = client_a.post(url, {"project": followed.project.pk, "realisation": "works", "progress": "130",
                              "spent": "5000"})
    assert bad.status_code == 400
    loser = client_a.post(url, {"project": followed.loser.pk, "realisation": "works", "progress": "10",
                                "spent": "0"})
    assert loser.status_code == 400  # not a row of the list: only winners are followed
    followed.project.refresh_from_db()
    followed.loser.refresh_from_db()
    assert followed.project.progress == 30 and followed.loser.progress == 0


def test_staff_edit_page_milestones_and_news(followed, client_a):
    client_a.force_login(city_admin())
    edit = reverse("budgets:realisation_edit", kwargs={"pk": followed.project.pk})
    assert client_a.get(edit).status_code == 200
    delivered = client_a.post(edit, {"realisation": "delivered", "progress": "20", "spent": "59000"})
    assert delivered.status_code == 303
    followed.project.refresh_from_db()
    assert (followed.project.progress, followed.project.spent) == (100, 59000)

    add = reverse("budgets:milestone_add", kwargs={"pk": followed.project.pk})
    assert client_a.post(add, {"title": "Réception des travaux", "due_on": "2027-06-30"}).status_code == 303
    missing = client_a.post(add, {"title": "", "due_on": "pas une date"})
    assert missing.status_code == 400
    assert 'aria-describedby="milestone_title_errors"' in missing.content.decode()
    milestone = Milestone.objects.get(project=followed.project)
    reach = reverse("budgets:milestone_reach", kwargs={"pk": milestone.pk})
    assert client_a.get(reach).status_code == 405
    assert client_a.post(reach).status_code == 303
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    edit_milestone = reverse("budgets:milestone_edit", kwargs={"pk": milestone.pk})
    assert client_a.post(edit_milestone, {"title": "Réception", "due_on": "2027-07-01"}).status_code == 303
    milestone.refresh_from_db()
    assert (milestone.title, milestone.done_on) == ("Réception", None)
    delete = reverse("budgets:milestone_delete", kwargs={"pk": milestone.pk})
    assert client_a.get(delete).status_code == 200
    assert client_a.post(delete).status_code == 303
    assert not Milestone.objects.filter(pk=milestone.pk).exists()

    news_url = reverse("budgets:news_publish", kwargs={"pk": followed.project.pk})
    no_alt = client_a.post(news_url, {"title": "Photo", "body": "Texte",
                                      "photo": SimpleUploadedFile("a.jpg", jpeg_with_exif().getvalue())})
    assert no_alt.status_code == 400
    assert 'aria-describedby="news_photo_alt_helptext news_photo_alt_errors"' in no_alt.content.decode()
    published = client_a.post(news_url, {"title": "Inauguration", "body": "Samedi à 11 h.\n\nVenez nombreux.",
                                          "photo": SimpleUploadedFile("a.jpg", jpeg_with_exif().getvalue()),
                                          "photo_alt": "Le ruban coupé"})
    assert published.status_code == 303
    news = ProjectNews.objects.get(project=followed.project)
    assert news.body == "<p>Samedi à 11 h.</p>\n\n<p>Venez nombreux.</p>"
    assert news.recipients == 5


def test_staff_pages_of_a_loser_refuse_to_record(followed, client_a):
    client_a.force_login(city_admin())
    edit = reverse("budgets:realisation_edit", kwargs={"pk": followed.loser.pk})
    page = client_a.get(edit).content.decode()
    assert _either(page, "Only winning projects are followed", "Seuls les projets lauréats")
    refused = client_a.post(edit, {"realisation": "works", "progress": "10", "spent": "0"})
    assert refused.status_code == 403
    assert Project.objects.get(pk=followed.loser.pk).progress == 0


def test_agents_may_follow_projects_too(followed, client_a):
    client_a.force_login(account("agent"))
    edit = reverse("budgets:realisation_edit", kwargs={"pk": followed.project.pk})
    assert client_a.post(edit, {"realisation": "studies", "progress": "5", "spent": "0"}).status_code == 303
