"""Many people (or one person many times) voting at the same instant, on real PostgreSQL.

Each thread has its own database connection and transaction, so the data must be committed for them
to see it. A `transaction=True` test would flush the public schema when it ends (the test cities
with it, for every transactional test that follows), so, as tests/test_backup.py does, these tests
write through `django_db_blocker` without the `db` fixture and remove what they made.
"""


import pytest
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from conftest import CITY_SPECS
from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from tenant_apps.participation.models import Contribution, Process
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase
from tenant_apps.votes.models import Vote
from tenant_apps.votes.services import vote_cast
from tests.concurrency import at_once

SCHEMA = CITY_SPECS["city_a"]["slug"]
MARKER = "concurrence-votes"


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """A budget process open to supports in city A, committed; everything the test made is removed after."""
    with django_db_blocker.unblock():
        _clean()
        try:
            with schema_context(SCHEMA):
                admin = account("city_admin", email=f"admin.{MARKER}@exemple.fr")
                process = process_in_phase("budget", "submission", actor=admin, title=f"Budget {MARKER}")
                target = contribution(process, author=account(email=f"auteur.{MARKER}@exemple.fr"))
            yield target
        finally:
            _clean()
            connection.set_schema_to_public()


def _clean():
    with schema_context(SCHEMA):
        Process.objects.filter(title__contains=MARKER).delete()  # its phases, contributions and votes with it
        AuditEntry.objects.filter(actor_label__contains=MARKER).delete()
        User.objects.filter(email__contains=MARKER).delete()
        assert not Process.objects.filter(title__contains=MARKER).exists()


def _at_once(jobs) -> list[Exception]:
    return at_once(jobs, schema=SCHEMA)


def _cast_job(contribution_pk: int, voter_pk: int):
    def prepare():
        # Fetched before the barrier: the threads then race on the vote itself.
        target = Contribution.objects.select_related("process").get(pk=contribution_pk)
        voter = User.objects.get(pk=voter_pk)
        return lambda: vote_cast(contribution=target, voter=voter, value=1)

    return prepare


def test_the_database_itself_refuses_a_second_vote_of_one_person(in_a):
    # The last line of defence, whatever the code above it does (and this module's database set-up).
    from tenant_apps.votes.tests.helpers import voting_on

    target, voter = voting_on("budget", "submission"), account()
    Vote.objects.create(contribution=target, voter=voter, mode=Vote.Mode.SUPPORT, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(contribution=target, voter=voter, mode=Vote.Mode.SUPPORT, value=1)


def test_fifty_identical_votes_at_once_leave_one_vote_and_one_support(committed):
    with schema_context(SCHEMA):
        voter = account(email=f"votante.{MARKER}@exemple.fr")
    errors = _at_once([_cast_job(committed.pk, voter.pk) for _ in range(50)])
    assert errors == []
    with schema_context(SCHEMA):
        assert Vote.objects.filter(contribution_id=committed.pk).count() == 1
        target = Contribution.objects.get(pk=committed.pk)
        assert (target.support_count, target.for_count, target.against_count, target.neutral_count) == (1, 0, 0, 0)


def test_twenty_people_supporting_at_once_are_all_counted(committed):
    with schema_context(SCHEMA):
        voters = [account(email=f"votant{n}.{MARKER}@exemple.fr") for n in range(20)]
    errors = _at_once([_cast_job(committed.pk, voter.pk) for voter in voters])
    assert errors == []
    with schema_context(SCHEMA):
        assert Vote.objects.filter(contribution_id=committed.pk).count() == 20
        assert Contribution.objects.get(pk=committed.pk).support_count == 20
