"""Control plane: provisioning through each entry point, lifecycle, licences, templates, audit."""

import json
import os
import re
import time
from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists
from rest_framework.authtoken.models import Token

from billing.selectors import module_is_available
from billing.services import licence_set_allowed_modules, licence_set_enabled
from conftest import HostClient
from provisioning import services
from provisioning.models import ProvisioningJob
from provisioning.registry import city_seeders
from provisioning.template_schema import TEMPLATE_SCHEMA, TemplateStale, schema_clone_from_template
from shared_apps.accounts.models import User
from shared_apps.accounts.services import account_activate_totp, operator_create
from shared_apps.audit.models import AuditEntry
from tenant_apps.organisation.models import Department
from tenant_apps.organisation.services import department_create
from tenant_apps.pages.models import Page
from tenants.models import Collectivity, Domain

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _code(secret=SECRET):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def operator():
    user = operator_create(email="ops@parvis.example", password="mot-de-passe-operateur")
    account_activate_totp(user=user, secret=SECRET)
    return user


@pytest.fixture
def console(operator):
    client = HostClient("parvis.test")
    client.force_login(operator)
    return client


@pytest.fixture
def api(operator):
    token = Token.objects.create(user=operator)
    return HostClient("parvis.test", HTTP_AUTHORIZATION=f"Token {token.key}")


def _invitation_path(slug):
    bodies = [m.body for m in mail.outbox if f"{slug}.parvis.test/invitation/" in m.body]
    assert bodies, [m.body for m in mail.outbox]
    return re.search(rf"http://{slug}\.parvis\.test(/invitation/[^/\s]+/)", bodies[-1]).group(1)


def _admin_onboarding(slug, email):
    """The first admin accepts the invitation, sets up TOTP, signs out and signs in with a code."""
    client = HostClient(f"{slug}.parvis.test")
    path = _invitation_path(slug)
    assert client.get(path).status_code == 200
    response = client.post(path, {"password1": "un-mot-de-passe-maire-2026", "password2": "un-mot-de-passe-maire-2026"})
    assert response.status_code == 302
    # Signed in, and sent to set up a second factor before anything else.
    response = client.get("/mon-compte/")
    assert response.status_code == 302 and response["Location"].startswith("/comptes/2fa/totp/activate/")
    assert client.get("/comptes/2fa/totp/activate/").status_code == 200
    with schema_context(slug):  # sessions live in the collectivity's schema
        secret = client.session["mfa.totp.secret"]
    assert client.post("/comptes/2fa/totp/activate/", {"code": _code(secret)}).status_code == 302
    assert client.get("/mon-compte/").status_code == 200
    # The link was single-use.
    assert HostClient(f"{slug}.parvis.test").get(path).status_code == 404
    client.post("/comptes/logout/")
    cache.clear()  # the code just used is remembered as used for its 30 s window
    response = client.post("/comptes/login/", {"login": email, "password": "un-mot-de-passe-maire-2026"})
    assert response["Location"].startswith("/comptes/2fa/authenticate/")
    assert client.post("/comptes/2fa/authenticate/", {"code": _code(secret)}).status_code == 302
    assert client.get("/mon-compte/").status_code == 200


def _assert_served_with_defaults(slug, name, modules):
    collectivity = Collectivity.objects.get(slug=slug)
    assert collectivity.status == Collectivity.Status.ACTIVE
    response = HostClient(f"{slug}.parvis.test").get("/")
    assert response.status_code == 200 and name in response.content.decode()
    legal = HostClient(f"{slug}.parvis.test").get("/mentions-legales/")
    assert legal.status_code == 200 and name in legal.content.decode()
    with schema_context(slug):
        assert set(Page.objects.values_list("key", flat=True)) == {"legal_notice", "accessibility", "privacy",
                                                                   "terms"}
        assert Department.objects.filter(name="Voirie").exists()
    for module in modules:
        assert module_is_available(module, collectivity=collectivity)
    return collectivity


