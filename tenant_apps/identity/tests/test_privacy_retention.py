"""Retention: processes finished for longer than the city's period are unlinked from accounts, counts unchanged."""

import datetime as dt

import pytest
from django.urls import reverse

from shared_apps.audit.models import AuditEntry
from tenant_apps.discussion.models import Argument, Comment
from tenant_apps.identity.models import PrivacySettings, RetentionRun
from tenant_apps.identity.privacy import months_before, retention_apply
from tenant_apps.identity.tests.test_privacy_erase import busy_scene, totals
from tenant_apps.participation.models import Contribution, Phase
from tenant_apps.participation.services import phase_update
from tenant_apps.participation.tests.factories import account, city_admin
from tenant_apps.votes.models import Vote

pytestmark = pytest.mark.django_db


def _last_end(process):
    return Phase.objects.filter(process=process).order_by("-ends_at").values_list("ends_at", flat=True).first()


def _linked(contributions) -> int:
    ids = [c.pk for c in contributions]
    return (Contribution.objects.filter(pk__in=ids, author__isnull=False).count()
            + Contribution.coauthors.through.objects.filter(contribution_id__in=ids).count()
            + Vote.objects.filter(contribution_id__in=ids, voter__isnull=False).count()
            + Comment.objects.filter(contribution_id__in=ids, author__isnull=False).count()
            + Argument.objects.filter(contribution_id__in=ids, author__isnull=False).count())


def test_months_before_keeps_to_the_calendar():
    moment = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)
    assert months_before(moment, 1) == dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)
    assert months_before(moment, 24) == dt.datetime(2024, 3, 31, 12, tzinfo=dt.UTC)
    assert months_before(moment, 15) == dt.datetime(2024, 12, 31, 12, tzinfo=dt.UTC)


def test_a_process_past_retention_is_pseudonymised_a_recent_one_is_not(in_a):
    old = busy_scene()
    recent = busy_scene()
    admin = account("city_admin")
    for process in recent.processes:
        last = Phase.objects.filter(process=process).order_by("-position").first()
        phase_update(phase=last, actor=admin, ends_at=last.ends_at + dt.timedelta(days=120))
    old_end = max(_last_end(p) for p in old.processes)
    # 24 months (the default) and a few weeks after the old processes ended; the recent ones ended later.
    now = old_end + dt.timedelta(days=24 * 31 + 10)
    assert all(_last_end(p) > months_before(now, 24) for p in recent.processes)
    before = totals(old.contributions + recent.contributions)
    recent_links = _linked(recent.contributions)

    run = retention_apply(now=now)

    assert totals(old.contributions + recent.contributions) == before
    assert _linked(old.contributions) == 0
    assert _linked(recent.contributions) == recent_links  # untouched
    assert sorted(run.process_ids) == sorted(p.pk for p in old.processes)
    assert run.contributions == 4 and run.votes == 16 and run.comments == 8 and run.arguments == 2
    for item in Contribution.objects.filter(pk__in=[c.pk for c in old.contributions]):
        assert item.is_anonymous and item.author_id is None
    entry = AuditEntry.objects.get(action="privacy.retention")
    assert entry.data["votes"] == 16 and entry.actor_label == "system"

    # Idempotent: a second run changes nothing and logs a run with zero counts, without an audit row.
    again = retention_apply(now=now)
    assert (again.contributions, again.votes, again.comments, again.arguments, again.process_ids) == (0, 0, 0, 0, [])
    assert totals(old.contributions + recent.contributions) == before
    assert _linked(recent.contributions) == recent_links
    assert AuditEntry.objects.filter(action="privacy.retention").count() == 1
    assert RetentionRun.objects.count() == 2


def test_the_daily_task_uses_the_city_s_period(city_a, in_city, frozen):
    from tenants.tasks import fan_out

    with in_city(city_a):
        scene = busy_scene()
        PrivacySettings.objects.create(retention_months=1)
        end = max(_last_end(p) for p in scene.processes)
        before = totals(scene.contributions)
    with frozen(end + dt.timedelta(days=20)):
        fan_out.apply(args=["tenant_apps.identity.tasks.retention_apply"])
    with in_city(city_a):
        assert _linked(scene.contributions) > 0  # 20 days after the last end: that process is kept
    with frozen(end + dt.timedelta(days=40)):
        fan_out.apply(args=["tenant_apps.identity.tasks.retention_apply"])
    with in_city(city_a):
        assert _linked(scene.contributions) == 0
        assert totals(scene.contributions) == before
        assert sum(RetentionRun.objects.values_list("votes", flat=True)) == 16


def test_only_administrators_set_the_retention_period(in_a, client_a):
    url = reverse("identity:privacy_settings")
    assert client_a.get(url).status_code == 302
    client_a.force_login(account("agent"))
    assert client_a.post(url, {"retention_months": 6}).status_code == 403
    assert not PrivacySettings.objects.exists()

    admin = city_admin()
    client_a.force_login(admin)
    retention_apply()
    page = client_a.get(url)
    assert page.status_code == 200 and "<caption>" in page.content.decode()
    for wrong in (0, 121, "douze"):
        assert client_a.post(url, {"retention_months": wrong}).status_code == 400
    assert not PrivacySettings.objects.exists()
    response = client_a.post(url, {"retention_months": 6})
    assert response.status_code == 302
    assert PrivacySettings.objects.get().retention_months == 6
    entry = AuditEntry.objects.get(action="privacy.settings_update")
    assert (entry.actor_id, entry.data["previous"], entry.data["retention_months"]) == (admin.pk, 24, 6)
