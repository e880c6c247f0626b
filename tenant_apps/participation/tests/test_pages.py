"""The public pages of the kernel: home, processes, contribution lists (filters, search, sorts, map), forms."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from tenant_apps.participation import services
from tenant_apps.participation.models import Contribution, Status
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase

pytestmark = pytest.mark.django_db


def test_home_lists_open_processes_and_latest_activity(in_a, client_a):
    process = process_in_phase("ideas", "submission", title="Boîte à idées du printemps")
    contribution(process, title="Un marché de producteurs")
    process_in_phase("budget", 0, publish=False, title="Brouillon invisible")
    page = client_a.get("/").content.decode()
    assert "Boîte à idées du printemps" in page
    assert "Un marché de producteurs" in page
    assert "Brouillon invisible" not in page


def test_process_list_groups_by_phase_and_hides_drafts_from_citizens(in_a, client_a):
    process_in_phase("ideas", "submission", title="Ouvert maintenant")
    process_in_phase("budget", 0, publish=False, title="Brouillon")
    response = client_a.get(reverse("participation:process_list"))
    assert response.status_code == 200
    assert "Ouvert maintenant" in response.content.decode()
    assert "Brouillon" not in response.content.decode()


def test_draft_process_is_visible_to_staff_only(in_a, client_a):
    draft = process_in_phase("budget", 0, publish=False)
    url = reverse("participation:process_detail", args=[draft.slug])
    assert client_a.get(url).status_code == 404
    client_a.force_login(account("citizen"))
    assert client_a.get(url).status_code == 404
    client_a.force_login(account("agent"))
    assert client_a.get(url).status_code == 200


def test_process_page_shows_its_timeline_and_what_can_be_done_now(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    page = client_a.get(reverse("participation:process_detail", args=[process.slug])).content.decode()
    for phase in process.phases.all():
        assert phase.title in page
    assert 'aria-current="step"' in page
    assert reverse("account_login") in page  # contributions are open: sign in to take part

    client_a.force_login(account())
    page = client_a.get(reverse("participation:process_detail", args=[process.slug])).content.decode()
    assert reverse("participation:contribution_create", args=[process.slug]) in page


def test_a_process_of_a_module_switched_off_disappears(in_a, client_a, city_a):
    from django.db import connection

    from billing.services import licence_set_enabled

    process = process_in_phase("ideas", "submission")
    connection.set_schema_to_public()
    licence_set_enabled(collectivity=city_a, module="ideas", enabled=False)
    connection.set_schema(city_a.schema_name)
    assert client_a.get(reverse("participation:process_detail", args=[process.slug])).status_code == 404
    assert process.title not in client_a.get(reverse("participation:process_list")).content.decode()


def _jpeg(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def test_a_citizen_submits_a_contribution_with_a_photo(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    author = account()
    client_a.force_login(author)
    response = client_a.post(reverse("participation:contribution_create", args=[process.slug]), {
        "title": "Des bancs au parc", "body": "Pour se reposer <script>alert(1)</script> à l'ombre.",
        "files": [_jpeg()],
    })
    created = Contribution.objects.get(process=process)
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert created.author == author and "<script>" not in created.body
    assert created.status == Status.objects.get(process_kind="ideas", is_default=True)
    attachment = created.attachments.get()
    page = client_a.get(created.get_absolute_url()).content.decode()
    assert "Des bancs au parc" in page
    image = client_a.get(reverse("participation:attachment", args=[attachment.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["X-Content-Type-Options"] == "nosniff"


def test_an_invalid_submission_gets_messages_and_writes_nothing(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    client_a.force_login(account())
    url = reverse("participation:contribution_create", args=[process.slug])
    response = client_a.post(url, {"title": "", "body": "x"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    fake = io.BytesIO(b"not an image at all")
    fake.name = "photo.jpg"
    response = client_a.post(url, {"title": "Titre", "body": "Texte", "files": [fake]})
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert not Contribution.objects.filter(process=process).exists()


def test_submitting_when_closed_is_refused_with_the_reason(in_a, client_a):
    process = process_in_phase("ideas", "review")
    client_a.force_login(account())
    response = client_a.post(reverse("participation:contribution_create", args=[process.slug]),
                             {"title": "Trop tard", "body": "Texte"})
    assert response.status_code == 403
    assert "not open" in response.content.decode() or "pas ouvert" in response.content.decode()
    assert not Contribution.objects.filter(process=process).exists()


def test_anonymous_visitor_is_sent_to_sign_in_before_contributing(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    response = client_a.get(reverse("participation:contribution_create", args=[process.slug]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_list_filters_search_and_sorts(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    district = services.district_create(name="Les Tanneurs")
    first = contribution(process, title="Éclairage du parc", body="Des lampes", district=district)
    second = contribution(process, title="Pistes cyclables", body="Plus de vélos")
    Contribution.objects.filter(pk=second.pk).update(for_count=5)
    url = reverse("participation:contribution_list", args=[process.slug])

    page = client_a.get(url, {"q": "eclairage"}).content.decode()
    assert first.title in page and second.title not in page
    page = client_a.get(url, {"district": district.slug}).content.decode()
    assert first.title in page and second.title not in page
    page = client_a.get(url, {"sort": "supported"}).content.decode()
    assert page.index(second.title) < page.index(first.title)
    page = client_a.get(url, {"sort": "recent"}).content.decode()
    assert page.index(second.title) < page.index(first.title)
    response = client_a.get(url, {"sort": "random"})
    assert "graine=" in response.content.decode() or response.status_code == 200
    assert client_a.get(url, {"sort": "nonsense", "page": "abc"}).status_code == 200


def test_map_view_draws_located_contributions_and_lists_them(in_a, client_a):
    process = process_in_phase("reports", "reporting")
    contribution(process, title="Lampadaire éteint", latitude="45.764000", longitude="4.835000")
    contribution(process, title="Sans lieu")
    page = client_a.get(reverse("participation:contribution_list", args=[process.slug]), {"vue": "carte"})
    html = page.content.decode()
    assert "<svg" in html and "Lampadaire éteint" in html
    assert "<circle" in html and html.count("<circle") == 1


def test_the_author_edits_while_submissions_are_open(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    author = account()
    item = contribution(process, author=author)
    client_a.force_login(account())
    assert client_a.get(reverse("participation:contribution_edit", args=[item.pk])).status_code == 404
    client_a.force_login(author)
    response = client_a.post(reverse("participation:contribution_edit", args=[item.pk]),
                             {"title": "Titre corrigé", "body": "Texte corrigé"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Titre corrigé"


def test_internal_status_hides_a_contribution_from_others(in_a, client_a):
    process = process_in_phase("call_for_projects", "submission")
    author = account()
    item = contribution(process, author=author)  # call for projects: applications start as internal drafts
    assert not item.status.is_public
    assert client_a.get(item.get_absolute_url()).status_code == 404
    client_a.force_login(author)
    assert client_a.get(item.get_absolute_url()).status_code == 200


def test_pages_render_in_a_bounded_number_of_queries(in_a, client_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    process = process_in_phase("ideas", "submission")
    theme = services.theme_create(label_fr="Sport")
    client_a.force_login(account())
    urls = ["/", reverse("participation:process_list"), reverse("participation:process_detail", args=[process.slug]),
            reverse("participation:contribution_list", args=[process.slug]),
            reverse("participation:contribution_list", args=[process.slug]) + "?vue=carte"]
    counts = {}
    for rows in (2, 12):
        while Contribution.objects.filter(process=process).count() < rows:
            contribution(process, themes=[theme], latitude="45.76", longitude="4.83")
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client_a.get(url).status_code == 200
            counts.setdefault(url, []).append(len(queries))
    # The same number of queries for 2 or 12 contributions: nothing is fetched row by row.
    assert all(small == large for small, large in counts.values()), counts
    assert max(max(c) for c in counts.values()) <= 30, counts


def test_staff_change_a_status_and_answer_from_the_contribution_page(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    item = contribution(process)
    citizen = account()
    client_a.force_login(citizen)
    url = reverse("participation:status_change", args=[item.pk])
    assert client_a.post(url, {"status": "accepted"}).status_code == 403
    item.refresh_from_db()
    assert item.status.key == "submitted"

    client_a.force_login(account("agent"))
    assert 'id="staff-title"' in client_a.get(item.get_absolute_url()).content.decode()
    response = client_a.post(url, {"status": "accepted", "message": "Bonne idée, nous la retenons."})
    assert response.status_code == 302
    client_a.post(reverse("participation:answer", args=[item.pk]), {"body": "La ville s'engage à la réaliser."})
    assert client_a.post(url, {"status": "inexistant"}).status_code == 302  # a message, not a 500

    client_a.force_login(citizen)
    page = client_a.get(item.get_absolute_url()).content.decode()
    assert "Bonne idée, nous la retenons." in page
    assert "La ville s&#x27;engage à la réaliser." in page or "La ville s'engage à la réaliser." in page
    assert 'id="staff-title"' not in page
    item.refresh_from_db()
    assert item.status.key == "accepted"


def test_map_coordinates_are_not_localised(in_a, client_a):
    from django.utils import translation

    process = process_in_phase("reports", "reporting")
    contribution(process, title="Banc cassé", latitude="45.764123", longitude="4.835987")
    contribution(process, title="Trottoir abîmé", latitude="45.771", longitude="4.822")
    with translation.override("fr"):
        html = client_a.get(reverse("participation:contribution_list", args=[process.slug]), {"vue": "carte"},
                            HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    import re

    for value in re.findall(r'c[xy]="([^"]+)"', html):
        float(value)  # "285,1" would not parse, nor draw



def test_the_same_form_sent_twice_makes_one_contribution(in_a, client_a):
    import uuid

    process = process_in_phase("ideas", "submission")
    client_a.force_login(account())
    url = reverse("participation:contribution_create", args=[process.slug])
    form = client_a.get(url).content.decode()
    assert 'name="submission_token"' in form
    token = str(uuid.uuid4())
    first = client_a.post(url, {"title": "Un verger", "body": "Des arbres fruitiers.", "submission_token": token})
    again = client_a.post(url, {"title": "Un verger", "body": "Des arbres fruitiers.", "submission_token": token})
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Contribution.objects.filter(process=process).count() == 1
    # The same page used again (back button) for another idea is not a replay.
    client_a.post(url, {"title": "Un rucher", "body": "Des abeilles.", "submission_token": token})
    assert Contribution.objects.filter(process=process).count() == 2