def test_provisioning_from_the_command_line(django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("provision_collectivity", "--slug", "bourg", "--name", "Bourg-sur-Lac", "--kind", "commune",
                     "--admin-email", "maire@bourg.example", "--population", "4200", "--modules", "budget,ideas",
                     stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["slug"] == "bourg" and summary["status"] == "active"
    assert summary["hosts"] == ["bourg.parvis.test"]
    assert summary["schema_created_by"] == "clone"
    assert summary["seconds"] > 0
    _assert_served_with_defaults("bourg", "Bourg-sur-Lac", ["budget", "ideas"])
    assert not module_is_available("survey", collectivity=Collectivity.objects.get(slug="bourg"))
    _admin_onboarding("bourg", "maire@bourg.example")


def test_provisioning_from_the_api(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/operator/collectivities/", {
            "slug": "val-d-api", "name": "Val d'API", "kind": "commune", "admin_email": "maire@val.example",
            "modules": ["consultation"],
        }, content_type="application/json")
    assert response.status_code == 202, response.content
    job = api.get(f"/api/operator/jobs/{response.json()['id']}/").json()
    assert job["status"] == "done" and job["progress"] == 100
    _assert_served_with_defaults("val-d-api", "Val d&#x27;API", ["consultation"])
    listed = api.get("/api/operator/collectivities/?q=val").json()
    assert [c["slug"] for c in listed] == ["val-d-api"]
    _admin_onboarding("val-d-api", "maire@val.example")


def test_provisioning_from_the_console(console, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = console.post("/console/nouvelle/", {
            "name": "Console-ville", "slug": "console-ville", "kind": "commune", "primary_colour": "#000091",
            "locale": "fr", "timezone": "Europe/Paris", "admin_email": "maire@console.example",
            "modules": ["reports"],
        })
    assert response.status_code == 302
    job_page = console.get(response["Location"])
    assert "100" in job_page.content.decode()
    _assert_served_with_defaults("console-ville", "Console-ville", ["reports"])
    assert "Console-ville" in console.get("/console/").content.decode()
    _admin_onboarding("console-ville", "maire@console.example")


@pytest.mark.parametrize("changes,field", [
    ({"slug": "www"}, "slug"), ({"slug": "Ma Ville"}, "slug"), ({"slug": "ville-a"}, "slug"),
    ({"kind": "village"}, "kind"), ({"admin_email": "pas-un-email"}, "admin_email"),
    ({"modules": ["teleportation"]}, "modules"),
])
def test_bad_input_gets_a_clear_error_and_creates_nothing(api, console, changes, field):
    data = {"slug": "nouvelle", "name": "Nouvelle", "kind": "commune", "admin_email": "a@b.fr", **changes}
    before = (Collectivity.objects.count(), ProvisioningJob.objects.count())
    response = api.post("/api/operator/collectivities/", data, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    with pytest.raises((ValidationError, CommandError)):
        services.collectivity_provision(**data)
    page = console.post("/console/nouvelle/", {**data, "locale": "fr", "timezone": "Europe/Paris",
                                               "primary_colour": "#000091"})
    assert page.status_code == 200 and 'class="errorlist"' in page.content.decode()
    assert (Collectivity.objects.count(), ProvisioningJob.objects.count()) == before
    assert not schema_exists(data["slug"]) or data["slug"] == "ville-a"


def test_a_failure_half_way_never_leaves_an_active_collectivity_and_a_retry_finishes(api):
    calls = []

    def flaky_seeder(*, collectivity):
        calls.append(collectivity.slug)
        if len(calls) == 1:
            raise ConnectionError("service de cartes indisponible")

    city_seeders.register("tests.flaky", flaky_seeder)
    try:
        job = services.collectivity_provision(slug="fragile", name="Fragile", kind="commune",
                                              admin_email="maire@fragile.example", run_now=True)
        assert job.status == ProvisioningJob.Status.FAILED
        assert "service de cartes indisponible" in job.error and job.current_step == "defaults"
        collectivity = Collectivity.objects.get(slug="fragile")
        assert collectivity.status == Collectivity.Status.PROVISIONING
        assert HostClient("fragile.parvis.test").get("/").status_code == 503
        assert job.steps_done == ["schema", "domain", "licences"]

        response = api.post(f"/api/operator/jobs/{job.pk}/retry/")
        assert response.status_code == 202
        job.refresh_from_db()
        if job.status != ProvisioningJob.Status.DONE:  # the API schedules the retry after the commit
            job = services.provisioning_run(job_id=job.pk)
        assert job.status == ProvisioningJob.Status.DONE and job.attempts == 2
        assert job.method == "clone"  # the schema step was not redone
        collectivity.refresh_from_db()
        assert collectivity.status == Collectivity.Status.ACTIVE
        assert HostClient("fragile.parvis.test").get("/").status_code == 200
        assert calls == ["fragile", "fragile"]
    finally:
        city_seeders.entries.pop("tests.flaky")


def test_a_stale_template_is_never_cloned_and_the_migration_path_takes_over():
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{TEMPLATE_SCHEMA}".django_migrations WHERE app = %s', ["pages"])
    with pytest.raises(TemplateStale):
        schema_clone_from_template("jamais")
    assert not schema_exists("jamais")
    job = services.collectivity_provision(slug="migree", name="Migrée", kind="commune", run_now=True)
    assert job.status == ProvisioningJob.Status.DONE
    assert job.method == "migrations"
    assert HostClient("migree.parvis.test").get("/").status_code == 200


def test_suspended_city_shows_maintenance_but_admins_can_sign_in(city_a, operator, in_city):
    with in_city(city_a):
        from tests.factories import PASSWORD, UserFactory

        UserFactory(email="citoyen@exemple.fr")
        admin = UserFactory(email="maire@exemple.fr", role=User.Role.CITY_ADMIN)
        account_activate_totp(user=admin, secret=SECRET)
    services.collectivity_change_status(collectivity=city_a, action="suspend", actor=operator)
    visitor = HostClient(city_a.host)
    assert visitor.get("/").status_code == 503
    citizen = HostClient(city_a.host)
    citizen.post("/comptes/login/", {"login": "citoyen@exemple.fr", "password": PASSWORD})
    assert citizen.get("/").status_code == 503
    staff = HostClient(city_a.host)
    staff.post("/comptes/login/", {"login": "maire@exemple.fr", "password": PASSWORD})
    staff.post("/comptes/2fa/authenticate/", {"code": _code()})
    assert staff.get("/").status_code == 200
    with in_city(city_a):
        assert User.objects.filter(email="citoyen@exemple.fr").exists()  # nothing lost
    services.collectivity_change_status(collectivity=city_a, action="reactivate", actor=operator)
    assert HostClient(city_a.host).get("/").status_code == 200


def test_archived_city_is_read_only(city_a, operator, in_city):
    services.collectivity_change_status(collectivity=city_a, action="archive", actor=operator)
    client = HostClient(city_a.host)
    page = client.get("/")
    assert page.status_code == 200 and "archiv" in page.content.decode()
    response = client.post("/comptes/signup/", {"email": "tard@exemple.fr", "password1": "x-long-password-1",
                                                "password2": "x-long-password-1", "accept_terms": "on"})
    assert response.status_code == 403
    with in_city(city_a):
        assert not User.objects.filter(email="tard@exemple.fr").exists()
    # API clients get the refusal as JSON, with its reason.
    api = client.post("/api/v1/processes/x/contributions/", {}, content_type="application/json")
    assert api.status_code == 403 and api.json()["code"] == "archived"
    services.collectivity_change_status(collectivity=city_a, action="reactivate", actor=operator)
    services.collectivity_change_status(collectivity=city_a, action="suspend", actor=operator)
    api = client.get("/api/v1/processes/")
    assert api.status_code == 503 and api.json()["code"] == "unavailable"


def test_deletion_needs_archive_export_and_grace_period(operator, monkeypatch, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from provisioning import backup

    collectivity = services.collectivity_create(slug="ephemere", name="Éphémère", kind="commune")
    with pytest.raises(ValidationError):
        services.collectivity_schedule_deletion(collectivity=collectivity, actor=operator)  # not archived
    services.collectivity_change_status(collectivity=collectivity, action="archive", actor=operator)
    with pytest.raises(ValidationError):
        services.collectivity_schedule_deletion(collectivity=collectivity, actor=operator)  # no export

    # pg_dump runs in another process and cannot see this test's uncommitted schema: the dump itself
    # is tested in tests/test_backup.py; here a stand-in archive is recorded.
    def fake_export(*, collectivity, destination_dir=None):
        path = tmp_path / f"{collectivity.slug}.tar.gz"
        path.write_bytes(b"archive")
        return path

    monkeypatch.setattr(backup, "collectivity_export", fake_export)
    services.collectivity_export_create(collectivity=collectivity, actor=operator)
    services.collectivity_schedule_deletion(collectivity=collectivity, actor=operator)
    collectivity.refresh_from_db()
    assert collectivity.deletion_due_at > timezone.now() + timedelta(days=29)
    with pytest.raises(ValidationError):
        services.collectivity_delete(collectivity=collectivity, actor=operator)  # grace period running
    assert schema_exists("ephemere")
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    with schema_context("ephemere"):
        stored = default_storage.path(default_storage.save("piece-jointe.txt", ContentFile(b"x")))
    services.collectivity_delete(collectivity=collectivity, actor=operator,
                                 now=collectivity.deletion_due_at + timedelta(minutes=1))
    assert not schema_exists("ephemere")
    assert not Collectivity.objects.filter(slug="ephemere").exists()
    assert not os.path.exists(stored)  # its files are gone too
    assert HostClient("ephemere.parvis.test").get("/").status_code == 404
    actions = list(AuditEntry.objects.filter(collectivity_slug="ephemere").values_list("action", flat=True))
    assert {"collectivity.archive", "collectivity.export", "collectivity.schedule_deletion",
            "collectivity.delete"} <= set(actions)


def test_custom_domain_is_recorded_made_primary_and_served(api, city_a):
    response = api.post(f"/api/operator/collectivities/{city_a.slug}/domains/",
                        {"domain": "Participez.Ville-A.fr", "is_primary": True}, content_type="application/json")
    assert response.status_code == 201
    assert Domain.objects.get(tenant=city_a, is_primary=True).domain == "participez.ville-a.fr"
    assert Domain.objects.filter(tenant=city_a).count() == 2
    assert HostClient("participez.ville-a.fr").get("/").status_code == 200
    assert city_a.base_url == "http://participez.ville-a.fr"
    taken = api.post(f"/api/operator/collectivities/{city_a.slug}/domains/", {"domain": "participez.ville-a.fr"},
                     content_type="application/json")
    assert taken.status_code == 400


def test_templates_carry_configuration_never_citizens(operator, city_a, in_city):
    from tests.factories import UserFactory

    licence_set_allowed_modules(collectivity=city_a, modules=["budget", "survey"])
    with in_city(city_a):
        Page.objects.filter(key="terms").update(body_fr="Charte de Ville A, éditée par la ville.")
        agent = UserFactory(email="agent@exemple.fr", role=User.Role.AGENT)
        department_create(name="Service des fêtes", agents=[agent])
    template = services.collectivity_template_save(collectivity=city_a, name="Commune moyenne", actor=operator)
    job = services.collectivity_provision(slug="jumelle", name="Jumelle", kind="commune", template=template,
                                          run_now=True)
    assert job.status == ProvisioningJob.Status.DONE
    jumelle = Collectivity.objects.get(slug="jumelle")
    assert jumelle.primary_colour == city_a.primary_colour
    assert module_is_available("budget", collectivity=jumelle) and module_is_available("survey", collectivity=jumelle)
    assert not module_is_available("ideas", collectivity=jumelle)
    with schema_context("jumelle"):
        assert Page.objects.get(key="terms").body_fr == "Charte de Ville A, éditée par la ville."
        assert Department.objects.filter(name="Service des fêtes").exists()
        assert not User.objects.exists()
        assert not Department.members.through.objects.exists()


def test_one_check_decides_whether_a_module_is_available(city_a, in_city):
    licence_set_allowed_modules(collectivity=city_a, modules=["ideas"])
    assert module_is_available("ideas", collectivity=city_a)
    licence_set_enabled(collectivity=city_a, module="ideas", enabled=False)
    assert not module_is_available("ideas", collectivity=city_a)
    with pytest.raises(PermissionError):
        licence_set_enabled(collectivity=city_a, module="budget", enabled=True)
    assert not module_is_available("budget", collectivity=city_a)
    licence_set_enabled(collectivity=city_a, module="ideas", enabled=True)
    with in_city(city_a):  # defaults to the collectivity of the connection, even under schema_context
        assert module_is_available("ideas")
    assert not module_is_available("ideas")  # the control plane is no collectivity


def test_migrate_schemas_goes_on_past_a_failing_collectivity(city_a):
    Collectivity(slug="sans-schema", schema_name="sans-schema", name="Sans schéma", kind="commune",
                 status=Collectivity.Status.ACTIVE).save()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 collectivities failed"):
        call_command("migrate_schemas", stdout=out, stderr=err)
    assert "sans-schema: FAILED" in out.getvalue()
    assert "ville-a: ok" in out.getvalue() and "ville-b: ok" in out.getvalue()
    assert "sans-schema" in err.getvalue()


def test_usage_is_metered_for_the_console_without_n_plus_one(console, city_a, city_b, in_city,
                                                             django_assert_max_num_queries):
    from tests.factories import UserFactory

    with in_city(city_a):
        UserFactory.create_batch(3)
    from billing.models import UsageSnapshot
    from tenants.tasks import fan_out

    # What beat runs: the usage task fanned out over the active collectivities.
    assert fan_out.apply(args=["billing.tasks.usage_measure"]).get() == 2
    assert UsageSnapshot.objects.get(collectivity=city_a).counters["citizens"] == 3
    with django_assert_max_num_queries(12):
        page = console.get("/console/")
    html = page.content.decode()
    assert page.status_code == 200 and "Ville A" in html and "Ville B" in html
    row_a = html.split("Ville A")[1].split("</tr>")[0]
    assert "<td>3</td>" in row_a
    filtered = console.get("/console/?status=suspended").content.decode()
    assert "Ville A" not in filtered


def test_console_and_api_are_for_operators_only(operator, city_a, in_city):
    anonymous = HostClient("parvis.test")
    assert anonymous.get("/console/")["Location"].startswith("/comptes/login/")
    assert anonymous.get("/api/operator/collectivities/").status_code == 401
    no_totp = operator_create(email="nouveau@parvis.example", password="mot-de-passe-operateur")
    client = HostClient("parvis.test")
    client.force_login(no_totp)
    assert client.get("/console/")["Location"].startswith("/comptes/2fa/totp/activate/")
    # A city's admin has no account on the control plane, and the console does not exist on a city host.
    assert HostClient(city_a.host).get("/console/").status_code == 404
    assert HostClient(city_a.host).get("/api/operator/collectivities/").status_code == 404


def test_every_operator_action_is_audited(console, city_a):
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    console.post(f"/console/{city_a.slug}/action/suspend/")
    console.post(f"/console/{city_a.slug}/action/reactivate/")
    console.post(f"/console/{city_a.slug}/modifier/", {"name": "Ville A renommée", "kind": "commune",
                                                       "primary_colour": "#000091", "locale": "fr",
                                                       "timezone": "Europe/Paris", "modules": ["budget"]})
    entries = AuditEntry.objects.filter(collectivity_slug=city_a.slug, id__gt=last)
    assert [e.action for e in entries.order_by("id")] == ["collectivity.suspend", "collectivity.reactivate",
                                                          "collectivity.update", "licence.update"]
    assert {e.actor_label for e in entries} == {"ops@parvis.example"}
    assert entries.get(action="collectivity.update").data["changes"]["name"] == ["Ville A", "Ville A renommée"]
    assert "collectivity.suspend" in console.get("/console/journal/").content.decode()


def test_the_operator_api_schema_validates():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 "--urlconf", "config.urls_public", stdout=out)
    schema = json.loads(out.getvalue())
    assert "/api/operator/collectivities/" in schema["paths"]
    assert HostClient("parvis.test").get("/api/schema/").status_code == 200


def test_provisioning_takes_a_spare_schema_and_the_pool_is_refilled(settings, django_capture_on_commit_callbacks):
    from provisioning.template_schema import spare_fill, spare_schemas

    settings.PARVIS_SPARE_SCHEMAS = 1
    assert spare_fill(1) == 1
    (spare,) = spare_schemas()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.collectivity_provision(slug="rapide", name="Rapide", kind="commune", run_now=True)
    assert job.status == ProvisioningJob.Status.DONE and job.method == "spare"
    assert not schema_exists(spare) and schema_exists("rapide")
    assert HostClient("rapide.parvis.test").get("/").status_code == 200
    refilled = spare_schemas()
    assert len(refilled) == 1 and refilled != [spare]  # the worker made a new one


def test_a_stale_spare_is_dropped_not_used(settings):
    from provisioning.template_schema import spare_fill, spare_schemas

    settings.PARVIS_SPARE_SCHEMAS = 1
    spare_fill(1)
    (spare,) = spare_schemas()
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{spare}".django_migrations WHERE app = %s', ["pages"])
    job = services.collectivity_provision(slug="prudente", name="Prudente", kind="commune", run_now=True)
    assert job.method == "clone"
    assert not schema_exists(spare)


def test_console_pages_render(console, city_a, django_capture_on_commit_callbacks):
    job = services.collectivity_provision(slug="pages-ville", name="Pages", kind="commune", run_now=True)
    for path in ["/console/", "/console/nouvelle/", f"/console/{city_a.slug}/", f"/console/{city_a.slug}/modifier/",
                 "/console/modeles/", "/console/journal/", f"/console/provisionnements/{job.pk}/"]:
        response = console.get(path)
        assert response.status_code == 200, path
    detail = console.get(f"/console/{city_a.slug}/").content.decode()
    assert city_a.name in detail and city_a.host in detail
    assert "Suspendre" in detail  # the actions an active collectivity allows


def test_exports_run_in_the_background_and_are_listed(api, console, city_a, monkeypatch, tmp_path,
                                                      django_capture_on_commit_callbacks):
    from provisioning import backup

    def fake_export(*, collectivity, destination_dir=None):  # pg_dump cannot see this test's transaction
        path = tmp_path / f"{collectivity.slug}-{len(list(tmp_path.iterdir()))}.tar.gz"
        path.write_bytes(b"archive")
        return path

    monkeypatch.setattr(backup, "collectivity_export", fake_export)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(f"/api/operator/collectivities/{city_a.slug}/export/")
    assert response.status_code == 202
    assert api.get(f"/api/operator/collectivities/{city_a.slug}/").json()["exports"] == []  # not yet
    for callback in callbacks:
        callback()
    exports = api.get(f"/api/operator/collectivities/{city_a.slug}/").json()["exports"]
    assert len(exports) == 1 and exports[0]["size"] == 7
    with django_capture_on_commit_callbacks(execute=True):
        page = console.post(f"/console/{city_a.slug}/action/export/", follow=True)
    assert "export" in page.content.decode().lower()
    assert len(api.get(f"/api/operator/collectivities/{city_a.slug}/").json()["exports"]) == 2
    assert AuditEntry.objects.filter(collectivity_slug=city_a.slug, action="collectivity.export").count() == 2


def test_operators_issue_and_revoke_their_api_token_from_the_console(console, operator):
    page = console.post("/console/jeton-api/", {"action": "create"}).content.decode()
    key = re.search(r'<code id="api-token">([0-9a-f]{40})</code>', page).group(1)
    client = HostClient("parvis.test", HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/operator/collectivities/").status_code == 200
    assert key not in console.get("/console/jeton-api/").content.decode()  # shown once
    console.post("/console/jeton-api/", {"action": "revoke"})
    assert client.get("/api/operator/collectivities/").status_code == 401
    assert list(AuditEntry.objects.filter(actor=operator).values_list("action", flat=True).order_by("id")) == [
        "api_token.create", "api_token.revoke"]


def test_the_api_edits_a_collectivity_and_its_licence(api, city_a):
    response = api.patch(f"/api/operator/collectivities/{city_a.slug}/",
                         {"population": 26000, "modules": ["survey", "budget"]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["population"] == 26000 and sorted(response.json()["modules"]) == ["budget", "survey"]
    assert module_is_available("survey", collectivity=city_a)
    bad = api.patch(f"/api/operator/collectivities/{city_a.slug}/", {"primary_colour": "#ffff00"},
                    content_type="application/json")
    assert bad.status_code == 400 and "primary_colour" in bad.json()
    city_a.refresh_from_db()
    assert city_a.primary_colour == "#1f5f99" and city_a.population == 26000
    assert api.patch("/api/operator/collectivities/inconnue/", {}, content_type="application/json").status_code == 404
