"""Staff exports: contributions, comments, vote counts (CSV, XLSX) and a whole process (JSON)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override

from shared_apps.audit.models import AuditEntry
from tenant_apps.discussion.services import argument_post, comment_post
from tenant_apps.exports.tests.helpers import content, read_csv, read_json, read_xlsx
from tenant_apps.participation.models import Status
from tenant_apps.participation.services import contribution_status_change, official_answer_publish, theme_create
from tenant_apps.participation.tests.factories import account, city_admin, contribution, process_in_phase
from tenant_apps.votes.services import vote_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(in_a):
    """An idea box with two contributions, a comment, an argument, votes, a status change and an answer."""
    admin = city_admin()
    process = process_in_phase("ideas", "submission", actor=admin, title="Boîte à idées 2026")
    camille = account(full_name="Camille Dupré-Export", email="camille.export@exemple.fr")
    bench = contribution(process, author=camille, title="Des bancs place du marché",
                         body="<p>Pour <strong>s'asseoir</strong> à l'ombre.</p>")
    other = contribution(process, title="Un composteur partagé")
    voter = account()
    vote_cast(contribution=bench, voter=voter, value=1)
    vote_cast(contribution=bench, voter=account(), value=-1)
    comment_post(contribution=bench, author=account(full_name="Dominique Commentaire",
                                                    email="dominique.comment@exemple.fr"), body="Bonne idée !")
    argument_post(contribution=bench, author=voter, side="for", body="Les anciens en ont besoin.")
    status = Status.objects.filter(process_kind="ideas", is_public=True, is_default=False).first()
    contribution_status_change(contribution=bench, status=status, actor=admin, message="Étudiée par le service.")
    official_answer_publish(contribution=bench, body="<p>Nous installerons trois bancs.</p>", actor=admin)
    return {"admin": admin, "process": process, "bench": bench, "other": other, "author": camille,
            "status": status}


def _url(name, process, file_format=None):
    url = reverse(f"exports:{name}", kwargs={"pk": process.pk})
    return f"{url}?format={file_format}" if file_format else url


def test_an_admin_exports_contributions_as_csv_with_names_and_e_mails(activity, client_a):
    client_a.force_login(activity["admin"])
    response = client_a.get(_url("contributions", activity["process"], "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{activity["process"].slug}-contributions-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert [r["Title"] for r in rows] == ["Des bancs place du marché", "Un composteur partagé"]
    bench = rows[0]
    assert bench["Author"] == "Camille Dupré-Export"
    assert bench["Author's e-mail address"] == "camille.export@exemple.fr"
    assert bench["Description"] == "Pour s'asseoir à l'ombre."
    with override("en"):
        assert bench["Status"] == activity["status"].label
    assert [bench["Votes for"], bench["Votes against"], bench["Comments"]] == ["1", "1", "1"]
    assert bench["Official answer"] == "Nous installerons trois bancs."


def test_an_agent_gets_the_names_but_never_the_e_mails(activity, client_a):
    client_a.force_login(account("agent"))
    csv_rows = read_csv(client_a.get(_url("contributions", activity["process"], "csv")))
    xlsx_rows = read_xlsx(client_a.get(_url("contributions", activity["process"], "xlsx")))
    for rows in (csv_rows, xlsx_rows):
        assert rows[0]["Author"] == "Camille Dupré-Export"
        assert "Author's e-mail address" not in rows[0]
    comments = client_a.get(_url("comments", activity["process"], "csv"))
    raw = content(client_a.get(_url("process_json", activity["process"]))) + content(comments)
    assert b"@exemple.fr" not in raw
    assert b"Dominique Commentaire" in raw


def test_an_agent_without_a_full_name_is_not_exported_by_e_mail(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    contribution(process, author=account(full_name="", email="sans.nom@exemple.fr"))
    client_a.force_login(account("agent"))
    rows = read_csv(client_a.get(_url("contributions", process, "csv")))
    assert rows[0]["Author"] == ""
    assert b"sans.nom" not in content(client_a.get(_url("process_json", process)))


def test_xlsx_has_the_same_columns_and_values_as_csv(activity, client_a):
    client_a.force_login(activity["admin"])
    response = client_a.get(_url("contributions", activity["process"], "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    rows = read_xlsx(response)
    csv_rows = read_csv(client_a.get(_url("contributions", activity["process"], "csv")))
    assert list(rows[0]) == list(csv_rows[0])
    assert rows[0]["Author's e-mail address"] == "camille.export@exemple.fr"
    assert rows[0]["Votes for"] == 1  # numbers stay numbers in a workbook
    assert rows[0]["Submitted on"].year == activity["bench"].created_at.year


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    contribution(process, title='=HYPERLINK("http://evil.example","clic")', body="<p>+33 1 23 45 67 89</p>",
                 author=account(full_name="@Mallory"))
    contribution(process, title="-1+1", body="<p>Sans risque = rien</p>")
    client_a.force_login(account("agent"))
    for rows in (read_csv(client_a.get(_url("contributions", process, "csv"))),
                 read_xlsx(client_a.get(_url("contributions", process, "xlsx")))):
        by_title = {r["Title"]: r for r in rows}
        assert set(by_title) == {"'=HYPERLINK(\"http://evil.example\",\"clic\")", "'-1+1"}
        first = by_title["'=HYPERLINK(\"http://evil.example\",\"clic\")"]
        assert first["Description"] == "'+33 1 23 45 67 89"
        assert first["Author"] == "'@Mallory"
        assert by_title["'-1+1"]["Description"] == "Sans risque = rien"


def test_comments_and_vote_counts_are_exported(activity, client_a):
    client_a.force_login(activity["admin"])
    comments = read_csv(client_a.get(_url("comments", activity["process"], "csv")))
    assert [(c["Contribution"], c["Comment"], c["Author"], c["Author's e-mail address"]) for c in comments] == [
        ("Des bancs place du marché", "Bonne idée !", "Dominique Commentaire", "dominique.comment@exemple.fr")]
    votes = read_xlsx(client_a.get(_url("votes", activity["process"], "xlsx")))
    assert [(v["Title"], v["Votes for"], v["Votes against"], v["Neutral votes"]) for v in votes] == [
        ("Des bancs place du marché", 1, 1, 0), ("Un composteur partagé", 0, 0, 0)]
    assert "Author" not in votes[0]


def test_a_whole_process_is_exported_as_json(activity, client_a):
    client_a.force_login(activity["admin"])
    response = client_a.get(_url("process_json", activity["process"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = read_json(response)
    assert document["process"]["slug"] == activity["process"].slug
    assert [p["type"] for p in document["phases"]] == ["information", "submission", "review", "follow_up"]
    assert {s["key"] for s in document["statuses"]} >= {activity["status"].key}
    bench = next(c for c in document["contributions"] if c["title"] == "Des bancs place du marché")
    assert bench["author"] == {"name": "Camille Dupré-Export", "email": "camille.export@exemple.fr"}
    assert bench["votes"] == {"support": 0, "for": 1, "against": 1, "neutral": 0}
    assert bench["status_history"][-1]["to"] == activity["status"].key
    assert bench["status_history"][-1]["message"] == "Étudiée par le service."
    assert bench["official_answer"]["body_html"] == "<p>Nous installerons trois bancs.</p>"
    assert [c["body"] for c in bench["comments"]] == ["Bonne idée !"]
    assert [(a["side"], a["body"]) for a in bench["arguments"]] == [("for", "Les anciens en ont besoin.")]
    assert len(document["contributions"]) == 2


def test_hidden_and_internal_contributions_are_in_staff_exports(in_a, client_a):
    from tenant_apps.moderation.services import content_hide

    admin = city_admin()
    process = process_in_phase("ideas", "submission", actor=admin)
    hidden = contribution(process, title="Cachée")
    content_hide(target=hidden, moderator=admin, reason="Hors sujet")
    client_a.force_login(admin)
    rows = read_csv(client_a.get(_url("contributions", process, "csv")))
    assert [(r["Title"], r["Hidden by moderation"], r["Reason for hiding"]) for r in rows] == [
        ("Cachée", "Yes", "Hors sujet")]


def test_every_export_is_recorded_in_the_audit_log(activity, client_a):
    agent = account("agent")
    client_a.force_login(agent)
    client_a.get(_url("contributions", activity["process"], "xlsx"))
    client_a.get(_url("process_json", activity["process"]))
    entries = AuditEntry.objects.filter(actor=agent).order_by("id")
    assert [(e.action, e.data["format"], e.data["personal_data"]) for e in entries] == [
        ("export.contributions", "xlsx", "name"), ("export.process", "json", "name")]
    assert entries[0].data["target"] == f"participation.process:{activity['process'].pk}"


@pytest.mark.parametrize("name", ["contributions", "comments", "votes", "process_json"])
def test_only_staff_export(activity, client_a, name):
    url = _url(name, activity["process"])
    response = client_a.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for role in ("citizen", "moderator"):
        client_a.force_login(account(role))
        assert client_a.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action__startswith="export.").exists()


def test_an_unknown_format_is_refused(activity, client_a):
    client_a.force_login(account("agent"))
    assert client_a.get(_url("contributions", activity["process"], "pdf")).status_code == 400
    assert not AuditEntry.objects.filter(action__startswith="export.").exists()


def test_drafts_are_exported_by_staff(in_a, client_a):
    process = process_in_phase("ideas", "submission", publish=False, title="Brouillon exportable")
    client_a.force_login(account("agent"))
    assert read_json(client_a.get(_url("process_json", process)))["process"]["visibility"] == "draft"
    assert "Brouillon exportable" in client_a.get(reverse("exports:index")).content.decode()


def test_the_exports_page_lists_what_can_be_exported(activity, client_a):
    client_a.force_login(account("agent"))
    page = client_a.get(reverse("exports:index")).content.decode()
    for name in ("contributions", "comments", "votes", "process_json"):
        assert _url(name, activity["process"]) in page
    assert reverse("exports:audit_log") not in page.split("backoffice-main")[1]  # admins only
    client_a.force_login(account("citizen"))
    assert client_a.get(reverse("exports:index")).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        content(response)  # the rows are read while the file streams
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(in_a, client_a):
    admin = city_admin()
    small = process_in_phase("ideas", "submission", actor=admin)
    large = process_in_phase("ideas", "submission", actor=admin)
    themes = [theme_create(label_fr=f"Thème {n}", actor=admin) for n in range(2)]
    for process, n in ((small, 2), (large, 30)):
        for i in range(n):
            item = contribution(process, themes=themes, author=account())
            if i % 3 == 0:
                comment_post(contribution=item, author=account(), body="Un commentaire.")
                argument_post(contribution=item, author=account(), side="against", body="Un argument.")
                official_answer_publish(contribution=item, body="<p>Réponse.</p>", actor=admin)
    client_a.force_login(admin)
    _queries(client_a, _url("contributions", small, "csv"))  # warm the session and caches
    for name, file_format in (("contributions", "csv"), ("contributions", "xlsx"), ("comments", "csv"),
                              ("votes", "csv"), ("process_json", None)):
        assert _queries(client_a, _url(name, small, file_format)) == _queries(
            client_a, _url(name, large, file_format)), name
