"""Blueprints: creating a process copies its phases; statuses are seeded; licences and roles gate creation."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from billing.services import licence_set_enabled
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.participation import selectors
from tenant_apps.participation.blueprints import BLUEPRINTS, bilingual
from tenant_apps.participation.models import Phase, Process, Status
from tenant_apps.participation.phases import phase_type_get
from tenant_apps.participation.services import phase_add, process_create, process_publish
from tenant_apps.participation.tests.factories import account

START = dt.date(2026, 3, 2)
KINDS_WITH_PHASES = [key for key, blueprint in BLUEPRINTS.items() if blueprint.phases]


@pytest.mark.parametrize("kind", KINDS_WITH_PHASES)
def test_a_process_copies_the_phases_of_its_blueprint_in_order(in_a, kind):
    blueprint = BLUEPRINTS[kind]
    admin = account("city_admin")

    process = process_create(kind=kind, title="Budget 2026", actor=admin, starts_on=START)

    phases = list(process.phases.order_by("position"))
    assert process.kind == kind and process.module == blueprint.module
    assert process.visibility == Process.Visibility.DRAFT
    assert process.allows_anonymous is blueprint.allows_anonymous
    assert [p.position for p in phases] == list(range(len(blueprint.phases)))
    assert [p.type_key for p in phases] == [spec.type_key for spec in blueprint.phases]
    assert [p.title for p in phases] == [bilingual(spec.title)[0] for spec in blueprint.phases]
    # Phases are laid end to end from midnight (city time) of the start day, each for its default number
    # of days: they start and end at midnight even across a change to or from summer time.
    day = START
    for spec, phase in zip(blueprint.phases, phases, strict=True):
        assert timezone.localtime(phase.starts_at) == timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        day += dt.timedelta(days=spec.days)
        assert timezone.localtime(phase.ends_at) == timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    for earlier, later in zip(phases, phases[1:], strict=False):
        assert later.starts_at == earlier.ends_at
    for spec, phase in zip(blueprint.phases, phases, strict=True):
        phase_type = phase_type_get(spec.type_key)
        wanted = spec.capabilities if spec.capabilities is not None else phase_type.default_capabilities
        assert set(phase.capabilities) == {str(c) for c in wanted}
        assert set(phase.capabilities) <= {str(c) for c in phase_type.capabilities}
        # The configuration is complete: every setting of the type, with its default.
        assert phase.config == {name: field.default for name, field in phase_type.config_schema.items()}


def test_blueprint_capabilities_that_tests_and_modules_rely_on(in_a):
    admin = account("city_admin")

    def caps(kind, index):
        process = process_create(kind=kind, title=f"{kind} {index}", actor=admin, starts_on=START)
        return set(process.phases.get(position=index).capabilities)

    assert caps("ideas", 1) == {"submit", "comment", "argue", "vote"}
    assert caps("budget", 1) == {"submit", "comment", "support"}
    assert caps("interpellation", 2) == {"vote", "comment", "argue"}
    assert caps("consultation", 2) == {"submit", "comment", "argue", "support"}
    assert caps("reports", 1) == {"report", "comment", "support"}


def test_phase_titles_are_in_the_citys_language_whatever_the_staff_reads(in_a):
    assert in_a.locale == "fr"
    with translation.override("en"):
        process = process_create(kind="ideas", title="Boîte à idées", actor=account("city_admin"), starts_on=START)

    french = [bilingual(spec.title)[0] for spec in BLUEPRINTS["ideas"].phases]
    english = [bilingual(spec.title)[1] for spec in BLUEPRINTS["ideas"].phases]
    if french == english:
        pytest.skip("the French catalogue does not translate the blueprint phase titles yet")
    assert list(process.phases.order_by("position").values_list("title", flat=True)) == french


def test_a_custom_process_starts_empty_and_is_published_once_it_has_a_phase(in_a):
    admin = account("city_admin")
    process = process_create(kind="custom", title="Sur mesure", actor=admin, starts_on=START)
    assert not process.phases.exists()

    with pytest.raises(Invalid) as refused:
        process_publish(process=process, actor=admin)
    assert refused.value.code == "no_phase"
    process.refresh_from_db()
    assert process.visibility == Process.Visibility.DRAFT and process.published_at is None

    start = timezone.make_aware(dt.datetime(2026, 3, 2))
    phase_add(process=process, actor=admin, type_key="submission", starts_at=start,
              ends_at=start + dt.timedelta(days=10))
    process_publish(process=process, actor=admin)
    process.refresh_from_db()
    assert process.visibility == Process.Visibility.PUBLISHED and process.published_at is not None


def test_a_custom_process_cannot_be_created_published(in_a):
    with pytest.raises(Invalid):
        process_create(kind="custom", title="Sur mesure", actor=account("city_admin"), publish=True)
    assert not Process.objects.filter(title="Sur mesure").exists()


def test_every_kind_has_its_statuses_in_a_new_city_with_exactly_one_default(in_a):
    for key, blueprint in BLUEPRINTS.items():
        statuses = list(Status.objects.filter(process_kind=key).order_by("position"))
        assert [s.key for s in statuses] == [spec.key for spec in blueprint.statuses], key
        assert [s.is_default for s in statuses].count(True) == 1, key
        for status, spec in zip(statuses, blueprint.statuses, strict=True):
            assert (status.label_fr, status.label_en) == bilingual(spec.label)
            assert (status.is_public, status.is_final, status.colour) == (spec.is_public, spec.is_final, spec.colour)


def test_an_unlicensed_module_can_neither_be_created_nor_seen(in_a):
    admin, citizen = account("city_admin"), account()
    existing = process_create(kind="ideas", title="Idées d'avant", actor=admin, publish=True)
    budget = process_create(kind="budget", title="Budget", actor=admin, publish=True)
    with schema_context("public"):
        licence_set_enabled(collectivity=in_a, module="ideas", enabled=False)
    try:
        with pytest.raises(NotAllowed) as refused:
            process_create(kind="ideas", title="Nouvelles idées", actor=admin)
        assert refused.value.code == "module_unavailable"
        assert not Process.objects.filter(title="Nouvelles idées").exists()

        for user in (None, citizen, admin):
            listed = list(selectors.process_list(user=user, include_drafts=True))
            assert existing not in listed and budget in listed
            with pytest.raises(Http404):
                selectors.process_get_for_user(slug=existing.slug, user=user)
    finally:
        with schema_context("public"):
            licence_set_enabled(collectivity=in_a, module="ideas", enabled=True)
    assert selectors.process_get_for_user(slug=existing.slug, user=citizen) == existing


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_only_staff_create_processes(in_a, role):
    with pytest.raises(NotAllowed):
        process_create(kind="ideas", title="Interdit", actor=account(role))
    with pytest.raises(NotAllowed):
        process_create(kind="ideas", title="Interdit", actor=None)
    assert not Process.objects.filter(title="Interdit").exists()
    assert not Phase.objects.filter(process__title="Interdit").exists()


def test_an_agent_creates_a_process(in_a):
    process = process_create(kind="ideas", title="Par un agent", actor=account("agent"))
    assert process.phases.count() == len(BLUEPRINTS["ideas"].phases)


def test_an_unknown_kind_is_refused_with_a_message(in_a):
    with pytest.raises(Invalid) as refused:
        process_create(kind="nope", title="Inconnu", actor=account("city_admin"))
    assert refused.value.code == "blueprint" and refused.value.message
    assert not Process.objects.filter(title="Inconnu").exists()


def test_a_chosen_address_must_be_free_and_well_formed(in_a):
    admin = account("city_admin")
    process = process_create(kind="ideas", title="Idées", actor=admin, slug="idees-2026")
    assert process.slug == "idees-2026"
    assert process_create(kind="ideas", title="Idées", actor=admin).slug == "idees"  # made from the title

    for slug, code in (("idees-2026", "slug_taken"), ("Idées 2026!", "slug_invalid"), ("a" * 81, "slug_invalid")):
        with pytest.raises(Invalid) as refused:
            process_create(kind="ideas", title="Autre", actor=admin, slug=slug)
        assert refused.value.code == code and refused.value.message
    assert not Process.objects.filter(title="Autre").exists()
