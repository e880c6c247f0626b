"""process_state(): what is past, active and upcoming, and what is open, at any time of a process's life."""

import datetime as dt

import pytest
from django.utils import timezone

from shared_apps.core.errors import NotAllowed
from tenant_apps.participation import selectors
from tenant_apps.participation.blueprints import BLUEPRINTS
from tenant_apps.participation.permissions import capability_check
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.services import phase_add, process_archive, process_create, process_publish
from tenant_apps.participation.state import process_state
from tenant_apps.participation.tests.factories import account

START = dt.date(2026, 1, 5)
KINDS_WITH_PHASES = [key for key, blueprint in BLUEPRINTS.items() if blueprint.phases]


def _local(day: dt.date, hour: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _assert_only_open(state, phase):
    """Exactly the capabilities of `phase` are open, each through that phase."""
    assert state.capabilities == frozenset(Capability(c) for c in phase.capabilities)
    for capability in Capability:
        assert state.is_open(capability) is (str(capability) in phase.capabilities)
        assert state.phase_for(capability) == (phase if str(capability) in phase.capabilities else None)


@pytest.mark.parametrize("kind", KINDS_WITH_PHASES)
def test_a_process_goes_through_every_phase_of_its_blueprint(in_a, frozen, kind):
    process = process_create(kind=kind, title=f"Parcours {kind}", actor=account("city_admin"), starts_on=START,
                             publish=True)
    phases = list(process.phases.order_by("position"))

    with frozen(_local(START) - dt.timedelta(hours=12)):
        state = process_state(process)
    assert state.past == () and state.active == () and state.upcoming == tuple(phases)
    assert state.capabilities == frozenset() and state.current is None and state.next == phases[0]
    assert not state.is_finished

    for index, phase in enumerate(phases):
        middle = phase.starts_at + (phase.ends_at - phase.starts_at) / 2
        with frozen(middle):
            state = process_state(process)
        assert state.past == tuple(phases[:index]), phase.title
        assert state.active == (phase,) and state.current == phase
        assert state.upcoming == tuple(phases[index + 1:])
        assert state.next == (phases[index + 1] if index + 1 < len(phases) else None)
        _assert_only_open(state, phase)

    with frozen(phases[-1].ends_at + dt.timedelta(minutes=1)):
        state = process_state(process)
    assert state.past == tuple(phases) and state.active == () and state.upcoming == ()
    assert state.capabilities == frozenset() and state.is_finished


def test_a_phase_opens_at_its_start_and_closes_at_its_end(in_a, frozen):
    process = process_create(kind="ideas", title="Bornes", actor=account("city_admin"), starts_on=START,
                             publish=True)
    launch, ideas, review = list(process.phases.order_by("position"))[:3]

    with frozen(ideas.starts_at - dt.timedelta(seconds=1)):
        assert process_state(process).active == (launch,)
        assert not process_state(process).is_open(Capability.SUBMIT)
    with frozen(ideas.starts_at):
        assert process_state(process).active == (ideas,)
        assert process_state(process).is_open(Capability.SUBMIT)
    with frozen(ideas.ends_at):
        assert process_state(process).active == (review,)
        assert not process_state(process).is_open(Capability.SUBMIT)
    # `at` answers for another time without freezing the clock.
    assert process_state(process, at=ideas.starts_at + dt.timedelta(days=1)).current == ideas


@pytest.mark.parametrize("visibility", ["draft", "archived"])
def test_a_draft_or_archived_process_opens_nothing(in_a, frozen, visibility):
    admin = account("city_admin")
    process = process_create(kind="ideas", title="Fermé", actor=admin, starts_on=START)
    if visibility == "archived":
        process_publish(process=process, actor=admin)
        process_archive(process=process, actor=admin)
    ideas = process.phases.get(position=1)

    with frozen(ideas.starts_at + dt.timedelta(days=1)):
        state = process_state(process)
        assert state.active == (ideas,)  # the calendar is still shown...
        assert state.capabilities == frozenset()  # ...but nothing can be done
        assert not state.is_open(Capability.SUBMIT) and state.phase_for(Capability.SUBMIT) is None
        with pytest.raises(NotAllowed) as refused:
            capability_check(user=account(), process=process, capability=Capability.SUBMIT)
        assert refused.value.code == "phase_not_open"


def test_overlapping_phases_open_the_union_of_their_capabilities(in_a, frozen):
    admin = account("city_admin")
    process = process_create(kind="custom", title="Chevauchement", actor=admin, starts_on=START)
    t0 = _local(START)
    submission = phase_add(process=process, actor=admin, type_key="submission", starts_at=t0,
                           ends_at=t0 + dt.timedelta(days=10), capabilities=["submit", "comment"])
    vote = phase_add(process=process, actor=admin, type_key="vote", starts_at=t0 + dt.timedelta(days=5),
                     ends_at=t0 + dt.timedelta(days=15), capabilities=["vote", "comment"])
    process_publish(process=process, actor=admin)

    with frozen(t0 + dt.timedelta(days=7)):
        state = process_state(process)
    assert state.active == (submission, vote)
    assert state.capabilities == {Capability.SUBMIT, Capability.COMMENT, Capability.VOTE}
    assert state.phase_for(Capability.SUBMIT) == submission
    assert state.phase_for(Capability.VOTE) == vote
    assert state.phase_for("comment") == vote  # the latest started of the phases opening it
    assert state.phase_for(Capability.SUPPORT) is None
    assert state.current == vote

    with frozen(t0 + dt.timedelta(days=12)):
        state = process_state(process)
    assert state.active == (vote,) and state.past == (submission,)
    assert state.capabilities == {Capability.VOTE, Capability.COMMENT}


def test_phases_are_ordered_by_their_dates_not_their_position(in_a):
    admin = account("city_admin")
    process = process_create(kind="custom", title="Désordre", actor=admin, starts_on=START)
    t0 = _local(START)
    later = phase_add(process=process, actor=admin, type_key="vote", starts_at=t0 + dt.timedelta(days=10),
                      ends_at=t0 + dt.timedelta(days=20))
    sooner = phase_add(process=process, actor=admin, type_key="submission", starts_at=t0,
                       ends_at=t0 + dt.timedelta(days=10))
    process_publish(process=process, actor=admin)

    state = process_state(process, at=t0 - dt.timedelta(days=1))
    assert state.upcoming == (sooner, later) and state.next == sooner


def test_list_pages_compute_states_from_prefetched_phases(in_a, django_assert_num_queries):
    admin = account("city_admin")
    for n in range(3):
        process_create(kind="budget", title=f"Budget {n}", actor=admin, starts_on=START, publish=True)
    processes = list(selectors.process_list(user=None))
    assert len(processes) >= 3

    with django_assert_num_queries(0):
        states = [process_state(p, at=_local(START, 12)) for p in processes]
    assert all(state.current is not None for state in states[:3])
