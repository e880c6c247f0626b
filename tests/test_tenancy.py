"""Routing of hosts to the control plane, collectivities, and the unknown."""

import pytest
from django.db import connection

from provisioning.services import collectivity_create
from tenants.models import Collectivity, Domain

pytestmark = pytest.mark.django_db


def test_root_domain_serves_the_control_plane(control_client):
    response = control_client.get("/")
    assert response.status_code == 200
    assert "Parvis" in response.content.decode()
    assert response.wsgi_request.tenant.is_public


def test_each_city_is_served_on_its_subdomain(client_a, client_b, city_a, city_b):
    page_a = client_a.get("/").content.decode()
    page_b = client_b.get("/").content.decode()
    assert city_a.name in page_a and city_b.name not in page_a
    assert city_b.name in page_b and city_a.name not in page_b


def test_city_answers_on_a_custom_domain(city_a):
    from conftest import HostClient

    Domain.objects.create(domain="participez.ville-a.fr", tenant=city_a, is_primary=False)
    response = HostClient("participez.ville-a.fr").get("/")
    assert response.status_code == 200
    assert city_a.name in response.content.decode()


@pytest.mark.parametrize("host", ["inconnue.parvis.test", "example.org", "10.2.3.4:8000", "parvis.test.evil.com"])
def test_unknown_host_gets_a_clear_404(host):
    from conftest import HostClient

    response = HostClient(host).get("/")
    assert response.status_code == 404
    assert "No participation platform at this address" in response.content.decode() or \
        "Aucune plateforme de participation" in response.content.decode()


@pytest.mark.parametrize("host", ["10.42.0.17", "10.42.0.17:8000", "inconnue.parvis.test", "ville-a.parvis.test"])
def test_healthz_answers_whatever_the_host(host):
    from conftest import HostClient

    response = HostClient(host).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_checks_database_cache_and_broker():
    from conftest import HostClient

    response = HostClient("10.42.0.17").get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] == "ok"  # the test settings use the real Redis broker URL


def test_readiness_reports_a_broken_broker(settings):
    from config.celery import app
    from conftest import HostClient

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = HostClient("10.42.0.17").get("/healthz/ready")
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
    assert response.json()["checks"]["database"] == "ok"


def test_creating_a_collectivity_creates_its_schema_and_domain():
    city = Collectivity.objects.get(slug="ville-a")
    assert city.schema_name == "ville-a"
    assert city.status == Collectivity.Status.ACTIVE
    assert Domain.objects.get(tenant=city, is_primary=True).domain == "ville-a.parvis.test"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
                       ["ville-a", "accounts_user"])
        assert cursor.fetchone() is not None


def test_invalid_slug_creates_nothing():
    from django.core.exceptions import ValidationError

    before = Collectivity.objects.count()
    for slug in ["www", "Ville A", "-ville", "a" * 64, "api"]:
        with pytest.raises(ValidationError):
            collectivity_create(slug=slug, name="X", kind="commune")
    assert Collectivity.objects.count() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name IN ('www', 'api')")
        assert cursor.fetchone()[0] == 0
