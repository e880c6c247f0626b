"""Isolation cases of the budget module (realisation and evaluation); picked up by tests/isolation.py.

The harness's client is anonymous. Staff views look their object up before checking the role: city A
answers its own object with the sign-in redirect (302), or 405 for a POST-only action, and city B 404.
Binary answers (the PDF report, a photo) carry no marker text: their status proves the case.
"""

from tests.isolation import IsolationCase

TITLE = "Budget isolé de la ville A"


def _followed(city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenant_apps.budgets.services.realisation import milestone_save, project_news_publish
    from tenant_apps.budgets.tests.factories import phases_shift_to
    from tenant_apps.budgets.tests.test_realisation_support import Followed, jpeg_with_exif

    followed = Followed(title=TITLE)
    milestone = milestone_save(project=followed.project, actor=followed.agent, title="Jalon isolé")
    photo = SimpleUploadedFile("photo.jpg", jpeg_with_exif().getvalue(), content_type="image/jpeg")
    news = project_news_publish(project=followed.project, actor=followed.agent, title="Nouvelle isolée",
                                body="Texte", photo=photo, photo_alt="Un chantier")
    phases_shift_to(followed.edition, 5)  # the evaluation phase: its page and report are public
    return followed, milestone, news


def _edition(city):
    followed, _milestone, _news = _followed(city)
    return {"slug": followed.edition.process.slug}, TITLE


def _edition_binary(city):
    followed, _milestone, _news = _followed(city)
    return {"slug": followed.edition.process.slug}, ""


def _project(city):
    followed, _milestone, _news = _followed(city)
    return {"pk": followed.project.pk}, "Verdir le quartier"


def _milestone(city):
    _followed_edition, milestone, _news = _followed(city)
    return {"pk": milestone.pk}, "Jalon isolé"


def _news_photo(city):
    _followed_edition, _milestone, news = _followed(city)
    return {"pk": news.pk}, ""


CASES = [
    IsolationCase("budgets:realisation", _edition),
    IsolationCase("budgets:evaluation", _edition),
    IsolationCase("budgets:evaluation_pdf", _edition_binary),
    IsolationCase("budgets:satisfaction", _edition),
    IsolationCase("budgets:news_photo", _news_photo),
    IsolationCase("budgets:realisation_manage", _edition, status_home=302),
    IsolationCase("budgets:realisation_edit", _project, status_home=302),
    IsolationCase("budgets:milestone_add", _project, status_home=405),
    IsolationCase("budgets:news_publish", _project, status_home=405),
    IsolationCase("budgets:milestone_edit", _milestone, status_home=302),
    IsolationCase("budgets:milestone_reach", _milestone, status_home=405),
    IsolationCase("budgets:milestone_delete", _milestone, status_home=302),
]
EXEMPT = {}
