"""One ballot per person: online, on paper, changing one's vote, the e-mail, the paper double entry, sealing."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets.models import Ballot, Channel, Edition, PaperEntry, VoterMark
from tenant_apps.budgets.services.voting import (
    ballot_submit,
    ballots_seal,
    paper_entry_record,
    paper_entry_resolve,
    receipt_code,
    voter_mark_paper,
)
from tenant_apps.budgets.tests.factories import edition_make, edition_voting, phases_shift_to, vote_closed
from tenant_apps.budgets.tests.test_voting_support import edition_with, place, verified
from tenant_apps.participation.tests.factories import account

pytestmark = pytest.mark.django_db


def _pick(projects, *indexes):
    return {str(projects[i].pk): 1 for i in indexes}


# --- Online ----------------------------------------------------------------------------------------------


def test_a_ballot_is_recorded_with_a_mark_and_a_confirmation_email(in_a, city_a, django_capture_on_commit_callbacks):
    _edition, budget, projects = edition_voting(name="Budget de la ville")
    voter = account()
    with django_capture_on_commit_callbacks(execute=True):
        ballot = ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0, 2))
    assert ballot.choices == _pick(projects, 0, 2) and ballot.channel == Channel.ONLINE
    mark = VoterMark.objects.get(account=voter)
    assert ballot.mark == mark and mark.channel == Channel.ONLINE and mark.budget == budget
    [message] = mail.outbox
    assert message.to == [voter.email] and message.subject.startswith(f"[{city_a.name}] ")
    assert "Budget de la ville" in message.body and receipt_code(ballot) in message.body
    # The receipt proves the vote, it does not reveal it.
    assert projects[0].title not in message.body and projects[0].title not in message.alternatives[0][0]


def test_changing_ones_vote_replaces_the_same_ballot(in_a, django_capture_on_commit_callbacks):
    _edition, budget, projects = edition_voting()
    voter = account()
    first = ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0, 1))
    with django_capture_on_commit_callbacks(execute=True):
        second = ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 3))
    assert second.pk == first.pk
    assert Ballot.objects.filter(budget=budget).count() == 1
    stored = Ballot.objects.get(pk=first.pk)
    assert stored.version == 2 and stored.choices == _pick(projects, 3)
    assert receipt_code(stored) != receipt_code(first)
    assert VoterMark.objects.filter(account=voter).count() == 1


def test_the_same_form_sent_twice_changes_nothing(in_a, django_capture_on_commit_callbacks):
    _edition, budget, projects = edition_voting()
    voter, token = account(), uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0), submission_token=token)
        again = ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 1), submission_token=token)
    stored = Ballot.objects.get(pk=again.pk)
    assert stored.version == 1 and stored.choices == _pick(projects, 0)
    assert len(mail.outbox) == 1


def test_an_invalid_ballot_changes_nothing(in_a):
    _edition, budget, projects = edition_voting(max_choices=2)
    voter = account()
    ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0))
    with pytest.raises(Invalid) as error:
        ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0, 1, 2))
    assert error.value.code == "too_many"
    stored = Ballot.objects.get(mark__account=voter)
    assert stored.version == 1 and stored.choices == _pick(projects, 0)


@pytest.mark.parametrize("who", ["anonymous", "blocked"])
def test_people_who_may_not_vote_are_refused_and_nothing_is_written(in_a, who):
    _edition, budget, projects = edition_voting()
    voter = AnonymousUser()
    if who == "blocked":
        voter = account()
        voter.is_active = False
        voter.save(update_fields=["is_active"])
    with pytest.raises(NotAllowed):
        ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0))
    assert not VoterMark.objects.exists() and not Ballot.objects.exists()


def test_no_vote_before_the_vote_opens_nor_after_it_closes(in_a):
    edition, budget, projects = edition_voting()
    voter = account()
    vote_closed(edition)
    with pytest.raises(NotAllowed) as error:
        ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0))
    assert error.value.code == "phase_not_open"
    phases_shift_to(edition, "review")
    with pytest.raises(NotAllowed):
        ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0))
    assert not Ballot.objects.filter(budget=budget).exists()


def test_one_district_mode_a_second_district_is_refused_but_the_city_wide_budget_is_open(in_a):
    _edition, ((city, city_projects), (north, north_projects), (south, south_projects)) = edition_with(
        {"name": "Toute la ville"}, {"name": "Quartier Nord", "district": "Nord"},
        {"name": "Quartier Sud", "district": "Sud"})
    voter = account()
    ballot_submit(budget=north, voter=voter, choices=_pick(north_projects, 0))
    with pytest.raises(NotAllowed) as error:
        ballot_submit(budget=south, voter=voter, choices=_pick(south_projects, 0))
    assert "Quartier Nord" in error.value.message
    ballot_submit(budget=city, voter=voter, choices=_pick(city_projects, 1))
    assert sorted(Ballot.objects.values_list("budget__name", flat=True)) == ["Quartier Nord", "Toute la ville"]
    # Changing the north ballot is still possible.
    ballot_submit(budget=north, voter=voter, choices=_pick(north_projects, 2))
    assert Ballot.objects.get(budget=north).version == 2


def test_every_district_when_the_city_lets_people_vote_everywhere(in_a):
    _edition, ((north, north_projects), (south, south_projects)) = edition_with(
        {"district": "Nord"}, {"district": "Sud"}, voting_scope=Edition.VotingScope.ALL)
    voter = account()
    ballot_submit(budget=north, voter=voter, choices=_pick(north_projects, 0))
    ballot_submit(budget=south, voter=voter, choices=_pick(south_projects, 0))
    assert Ballot.objects.count() == 2


def test_the_age_range_is_kept_only_with_consent(in_a):
    from tenant_apps.statistics.services import profile_update

    _edition, budget, projects = edition_voting()
    consenting, other = account(), account()
    profile_update(user=consenting, age_range="30_44", consent=True)
    ballot_submit(budget=budget, voter=consenting, choices=_pick(projects, 0))
    ballot_submit(budget=budget, voter=other, choices=_pick(projects, 0))
    assert VoterMark.objects.get(account=consenting).age_range == "30_44"
    assert VoterMark.objects.get(account=other).age_range == ""


# --- Online and paper ------------------------------------------------------------------------------------


def test_online_then_paper_by_account_is_refused(in_a):
    edition, budget, projects = edition_voting()
    voter, agent = account(), account("agent")
    ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0))
    with pytest.raises(NotAllowed) as error:
        voter_mark_paper(budget=budget, polling_place=place(edition), actor=agent, account=voter)
    assert "en ligne" in error.value.message or "online" in error.value.message
    assert VoterMark.objects.count() == 1


def test_online_then_paper_by_identity_is_refused(in_a):
    edition, budget, projects = edition_voting()
    voter = verified(account(), given_name="Éloïse", family_name="Le Gall", birth_date="1990-02-03")
    ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0))
    # The agent types the names as written on the identity card: case and accents do not matter.
    with pytest.raises(NotAllowed):
        voter_mark_paper(budget=budget, polling_place=place(edition), actor=account("agent"),
                         given_name="ELOISE", family_name="le gall", birth_date="1990-02-03")
    assert VoterMark.objects.count() == 1


def test_paper_then_online_is_refused_by_account_and_by_identity(in_a):
    edition, budget, projects = edition_voting()
    at_desk = place(edition, "Médiathèque")
    by_account = account()
    voter_mark_paper(budget=budget, polling_place=at_desk, actor=account("agent"), account=by_account)
    with pytest.raises(NotAllowed) as error:
        ballot_submit(budget=budget, voter=by_account, choices=_pick(projects, 0))
    assert "Médiathèque" in error.value.message
    by_identity = verified(account(), given_name="Jean", family_name="Dupont", birth_date="1970-01-01")
    voter_mark_paper(budget=budget, polling_place=at_desk, actor=account("agent"), given_name="Jean",
                     family_name="Dupont", birth_date="1970-01-01")
    with pytest.raises(NotAllowed):
        ballot_submit(budget=budget, voter=by_identity, choices=_pick(projects, 0))
    assert not Ballot.objects.exists()
    assert VoterMark.objects.filter(channel=Channel.PAPER).count() == 2


def test_a_person_is_marked_once_at_polling_places(in_a):
    edition, budget, _projects = edition_voting()
    first, second = place(edition, "Mairie"), place(edition, "Marché")
    voter_mark_paper(budget=budget, polling_place=first, actor=account("agent"), given_name="Ana",
                     family_name="Silva", birth_date="2001-07-14")
    with pytest.raises(NotAllowed) as error:
        voter_mark_paper(budget=budget, polling_place=second, actor=account("agent"), given_name="Ana",
                         family_name="Silva", birth_date="2001-07-14")
    assert "Mairie" in error.value.message
    assert VoterMark.objects.count() == 1


def test_marking_needs_staff_someone_identified_and_an_open_vote(in_a):
    edition, budget, _projects = edition_voting()
    at_desk = place(edition)
    with pytest.raises(NotAllowed):
        voter_mark_paper(budget=budget, polling_place=at_desk, actor=account(), account=account())
    with pytest.raises(Invalid):
        voter_mark_paper(budget=budget, polling_place=at_desk, actor=account("agent"))
    with pytest.raises(Invalid):
        voter_mark_paper(budget=budget, polling_place=at_desk, actor=account("agent"), given_name="Ana",
                         family_name="Silva")
    vote_closed(edition)
    with pytest.raises(NotAllowed):
        voter_mark_paper(budget=budget, polling_place=at_desk, actor=account("agent"), account=account())
    assert not VoterMark.objects.exists()


# --- Paper double entry ----------------------------------------------------------------------------------


def test_two_matching_entries_make_one_anonymous_ballot(in_a):
    edition, budget, projects = edition_voting()
    at_desk, first_agent, second_agent = place(edition), account("agent"), account("agent")
    entry = paper_entry_record(budget=budget, polling_place=at_desk, sheet=1, choices=_pick(projects, 0, 1),
                               actor=first_agent)
    assert entry.state == PaperEntry.State.AWAITING_SECOND and not Ballot.objects.exists()
    with pytest.raises(NotAllowed) as error:
        paper_entry_record(budget=budget, polling_place=at_desk, sheet=1, choices=_pick(projects, 0, 1),
                           actor=first_agent)
    assert error.value.code == "same_agent"
    entry = paper_entry_record(budget=budget, polling_place=at_desk, sheet=1, choices=_pick(projects, 0, 1),
                               actor=second_agent)
    assert entry.state == PaperEntry.State.CONFIRMED
    ballot = Ballot.objects.get()
    assert ballot.channel == Channel.PAPER and ballot.mark is None and ballot.polling_place == at_desk
    assert ballot.choices == _pick(projects, 0, 1)
    with pytest.raises(NotAllowed):
        paper_entry_record(budget=budget, polling_place=at_desk, sheet=1, choices={}, actor=account("agent"))
    assert Ballot.objects.count() == 1


def test_entries_that_differ_wait_for_an_administrator(in_a):
    edition, budget, projects = edition_voting()
    at_desk = place(edition)
    paper_entry_record(budget=budget, polling_place=at_desk, sheet=4, choices=_pick(projects, 0),
                       actor=account("agent"))
    entry = paper_entry_record(budget=budget, polling_place=at_desk, sheet=4, choices=_pick(projects, 1),
                               actor=account("agent"))
    assert entry.state == PaperEntry.State.MISMATCH and not Ballot.objects.exists()
    with pytest.raises(NotAllowed):
        paper_entry_resolve(entry=entry, version="second", actor=account("agent"))
    entry = paper_entry_resolve(entry=entry, version="second", actor=account("city_admin"))
    assert entry.state == PaperEntry.State.CONFIRMED
    assert Ballot.objects.get().choices == _pick(projects, 1)
    with pytest.raises(NotAllowed):
        paper_entry_resolve(entry=entry, version="first", actor=account("city_admin"))
    assert Ballot.objects.count() == 1


def test_void_and_invalid_paper_ballots_are_void_and_not_counted(in_a):
    edition, budget, projects = edition_voting(max_choices=2)
    at_desk = place(edition)
    for sheet, kwargs in ((1, {"void": True, "choices": {}}), (2, {"choices": _pick(projects, 0, 1, 2)})):
        paper_entry_record(budget=budget, polling_place=at_desk, sheet=sheet, actor=account("agent"), **kwargs)
        entry = paper_entry_record(budget=budget, polling_place=at_desk, sheet=sheet, actor=account("agent"),
                                   **kwargs)
        assert entry.state == PaperEntry.State.VOID and entry.ballot is None
    assert not Ballot.objects.exists()


def test_a_single_agent_city_may_type_both_entries(in_a):
    from django.contrib.auth import get_user_model

    edition, budget, projects = edition_voting()
    # Only one staff account left active (the factories made administrators along the way).
    get_user_model().objects.filter(role__in=("agent", "city_admin")).update(is_active=False)
    alone = account("agent")
    paper_entry_record(budget=budget, polling_place=place(edition), sheet=1, choices=_pick(projects, 0), actor=alone)
    entry = paper_entry_record(budget=budget, polling_place=edition.polling_places.get(), sheet=1,
                               choices=_pick(projects, 0), actor=alone)
    assert entry.state == PaperEntry.State.CONFIRMED


def test_paper_entries_need_staff_and_an_opened_vote(in_a):
    edition = edition_make()
    from tenant_apps.budgets.tests.factories import budget_make

    budget, projects = budget_make(edition)
    with pytest.raises(NotAllowed):
        paper_entry_record(budget=budget, polling_place=place(edition), sheet=1, choices=_pick(projects, 0),
                           actor=account("agent"))
    phases_shift_to(edition, "budget_vote")
    with pytest.raises(NotAllowed):
        paper_entry_record(budget=budget, polling_place=edition.polling_places.get(), sheet=1,
                           choices=_pick(projects, 0), actor=account())
    assert not PaperEntry.objects.exists()


# --- Sealing ---------------------------------------------------------------------------------------------


def test_sealing_cuts_every_link_once_the_vote_is_closed(in_a):
    edition, budget, projects = edition_voting()
    voters = [account() for _ in range(3)]
    for voter in voters:
        ballot_submit(budget=budget, voter=voter, choices=_pick(projects, 0))
    with pytest.raises(NotAllowed):
        ballots_seal(edition=edition)
    assert Ballot.objects.filter(mark__isnull=False).count() == 3
    vote_closed(edition)
    assert ballots_seal(edition=edition, actor=account("city_admin")) == 3
    assert Ballot.objects.filter(mark__isnull=False).count() == 0
    assert Ballot.objects.count() == 3 and VoterMark.objects.count() == 3  # turnout is kept
    assert ballots_seal(edition=edition) == 0  # idempotent


def test_the_periodic_task_seals_closed_editions_only(in_a):
    from tenant_apps.budgets.tasks import ballots_seal_closed

    closed, closed_budget, closed_projects = edition_voting(title="Édition close")
    still_open, open_budget, open_projects = edition_voting(title="Édition ouverte")
    ballot_submit(budget=closed_budget, voter=account(), choices=_pick(closed_projects, 0))
    ballot_submit(budget=open_budget, voter=account(), choices=_pick(open_projects, 0))
    vote_closed(closed)
    assert ballots_seal_closed() == 1
    assert Ballot.objects.get(budget=closed_budget).mark is None
    assert Ballot.objects.get(budget=open_budget).mark is not None
