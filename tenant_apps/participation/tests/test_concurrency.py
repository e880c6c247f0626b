"""One person submitting at the same instant from several tabs cannot go past the limit per person.

Committed data on real PostgreSQL, as tenant_apps/votes/tests/test_concurrency.py explains.
"""

import threading

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from conftest import CITY_SPECS
from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from shared_apps.core.errors import NotAllowed
from tenant_apps.participation.models import Contribution, Process
from tenant_apps.participation.services import contribution_create, phase_update
from tenant_apps.participation.tests.factories import account, process_in_phase

SCHEMA = CITY_SPECS["city_a"]["slug"]
MARKER = "concurrence-depots"


def _clean():
    with schema_context(SCHEMA):
        Process.objects.filter(title__contains=MARKER).delete()
        AuditEntry.objects.filter(actor_label__contains=MARKER).delete()
        User.objects.filter(email__contains=MARKER).delete()


@pytest.fixture
def limited(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _clean()
        try:
            with schema_context(SCHEMA):
                admin = account("city_admin", email=f"admin.{MARKER}@exemple.fr")
                process = process_in_phase("ideas", "submission", actor=admin, title=f"Idées {MARKER}")
                phase_update(phase=process.phases.get(position=1), actor=admin, config={"max_per_person": 2})
                author = account(email=f"auteur.{MARKER}@exemple.fr")
            yield process.pk, author.pk
        finally:
            _clean()
            connection.set_schema_to_public()


def test_ten_simultaneous_submissions_respect_a_limit_of_two(limited):
    process_pk, author_pk = limited
    barrier = threading.Barrier(10)
    refused, errors = [], []

    def submit(n):
        try:
            with schema_context(SCHEMA):
                process, author = Process.objects.get(pk=process_pk), User.objects.get(pk=author_pk)
                barrier.wait(timeout=30)
                try:
                    contribution_create(process=process, author=author, title=f"Idée {n}", body="Texte.")
                except NotAllowed:
                    refused.append(n)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    with schema_context(SCHEMA):
        assert Contribution.objects.filter(process_id=process_pk, author_id=author_pk).count() == 2
    assert len(refused) == 8


@pytest.mark.django_db
def test_one_after_the_other_the_limit_explains_itself(in_a):
    # (Also makes this file set up the test database when it runs alone: pytest-django prepares
    # databases only for sessions with a test marked django_db.)
    admin = account("city_admin")
    process = process_in_phase("ideas", "submission", actor=admin)
    phase_update(phase=process.phases.get(position=1), actor=admin, config={"max_per_person": 1})
    author = account()
    contribution_create(process=process, author=author, title="Première", body="Texte.")
    with pytest.raises(NotAllowed) as refused:
        contribution_create(process=process, author=author, title="Seconde", body="Texte.")
    assert refused.value.code == "limit_reached"
    assert Contribution.objects.filter(process=process).count() == 1


def test_the_same_form_sent_five_times_at_once_makes_one_contribution(limited):
    import uuid

    process_pk, author_pk = limited
    token = uuid.uuid4()
    barrier = threading.Barrier(5)
    made, errors = [], []

    def submit():
        try:
            with schema_context(SCHEMA):
                process, author = Process.objects.get(pk=process_pk), User.objects.get(pk=author_pk)
                barrier.wait(timeout=30)
                made.append(contribution_create(process=process, author=author, title="Une seule idée",
                                                body="Texte.", submission_token=token).pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(made) == 5 and len(set(made)) == 1
    with schema_context(SCHEMA):
        assert Contribution.objects.filter(process_id=process_pk).count() == 1
