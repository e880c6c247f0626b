"""Double voting is impossible even at the same instant, on real PostgreSQL with committed data.

As in tenant_apps/votes/tests/test_concurrency.py: each thread has its own connection and transaction,
so the set-up is committed (without the `db` fixture, which would roll it back invisibly to the
threads) and everything the tests made is removed afterwards.
"""


import pytest
from django.db import connection
from django_tenants.utils import schema_context

from conftest import CITY_SPECS
from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from tenant_apps.budgets.models import Ballot, Budget, PollingPlace, VoterMark
from tenant_apps.participation.models import Process
from tenant_apps.participation.tests.factories import account
from tests.concurrency import at_once

SCHEMA = CITY_SPECS["city_a"]["slug"]
MARKER = "concurrence-budget"


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """An edition of city A whose vote is open, with one budget and a polling place, committed."""
    with django_db_blocker.unblock():
        _clean()
        try:
            with schema_context(SCHEMA):
                from tenant_apps.budgets.tests.factories import budget_make, edition_make, phases_shift_to

                # Every account made here carries the marker, so that the clean-up finds it.
                admin = account("city_admin", email=f"admin.{MARKER}@exemple.fr")
                edition = edition_make(admin=admin, title=f"Budget {MARKER}")
                budget, projects = budget_make(edition, admin=admin)
                phases_shift_to(edition, "budget_vote")
                place = PollingPlace.objects.create(edition=edition, name=f"Bureau {MARKER}")
            yield budget, projects, place
        finally:
            _clean()
            connection.set_schema_to_public()


def _clean():
    with schema_context(SCHEMA):
        for process in Process.objects.filter(title__contains=MARKER):
            edition = getattr(process, "budget_edition", None)
            if edition is not None:
                # Paper entries and marks hold polling places (PROTECT): remove them first.
                Ballot.objects.filter(budget__edition=edition).delete()
                VoterMark.objects.filter(edition=edition).delete()
                for budget in Budget.objects.filter(edition=edition):
                    budget.paper_entries.all().delete()
                PollingPlace.objects.filter(edition=edition).delete()
            process.delete()
        AuditEntry.objects.filter(actor_label__contains=MARKER).delete()
        User.objects.filter(email__contains=MARKER).delete()
        assert not Process.objects.filter(title__contains=MARKER).exists()


def _at_once(jobs) -> list[Exception]:
    return at_once(jobs, schema=SCHEMA)


def _online(budget_pk, voter_pk, choices):
    def prepare():
        from tenant_apps.budgets.services.voting import ballot_submit

        budget, voter = Budget.objects.get(pk=budget_pk), User.objects.get(pk=voter_pk)
        return lambda: ballot_submit(budget=budget, voter=voter, choices=choices)

    return prepare


def _paper(budget_pk, place_pk, agent_pk, voter_pk):
    def prepare():
        from tenant_apps.budgets.services.voting import voter_mark_paper

        budget, place = Budget.objects.get(pk=budget_pk), PollingPlace.objects.get(pk=place_pk)
        agent, voter = User.objects.get(pk=agent_pk), User.objects.get(pk=voter_pk)
        return lambda: voter_mark_paper(budget=budget, polling_place=place, actor=agent, account=voter)

    return prepare


def test_the_database_itself_refuses_a_second_mark_by_account_or_by_identity(in_a):
    # The last line of defence, whatever the code above it does (this test also makes pytest-django
    # build the test database when this module runs alone).
    from django.db import IntegrityError, transaction

    from tenant_apps.budgets.tests.factories import edition_voting

    edition, budget, _projects = edition_voting()
    voter = account()
    VoterMark.objects.create(edition=edition, budget=budget, slot=str(budget.pk), account=voter, identity_key="k",
                             channel="online")
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterMark.objects.create(edition=edition, budget=budget, slot=str(budget.pk), account=voter,
                                 channel="paper")
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterMark.objects.create(edition=edition, budget=budget, slot=str(budget.pk), identity_key="k",
                                 channel="paper")


def test_one_person_voting_online_many_times_at_once_has_one_mark_and_one_ballot(committed):
    budget, projects, _place = committed
    with schema_context(SCHEMA):
        voter = account(email=f"votante.{MARKER}@exemple.fr")
    jobs = [_online(budget.pk, voter.pk, {str(projects[n % 4].pk): 1}) for n in range(12)]
    errors = _at_once(jobs)
    assert errors == []  # every request got an answer: the later ones replaced the ballot
    with schema_context(SCHEMA):
        assert VoterMark.objects.filter(account_id=voter.pk).count() == 1
        ballots = list(Ballot.objects.filter(budget_id=budget.pk))
        assert len(ballots) == 1 and ballots[0].version == 12


def test_two_agents_marking_the_same_person_at_once_make_one_mark(committed):
    from shared_apps.core.errors import NotAllowed

    budget, _projects, place = committed
    with schema_context(SCHEMA):
        voter = account(email=f"votant.{MARKER}@exemple.fr")
        agents = [account("agent", email=f"agent{n}.{MARKER}@exemple.fr") for n in range(6)]
    errors = _at_once([_paper(budget.pk, place.pk, agent.pk, voter.pk) for agent in agents])
    assert len(errors) == 5 and all(isinstance(e, NotAllowed) and e.code == "already_voted" for e in errors)
    with schema_context(SCHEMA):
        assert VoterMark.objects.filter(account_id=voter.pk).count() == 1


def test_online_and_paper_at_the_same_instant_leave_one_vote(committed):
    budget, projects, place = committed
    with schema_context(SCHEMA):
        voter = account(email=f"double.{MARKER}@exemple.fr")
        agent = account("agent", email=f"agent.{MARKER}@exemple.fr")
    errors = _at_once([_online(budget.pk, voter.pk, {str(projects[0].pk): 1}),
                       _paper(budget.pk, place.pk, agent.pk, voter.pk)])
    assert len(errors) == 1
    with schema_context(SCHEMA):
        marks = list(VoterMark.objects.filter(account_id=voter.pk))
        assert len(marks) == 1
        assert Ballot.objects.filter(budget_id=budget.pk).count() == (1 if marks[0].channel == "online" else 0)
