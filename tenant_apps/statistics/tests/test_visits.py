"""Visitors counted in real Redis HyperLogLogs: distinct per day, per collectivity, nothing identifying kept."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.participation.tests.factories import account, contribution, process_in_phase
from tenant_apps.statistics import selectors, tasks, visits
from tenant_apps.statistics.models import DailyVisits
from tenant_apps.statistics.services import visit_record, visits_flush

pytestmark = pytest.mark.django_db

MIDDLEWARE = "tenant_apps.statistics.middleware.VisitMiddleware"


def _request(address="203.0.113.7", agent="Mozilla/5.0 Firefox", user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/", REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    request.user = user or AnonymousUser()
    return request


def _today(process=None, signed_in=False):
    connection = visits.redis_connection()
    return connection.pfcount(visits.visit_key(day=timezone.localdate(), process_id=getattr(process, "pk", None),
                                               signed_in=signed_in))


def test_the_same_visitor_twice_in_a_day_counts_once(in_a, redis_visits):
    process = process_in_phase("ideas", "submission")
    assert visit_record(request=_request(), process=process)
    visit_record(request=_request(), process=process)
    visit_record(request=_request())
    assert (_today(), _today(process)) == (1, 1)
    visit_record(request=_request(address="198.51.100.4"))
    visit_record(request=_request(agent="Mozilla/5.0 Safari"), process=process.pk)
    assert (_today(), _today(process)) == (3, 2)
    assert _today(signed_in=True) == 0
    visit_record(request=_request(address="192.0.2.1", user=account()))
    assert (_today(), _today(signed_in=True)) == (4, 1)


def test_no_address_or_agent_is_kept_and_keys_expire(in_a, redis_visits):
    visit_record(request=_request(address="203.0.113.99", agent="Agent-Unique-42"))
    key = visits.visit_key(day=timezone.localdate())
    stored = redis_visits.get(key)
    assert b"203.0.113.99" not in stored and b"Agent-Unique-42" not in stored
    assert 0 < redis_visits.ttl(key) <= 3 * 24 * 3600
    assert in_a.schema_name in key


def test_two_collectivities_do_not_share_their_counts(city_a, city_b, redis_visits):
    with schema_context(city_a.schema_name):
        visit_record(request=_request())
        visit_record(request=_request(address="198.51.100.4"))
    with schema_context(city_b.schema_name):
        visit_record(request=_request())
        assert _today() == 1
        assert visits_flush(day=timezone.localdate()) == 1
        assert DailyVisits.objects.get(process=None).visitors == 1
    with schema_context(city_a.schema_name):
        assert _today() == 2
        assert not DailyVisits.objects.exists()


def test_flushing_a_day_twice_changes_nothing(in_a, redis_visits):
    process = process_in_phase("ideas", "submission")
    other = process_in_phase("ideas", "submission")
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        visit_record(request=_request(address=address), process=process)
    visit_record(request=_request(address="203.0.113.4", user=account()), process=process)
    today = timezone.localdate()
    assert visits_flush(day=today) == 2
    first = list(DailyVisits.objects.values_list("date", "process_id", "visitors", "signed_in_visitors"))
    assert visits_flush(day=today) == 2
    again = list(DailyVisits.objects.values_list("date", "process_id", "visitors", "signed_in_visitors"))
    assert sorted(first, key=str) == sorted(again, key=str)
    assert sorted(again, key=str) == sorted([(today, None, 4, 1), (today, process.pk, 4, 1)], key=str)
    assert not DailyVisits.objects.filter(process=other).exists()
    # Keys gone (expired): the stored counts stay, never overwritten with zero.
    redis_visits.delete(visits.visit_key(day=today), visits.visit_key(day=today, process_id=process.pk))
    visits_flush(day=today)
    assert DailyVisits.objects.get(process=None).visitors == 4


def test_the_nightly_task_flushes_yesterday(in_a, redis_visits, frozen):
    now = timezone.now()
    with frozen(now - dt.timedelta(days=1)):
        visit_record(request=_request())
        visit_record(request=_request(address="198.51.100.4"))
    with frozen(now):
        assert tasks.visits_flush_yesterday.apply().get() == 1
    row = DailyVisits.objects.get()
    assert (row.date, row.process_id, row.visitors) == (timezone.localdate(now) - dt.timedelta(days=1), None, 2)


def test_the_dashboard_adds_todays_live_counts(in_a, redis_visits):
    process = process_in_phase("ideas", "submission")
    today = timezone.localdate()
    DailyVisits.objects.create(date=today - dt.timedelta(days=5), process=process, visitors=10, signed_in_visitors=3)
    visit_record(request=_request(), process=process)
    visit_record(request=_request(address="198.51.100.4", user=account()), process=process)
    period = selectors.Period(start=today - dt.timedelta(days=9), end=today)
    per_day = selectors.visits_per_day(process=process, period=period)
    assert per_day == {today - dt.timedelta(days=5): (10, 3), today: (2, 1)}
    assert selectors.visits_per_process(process_ids=[process.pk]) == {process.pk: (12, 4)}


def test_nothing_is_counted_without_redis(in_a, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert visit_record(request=_request()) is False
    assert visits_flush(day=timezone.localdate()) == 0


def test_the_middleware_counts_public_pages_only(in_a, client_a, settings, redis_visits):
    assert MIDDLEWARE in settings.MIDDLEWARE  # the real configuration, not one made for the test
    process = process_in_phase("ideas", "submission")
    item = contribution(process)
    assert client_a.get("/", HTTP_USER_AGENT="Firefox").status_code == 200
    assert client_a.get(reverse("participation:process_detail", args=[process.slug]),
                        HTTP_USER_AGENT="Safari").status_code == 200
    assert client_a.get(reverse("participation:contribution_detail", args=[item.pk]),
                        HTTP_USER_AGENT="Edge").status_code == 200
    assert client_a.get(reverse("participation:contribution_list", args=[process.slug]),
                        HTTP_USER_AGENT="Edge").status_code == 200
    assert (_today(), _today(process)) == (3, 2)
    # Robots, pages that do not exist and the back-office are not counted.
    client_a.get("/", HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    assert client_a.get("/participer/nulle-part/", HTTP_USER_AGENT="Opera").status_code == 404
    client_a.force_login(account("agent"))
    assert client_a.get(reverse("backoffice:home"), HTTP_USER_AGENT="Vivaldi").status_code == 200
    assert (_today(), _today(process), _today(signed_in=True)) == (3, 2, 0)
