"""Background tasks carry their collectivity; periodic work fans out over active ones only."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import schema_context

from config.celery import app
from shared_apps.accounts.tasks import sessions_clear_expired
from shared_apps.core.tasks import TenantRequired
from tenants.models import Collectivity
from tenants.tasks import fan_out


def _expired_session() -> str:
    store = SessionStore()
    store["marker"] = "x"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    return store.session_key


@pytest.mark.django_db
def test_a_collectivity_task_refuses_to_run_in_the_public_schema():
    with pytest.raises(TenantRequired):
        sessions_clear_expired.apply()


@pytest.mark.django_db
def test_periodic_work_fans_out_over_active_collectivities_only(city_a, city_b):
    with schema_context(city_a.schema_name):
        key_a = _expired_session()
    with schema_context(city_b.schema_name):
        key_b = _expired_session()
    city_b.status = Collectivity.Status.SUSPENDED
    city_b.save(update_fields=["status"])

    assert fan_out.apply(args=["shared_apps.accounts.tasks.sessions_clear_expired"]).get() == 1

    with schema_context(city_a.schema_name):
        assert not Session.objects.filter(session_key=key_a).exists()
    with schema_context(city_b.schema_name):
        assert Session.objects.filter(session_key=key_b).exists()


def test_a_task_sent_through_redis_runs_in_the_collectivity_it_was_sent_from(django_db_blocker, settings):
    """A real worker consumes from the real Redis broker; data is committed, then cleaned up."""
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with django_db_blocker.unblock():
        city_a = Collectivity.objects.get(slug="ville-a")
        city_b = Collectivity.objects.get(slug="ville-b")
        with schema_context(city_a.schema_name):
            key_a = _expired_session()
        with schema_context(city_b.schema_name):
            key_b = _expired_session()
        app.conf.task_always_eager = False
        try:
            app.control.purge()
            with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING",
                              shutdown_timeout=10):
                with schema_context(city_a.schema_name):
                    sessions_clear_expired.delay()
                deadline = time.monotonic() + 20
                with schema_context(city_a.schema_name):
                    while Session.objects.filter(session_key=key_a).exists() and time.monotonic() < deadline:
                        time.sleep(0.1)
                    assert not Session.objects.filter(session_key=key_a).exists()
            with schema_context(city_b.schema_name):
                assert Session.objects.filter(session_key=key_b).exists()
        finally:
            app.conf.task_always_eager = True
            for city in (city_a, city_b):
                with schema_context(city.schema_name):
                    Session.objects.filter(session_key__in=[key_a, key_b]).delete()
