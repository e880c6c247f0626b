"""The city's audit log: city administrators read, filter and export it; nobody else does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shared_apps.audit.models import AuditEntry
from shared_apps.audit.services import city_audit_record
from tenant_apps.exports.tests.helpers import read_csv, read_xlsx
from tenant_apps.participation.tests.factories import account, city_admin, process_in_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(in_a):
    admin = city_admin()
    agent = account("agent", email="agent.journal@exemple.fr")
    process = process_in_phase("ideas", "submission", actor=admin, title="Démarche journalisée")
    city_audit_record(actor=agent, action="contribution.status", target=process, status="=cmd|' /C calc'!A0")
    city_audit_record(actor=None, action="process.phase_change", target=process)
    return {"admin": admin, "agent": agent, "process": process}


def test_an_admin_reads_the_audit_log_newest_first(log, client_a):
    client_a.force_login(log["admin"])
    response = client_a.get(reverse("exports:audit_log"))
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    assert entries[0].action == "process.phase_change"
    assert {"process.create", "contribution.status"} <= {e.action for e in entries}
    page = response.content.decode()
    assert "agent.journal@exemple.fr" in page and "The platform" in page


@pytest.mark.parametrize("name", ["audit_log", "audit_log_export"])
def test_only_city_admins_read_the_audit_log(log, client_a, name):
    url = reverse(f"exports:{name}")
    response = client_a.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for role in ("agent", "moderator", "citizen"):
        client_a.force_login(account(role))
        response = client_a.get(url)
        assert response.status_code == 403
        assert b"agent.journal@exemple.fr" not in response.content


def test_the_audit_log_is_filtered_by_action_and_by_who_acted(log, client_a):
    client_a.force_login(log["admin"])
    by_action = client_a.get(reverse("exports:audit_log"), {"action": "contribution.status"})
    assert [e.action for e in by_action.context["page"].object_list] == ["contribution.status"]
    by_actor = client_a.get(reverse("exports:audit_log"), {"actor": log["admin"].email})
    actions = {e.action for e in by_actor.context["page"].object_list}
    assert "process.create" in actions and "contribution.status" not in actions
    assert "contribution.status" in by_action.context["choices"]["actions"]
    assert "agent.journal@exemple.fr" in by_action.context["choices"]["actors"]
    nothing = client_a.get(reverse("exports:audit_log"), {"action": "nothing.like.this"})
    assert nothing.status_code == 200 and not nothing.context["page"].object_list


def test_the_audit_log_is_exported_with_its_filters(log, client_a):
    client_a.force_login(log["admin"])
    url = reverse("exports:audit_log_export")
    rows = read_csv(client_a.get(url, {"action": "contribution.status", "format": "csv"}))
    assert [(r["Who"], r["Action"], r["On"]) for r in rows] == [
        ("agent.journal@exemple.fr", "contribution.status", f"participation.process:{log['process'].pk}")]
    assert rows[0]["Details"] == '{"status":"=cmd|\' /C calc\'!A0"}'  # starts with "{": no formula
    everything = read_xlsx(client_a.get(url, {"format": "xlsx"}))
    assert len(everything) == AuditEntry.objects.count()  # this export included: it is recorded first
    assert AuditEntry.objects.filter(action="export.audit_log", actor=log["admin"]).count() == 2


def test_an_injected_formula_in_the_details_stays_text(in_a, client_a):
    admin = city_admin()
    city_audit_record(actor=admin, action="=2+5")
    client_a.force_login(admin)
    rows = read_xlsx(client_a.get(reverse("exports:audit_log_export"), {"format": "xlsx", "action": "=2+5"}))
    assert [r["Action"] for r in rows] == ["'=2+5"]


def test_the_audit_log_page_needs_a_bounded_number_of_queries(in_a, client_a):
    admin = city_admin()
    for n in range(2):
        city_audit_record(actor=account("agent"), action=f"test.action{n}")
    client_a.force_login(admin)
    url = reverse("exports:audit_log")
    client_a.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client_a.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(40):
        city_audit_record(actor=account("agent"), action=f"test.action{n % 4}")
    assert count() == few
