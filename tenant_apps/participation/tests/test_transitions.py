"""Phase transitions: announced exactly once per change, audited, published as events; a task per city."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.audit.models import AuditEntry
from shared_apps.core.tasks import TenantRequired
from tenant_apps.participation import events, tasks
from tenant_apps.participation.events import Event
from tenant_apps.participation.services import process_create, process_transitions_run
from tenant_apps.participation.tests.factories import account

START = dt.date(2026, 4, 6)


@pytest.fixture
def heard():
    """The happenings delivered to a listener registered for the test only."""
    received = []
    name = "tests.participation.transitions"
    events.listener_register(name, received.append)
    yield received
    events._listeners.pop(name, None)


def _phase_changes(process):
    return AuditEntry.objects.filter(action="process.phase_change", data__target=f"participation.process:{process.pk}")


def test_a_phase_change_is_announced_once(in_a, heard, django_capture_on_commit_callbacks):
    process = process_create(kind="ideas", title="Boîte à idées", actor=account("city_admin"), starts_on=START,
                             publish=True)
    launch, ideas = list(process.phases.order_by("position"))[:2]
    during_launch = launch.starts_at + dt.timedelta(days=1)
    during_ideas = ideas.starts_at + dt.timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert process_transitions_run(at=during_launch) == [process]
    with django_capture_on_commit_callbacks(execute=True):
        assert process_transitions_run(at=during_ideas) == [process]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert process_transitions_run(at=during_ideas + dt.timedelta(hours=1)) == []
    assert callbacks == []

    started = [h for h in heard if h.event is Event.PHASE_STARTED and h.process_id == process.pk]
    assert [h.data["phase_id"] for h in started] == [launch.pk, ideas.pk]
    assert started[-1].data["phase"] == ideas.title and started[-1].data["process"] == "Boîte à idées"
    changes = list(_phase_changes(process).order_by("id"))
    assert len(changes) == 2
    assert changes[-1].actor is None and changes[-1].actor_label == "system"
    assert changes[-1].data["active"] == [ideas.title] and changes[-1].data["started"] == [ideas.title]
    process.refresh_from_db()
    assert process.announced_phase_ids == [ideas.pk]


def test_the_end_of_the_last_phase_is_recorded_without_announcing_a_start(
        in_a, heard, django_capture_on_commit_callbacks):
    process = process_create(kind="survey", title="Enquête", actor=account("city_admin"), starts_on=START,
                             publish=True)
    last = process.phases.order_by("position").last()
    process_transitions_run(at=last.starts_at)
    heard.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert process_transitions_run(at=last.ends_at) == [process]
    assert [h for h in heard if h.process_id == process.pk] == []
    assert _phase_changes(process).order_by("-id").first().data == {
        "target": f"participation.process:{process.pk}", "active": [], "started": []}
    assert process_transitions_run(at=last.ends_at + dt.timedelta(days=1)) == []


def test_draft_and_archived_processes_are_skipped(in_a, heard, django_capture_on_commit_callbacks):
    admin = account("city_admin")
    draft = process_create(kind="ideas", title="Brouillon", actor=admin, starts_on=START)
    at = draft.phases.get(position=1).starts_at + dt.timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        changed = process_transitions_run(at=at)
    assert draft not in changed
    assert not _phase_changes(draft).exists()
    assert not [h for h in heard if h.process_id == draft.pk]
    draft.refresh_from_db()
    assert draft.announced_phase_ids == []


def test_listeners_hear_of_a_phase_change_only_once_it_is_committed(in_a, heard, django_capture_on_commit_callbacks):
    process_create(kind="ideas", title="Annulé", actor=account("city_admin"), starts_on=START, publish=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        process_transitions_run(at=timezone.make_aware(dt.datetime(2026, 4, 7)))
    assert callbacks  # queued for the commit...
    assert heard == []  # ...and not delivered before it


def test_the_task_refuses_the_public_schema(db):
    with pytest.raises(TenantRequired):
        tasks.process_transitions_run.apply()


def test_the_task_runs_in_a_city(city_a):
    with schema_context(city_a.schema_name):
        process = process_create(kind="ideas", title="Tâche", actor=account("city_admin"), publish=True)
        assert tasks.process_transitions_run.apply().get() == 1
        process.refresh_from_db()
        assert process.announced_phase_ids == [process.phases.get(position=0).pk]
        assert _phase_changes(process).count() == 1
        assert tasks.process_transitions_run.apply().get() == 0
