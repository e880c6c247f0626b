"""The review pages: the queue and its filters, the contribution under review and its actions."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tenant_apps.notifications.models import Follow
from tenant_apps.notifications.services import follow_start
from tenant_apps.organisation.services import department_create
from tenant_apps.participation.models import Contribution, OfficialAnswer, Status, StatusChange
from tenant_apps.participation.services import district_create, theme_create
from tenant_apps.participation.tests.factories import city_admin, process_in_phase
from tenant_apps.review import services
from tenant_apps.review.models import InternalNote
from tenant_apps.review.tests.helpers import account, contribution, fresh, ideas, set_status
from tenant_apps.votes.services import vote_cast

pytestmark = pytest.mark.django_db

QUEUE = "/gestion/instruction/"


def _listed(response) -> set[int]:
    assert response.status_code == 200
    return {item.pk for item in response.context["page"].object_list}


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The queue --------------------------------------------------------------------------------------


def test_the_queue_filters_by_status_district_theme_department_and_assignment(in_a, client_a):
    agent, colleague = account("agent"), account("agent")
    roads = department_create(name="Voirie essai", agents=[agent])
    parks = department_create(name="Parcs essai", agents=[colleague])
    north = district_create(name="Nord")
    sport = theme_create(label_fr="Sport")
    process = ideas()
    in_north = contribution(process, district=north)
    in_sport = contribution(process, themes=[sport])
    accepted = set_status(contribution(process), "accepted")
    mine = contribution(process)
    for_my_department = contribution(process)
    for_parks = contribution(process)
    services.contribution_assign(contribution=mine, actor=agent, agent=agent)
    services.contribution_assign(contribution=for_my_department, actor=agent, department=roads)
    services.contribution_assign(contribution=for_parks, actor=agent, department=parks)
    kept = contribution(process)
    merged = contribution(process)
    services.contribution_merge(duplicate=merged, survivor=kept, actor=agent)
    client_a.force_login(agent)

    everything = _listed(client_a.get(QUEUE))
    assert merged.pk not in everything and {in_north.pk, in_sport.pk, accepted.pk, kept.pk} <= everything
    assert _listed(client_a.get(QUEUE, {"status": "accepted"})) == {accepted.pk}
    assert _listed(client_a.get(QUEUE, {"district": "nord"})) == {in_north.pk}
    assert _listed(client_a.get(QUEUE, {"theme": sport.slug})) == {in_sport.pk}
    assert _listed(client_a.get(QUEUE, {"department": parks.pk})) == {for_parks.pk}
    assert _listed(client_a.get(QUEUE, {"assigned": "me"})) == {mine.pk, for_my_department.pk}
    assert _listed(client_a.get(QUEUE, {"assigned": str(agent.pk)})) == {mine.pk}
    unassigned = _listed(client_a.get(QUEUE, {"assigned": "unassigned"}))
    assert not unassigned & {mine.pk, for_my_department.pk, for_parks.pk} and in_north.pk in unassigned
    assert _listed(client_a.get(QUEUE, {"q": str(in_sport.pk)})) == {in_sport.pk}
    assert _listed(client_a.get(QUEUE, {"q": in_north.title})) == {in_north.pk}


def test_the_queue_shows_internal_statuses_and_offers_drafts_to_staff(in_a, client_a):
    admin = account("city_admin")
    draft_process = process_in_phase("call_for_projects", "submission", actor=admin, publish=False)
    # Applications are submitted while the process is published; it can be a draft again later.
    published = process_in_phase("call_for_projects", "submission", actor=admin)
    application = contribution(published, title="Une candidature interne")
    client_a.force_login(account("agent"))
    response = client_a.get(QUEUE, {"process": published.pk})
    assert _listed(response) == {application.pk}
    assert "Une candidature interne" in response.content.decode()
    assert str(draft_process.pk) in [value for value, _label in response.context["form"].fields["process"].choices]


def test_the_queue_takes_the_same_number_of_queries_for_2_or_30_contributions(in_a, client_a):
    agent = account("agent")
    department = department_create(name="Voirie requêtes", agents=[agent])
    district = district_create(name="Centre")
    process = ideas()
    client_a.force_login(agent)
    counts = []
    for rows in (2, 30):
        while Contribution.objects.count() < rows:
            item = contribution(process, district=district)
            services.contribution_assign(contribution=item, actor=agent, agent=agent, department=department)
        with CaptureQueriesContext(connection) as queries:
            response = client_a.get(QUEUE)
        assert len(response.context["page"].object_list) == rows
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 25, counts


def test_the_review_page_takes_a_bounded_number_of_queries(in_a, client_a):
    agent = account("agent")
    process = ideas()
    item = contribution(process)
    client_a.force_login(agent)
    url = reverse("review:contribution", args=[item.pk])
    counts = []
    for notes in (1, 10):
        while InternalNote.objects.count() < notes:
            services.internal_note_add(contribution=item, actor=account("agent"), body="Une note")
            contribution(process)
        with CaptureQueriesContext(connection) as queries:
            assert client_a.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Access ---------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(in_a, client_a):
    item = contribution(ideas())
    for url in (QUEUE, reverse("review:contribution", args=[item.pk])):
        response = client_a.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    response = client_a.post(reverse("review:note", args=[item.pk]), {"body": "Intrusion"})
    assert response.status_code == 302 and not InternalNote.objects.exists()


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_citizens_and_moderators_are_refused_and_nothing_changes(in_a, client_a, role):
    process = ideas()
    item, other = contribution(process), contribution(process)
    accepted = Status.objects.get(process_kind="ideas", key="accepted")
    client_a.force_login(account(role))
    assert client_a.get(QUEUE).status_code == 403
    assert client_a.get(reverse("review:contribution", args=[item.pk])).status_code == 403
    posts = {
        "assign": {"agent": account("agent").pk},
        "note": {"body": "Intrusion"},
        "status": {"status": accepted.pk},
        "answer": {"body": "Réponse pirate"},
        "merge": {"survivor": other.pk},
    }
    for name, data in posts.items():
        assert client_a.post(reverse(f"review:{name}", args=[item.pk]), data).status_code == 403, name
    assert client_a.post(reverse("review:bulk_status"), {"ids": [item.pk], "status": accepted.pk}).status_code == 403
    item = fresh(item)
    assert (item.assigned_to, item.status.key, item.merged_into) == (None, "submitted", None)
    assert not InternalNote.objects.exists() and not OfficialAnswer.objects.exists()
    assert not StatusChange.objects.exists()


def test_actions_answer_405_to_a_get(in_a, client_a):
    item = contribution(ideas())
    client_a.force_login(account("agent"))
    for name in ("assign", "note", "status", "answer", "merge"):
        assert client_a.get(reverse(f"review:{name}", args=[item.pk])).status_code == 405
    assert client_a.get(reverse("review:bulk_status")).status_code == 405


def test_a_city_admin_reviews_too(in_a, client_a):
    item = contribution(ideas(), title="Vue par l'administration")
    client_a.force_login(city_admin())
    assert "Vue par l" in client_a.get(reverse("review:contribution", args=[item.pk])).content.decode()


# --- Bulk status changes ---------------------------------------------------------------------------------


def test_a_bulk_change_from_the_queue_moves_the_selection(in_a, client_a):
    process = ideas()
    chosen = [contribution(process) for _ in range(2)]
    left = contribution(process)
    accepted = Status.objects.get(process_kind="ideas", key="accepted")
    client_a.force_login(account("agent"))
    response = client_a.post(reverse("review:bulk_status"), {
        "ids": [c.pk for c in chosen], "status": accepted.pk, "message": "Bonne nouvelle",
        "next": QUEUE + "?status=submitted"})
    assert response.status_code == 302 and response["Location"] == QUEUE + "?status=submitted"
    assert [fresh(c).status.key for c in chosen] == ["accepted", "accepted"]
    assert fresh(left).status.key == "submitted"
    assert set(StatusChange.objects.values_list("message", flat=True)) == {"Bonne nouvelle"}


def test_a_bulk_change_with_a_bad_id_or_a_status_of_another_kind_changes_nothing(in_a, client_a):
    process = ideas()
    chosen = [contribution(process) for _ in range(2)]
    project = contribution(process_in_phase("budget", "submission"), title="Projet d'un autre genre")
    accepted = Status.objects.get(process_kind="ideas", key="accepted")
    client_a.force_login(account("agent"))
    url = reverse("review:bulk_status")
    response = client_a.post(url, {"ids": [chosen[0].pk, 99999999, chosen[1].pk], "status": accepted.pk})
    assert response.status_code == 302 and "99999999" in " ".join(_messages(response))
    response = client_a.post(url, {"ids": [chosen[0].pk, project.pk], "status": accepted.pk})
    assert response.status_code == 302 and "Projet d" in " ".join(_messages(response))
    response = client_a.post(url, {"ids": [chosen[0].pk], "status": "not-a-status"})
    assert response.status_code == 302
    response = client_a.post(url, {"status": accepted.pk, "next": "https://ailleurs.example/"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert {fresh(c).status.key for c in [*chosen, project]} == {"submitted"}
    assert not StatusChange.objects.exists()


# --- The contribution under review ------------------------------------------------------------------------


def test_notes_are_shown_to_staff_and_never_on_the_public_page(in_a, client_a):
    author = account()
    item = contribution(ideas(), author=author)
    agent = account("agent")
    client_a.force_login(agent)
    response = client_a.post(reverse("review:note", args=[item.pk]), {"body": "Secret de service 42"})
    assert response.status_code == 302 and response["Location"] == reverse("review:contribution", args=[item.pk])
    assert "Secret de service 42" in client_a.get(response["Location"]).content.decode()
    for viewer in (agent, author, account()):
        client_a.force_login(viewer)
        page = client_a.get(item.get_absolute_url())
        assert page.status_code == 200 and "Secret de service 42" not in page.content.decode()
    client_a.logout()
    assert "Secret de service 42" not in client_a.get(item.get_absolute_url()).content.decode()


def test_an_empty_note_is_refused_with_a_message(in_a, client_a):
    item = contribution(ideas())
    client_a.force_login(account("agent"))
    response = client_a.post(reverse("review:note", args=[item.pk]), {"body": ""})
    assert response.status_code == 302 and _messages(response)
    assert not InternalNote.objects.exists()


def test_staff_assign_to_an_agent_and_a_department_but_never_to_a_citizen(in_a, client_a):
    agent = account("agent")
    department = department_create(name="Propreté essai")
    item = contribution(ideas())
    client_a.force_login(agent)
    url = reverse("review:assign", args=[item.pk])
    citizen = account()
    response = client_a.post(url, {"agent": citizen.pk})
    assert response.status_code == 302 and _messages(response)
    assert fresh(item).assigned_to is None
    client_a.post(url, {"agent": agent.pk, "department": department.pk})
    item = fresh(item)
    assert (item.assigned_to, item.assigned_department) == (agent, department)


def test_staff_change_the_status_and_answer_from_the_review_page(in_a, client_a, django_capture_on_commit_callbacks):
    author = account()
    item = contribution(ideas(), author=author)
    under_review = Status.objects.get(process_kind="ideas", key="under_review")
    client_a.force_login(account("agent"))
    client_a.post(reverse("review:status", args=[item.pk]), {"status": under_review.pk, "message": "On étudie."})
    assert fresh(item).status == under_review
    # A status of another kind is not offered, and refused.
    winner = Status.objects.get(process_kind="budget", key="winner")
    response = client_a.post(reverse("review:status", args=[item.pk]), {"status": winner.pk})
    assert response.status_code == 302 and fresh(item).status == under_review
    client_a.post(reverse("review:answer", args=[item.pk]),
                  {"body": "<p>Nous allons <strong>le faire</strong>.</p><script>alert(1)</script>"})
    answer = OfficialAnswer.objects.get(contribution=item)
    assert "<strong>le faire</strong>" in answer.body and "<script" not in answer.body
    response = client_a.get(reverse("review:contribution", args=[item.pk]))
    assert "On étudie." in response.content.decode()


def test_merging_from_the_review_page(in_a, client_a):
    process = ideas()
    survivor, duplicate = contribution(process, title="La survivante"), contribution(process)
    voter, follower = account(), account()
    vote_cast(contribution=survivor, voter=voter, value=1)
    vote_cast(contribution=duplicate, voter=voter, value=1)
    follow_start(user=follower, contribution=duplicate)
    client_a.force_login(account("agent"))
    page = client_a.get(reverse("review:contribution", args=[duplicate.pk])).content.decode()
    assert "La survivante" in page  # offered in the list
    response = client_a.post(reverse("review:merge", args=[duplicate.pk]), {"survivor_id": survivor.pk})
    assert response.status_code == 302
    survivor, duplicate = fresh(survivor), fresh(duplicate)
    assert duplicate.merged_into == survivor and survivor.for_count == 1
    assert duplicate.author in survivor.coauthors.all()
    assert Follow.objects.filter(user=follower, contribution=survivor).exists()
    page = client_a.get(reverse("review:contribution", args=[duplicate.pk])).content.decode()
    assert survivor.get_absolute_url() in page
    # Merging again, or into a contribution of another process, is refused with a message.
    other = contribution(ideas())
    response = client_a.post(reverse("review:merge", args=[survivor.pk]), {"survivor_id": other.pk})
    assert response.status_code == 302 and _messages(response) and fresh(survivor).merged_into is None
    response = client_a.post(reverse("review:merge", args=[survivor.pk]), {"survivor_id": 99999999})
    assert response.status_code == 302 and fresh(survivor).merged_into is None


def test_the_filtered_queue_downloads_as_csv_and_xlsx_with_the_roles_personal_data(in_a, client_a):
    import csv
    import io

    from openpyxl import load_workbook

    from tenant_apps.participation.tests.factories import account, city_admin, contribution, process_in_phase

    process = process_in_phase("ideas", "submission")
    author = account(full_name="Zoé Exportée", email="zoe.exportee@exemple.fr")
    contribution(process, author=author, title="Idée à exporter")
    contribution(process, title="Autre idée")
    url = reverse("review:queue")

    client_a.force_login(account("agent"))
    response = client_a.get(url, {"q": "exporter", "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2 and rows[1][1] == "Idée à exporter"
    assert "Zoé Exportée" in text and "zoe.exportee@exemple.fr" not in text  # agents: names only

    client_a.force_login(city_admin())
    response = client_a.get(url, {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert "zoe.exportee@exemple.fr" in values and "Autre idée" in values
