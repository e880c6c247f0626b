import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.participation.models import Contribution
from tenant_apps.participation.services import phase_update
from tenant_apps.participation.state import process_state
from tenant_apps.participation.tests.factories import account, process_in_phase
from tenant_apps.votes.models import Vote
from tenant_apps.votes.services import vote_cast, vote_withdraw
from tenant_apps.votes.tests.helpers import contribution_submitted, counts, voting_on


def _refused(error_type, code, call, contribution):
    """`call` is refused with `code` and leaves the votes and the counters as they were."""
    before = (list(Vote.objects.filter(contribution=contribution).values_list("voter_id", "mode", "value")),
              counts(contribution))
    with pytest.raises(error_type) as caught:
        call()
    assert caught.value.code == code
    after = (list(Vote.objects.filter(contribution=contribution).values_list("voter_id", "mode", "value")),
             counts(contribution))
    assert after == before


def test_a_support_phase_records_a_support(in_a):
    contribution = voting_on("budget", "submission")
    vote = vote_cast(contribution=contribution, voter=account(), value=1)
    assert (vote.mode, vote.value) == (Vote.Mode.SUPPORT, 1)
    assert vote.phase == process_state(contribution.process).phase_for("support")
    assert contribution.support_count == 1  # the caller's instance is up to date
    assert counts(contribution) == (1, 0, 0, 0)


def test_a_support_phase_refuses_against_and_neutral(in_a):
    contribution = voting_on("budget", "submission")
    voter = account()
    for value in (-1, 0):
        _refused(Invalid, "value", lambda v=value: vote_cast(contribution=contribution, voter=voter, value=v),
                 contribution)


def test_a_vote_phase_records_for_and_against(in_a):
    contribution = voting_on("ideas", "submission")
    vote_cast(contribution=contribution, voter=account(), value=1)
    vote_cast(contribution=contribution, voter=account(), value=-1)
    vote_cast(contribution=contribution, voter=account(), value=-1)
    assert counts(contribution) == (0, 1, 2, 0)
    assert set(Vote.objects.filter(contribution=contribution).values_list("mode", flat=True)) == {"for_against"}


def test_authors_may_vote_on_their_own_contribution(in_a):
    author = account()
    contribution = voting_on("ideas", "submission", author=author)
    vote_cast(contribution=contribution, voter=author, value=1)
    assert counts(contribution) == (0, 1, 0, 0)


def test_neutral_only_when_the_phase_offers_it(in_a):
    closed = voting_on("interpellation", "vote")
    _refused(Invalid, "neutral_not_allowed", lambda: vote_cast(contribution=closed, voter=account(), value=0), closed)

    allowed = voting_on("interpellation", "vote", config={"allow_neutral": True})
    vote_cast(contribution=allowed, voter=account(), value=0)
    assert counts(allowed) == (0, 0, 0, 1)


def test_a_value_outside_the_scale_is_refused(in_a):
    contribution = voting_on("ideas", "submission")
    for value in (2, -2, "1", True, None):
        _refused(Invalid, "value", lambda v=value: vote_cast(contribution=contribution, voter=account(), value=v),
                 contribution)


def test_changing_a_vote_moves_it_between_counters(in_a):
    contribution = voting_on("interpellation", "vote", config={"allow_neutral": True})
    voter = account()
    vote_cast(contribution=contribution, voter=account(), value=1)  # someone else, untouched throughout
    vote_cast(contribution=contribution, voter=voter, value=1)
    assert counts(contribution) == (0, 2, 0, 0)
    vote_cast(contribution=contribution, voter=voter, value=-1)
    assert counts(contribution) == (0, 1, 1, 0)
    vote_cast(contribution=contribution, voter=voter, value=0)
    assert counts(contribution) == (0, 1, 0, 1)
    assert Vote.objects.filter(contribution=contribution, voter=voter).count() == 1


def test_a_vote_changing_mode_moves_from_for_to_support(in_a):
    contribution = voting_on("ideas", "submission")
    voter = account()
    vote_cast(contribution=contribution, voter=voter, value=1)
    assert counts(contribution) == (0, 1, 0, 0)
    # The city switches the phase from for / against to support.
    phase = process_state(contribution.process).current
    phase_update(phase=phase, actor=account("city_admin"), capabilities=["submit", "comment", "support"])
    vote = vote_cast(contribution=contribution, voter=voter, value=1)
    assert vote.mode == Vote.Mode.SUPPORT
    assert counts(contribution) == (1, 0, 0, 0)


def test_a_replayed_vote_changes_nothing(in_a):
    contribution = voting_on("ideas", "submission")
    voter = account()
    first = vote_cast(contribution=contribution, voter=voter, value=-1)
    again = vote_cast(contribution=contribution, voter=voter, value=-1)
    assert again.pk == first.pk and again.updated_at == first.updated_at
    assert counts(contribution) == (0, 0, 1, 0)
    assert Vote.objects.filter(contribution=contribution).count() == 1


def test_withdrawing_a_vote_takes_it_out_of_the_counts(in_a):
    contribution = voting_on("ideas", "submission")
    voter = account()
    vote_cast(contribution=contribution, voter=account(), value=-1)
    vote_cast(contribution=contribution, voter=voter, value=-1)
    vote_withdraw(contribution=contribution, voter=voter)
    assert contribution.against_count == 1
    assert counts(contribution) == (0, 0, 1, 0)
    assert not Vote.objects.filter(contribution=contribution, voter=voter).exists()
    vote_withdraw(contribution=contribution, voter=voter)  # replayed: nothing left to withdraw
    assert counts(contribution) == (0, 0, 1, 0)


def test_withdrawing_a_support(in_a):
    contribution = voting_on("budget", "submission")
    voter = account()
    vote_cast(contribution=contribution, voter=voter, value=1)
    vote_withdraw(contribution=contribution, voter=voter)
    assert counts(contribution) == (0, 0, 0, 0)


def test_nothing_can_be_cast_or_withdrawn_once_the_phase_is_closed(in_a, frozen):
    process = process_in_phase("ideas", "review")
    submission = process.phases.get(type_key="submission")
    contribution = contribution_submitted(process)
    voter = account()
    with frozen(submission.starts_at + dt.timedelta(hours=2)):
        vote_cast(contribution=contribution, voter=voter, value=1)
    assert counts(contribution) == (0, 1, 0, 0)

    _refused(NotAllowed, "phase_not_open", lambda: vote_cast(contribution=contribution, voter=voter, value=-1),
             contribution)
    _refused(NotAllowed, "phase_not_open", lambda: vote_cast(contribution=contribution, voter=account(), value=1),
             contribution)
    _refused(NotAllowed, "phase_not_open", lambda: vote_withdraw(contribution=contribution, voter=voter),
             contribution)


def test_a_support_of_an_earlier_phase_cannot_be_withdrawn_in_a_for_against_phase(in_a):
    contribution = voting_on("budget", "submission")
    voter = account()
    vote_cast(contribution=contribution, voter=voter, value=1)
    phase = process_state(contribution.process).current
    phase_update(phase=phase, actor=account("city_admin"), capabilities=["submit", "comment", "vote"])
    _refused(NotAllowed, "phase_not_open", lambda: vote_withdraw(contribution=contribution, voter=voter),
             contribution)


def test_a_draft_process_opens_nothing(in_a):
    process = process_in_phase("ideas", "submission", publish=False)
    contribution = Contribution.objects.create(process=process, title="Brouillon", body="<p>Texte</p>",
                                               author=account())
    _refused(NotAllowed, "phase_not_open", lambda: vote_cast(contribution=contribution, voter=account(), value=1),
             contribution)


def test_a_hidden_contribution_cannot_be_voted_on_or_its_vote_withdrawn(in_a):
    contribution = voting_on("ideas", "submission")
    voter = account()
    vote_cast(contribution=contribution, voter=voter, value=1)
    # Moderation hides it (as the moderation app does, on the row).
    Contribution.objects.filter(pk=contribution.pk).update(is_hidden=True, hidden_reason="Propos injurieux")
    _refused(NotAllowed, "hidden", lambda: vote_cast(contribution=contribution, voter=account(), value=1),
             contribution)
    _refused(NotAllowed, "hidden", lambda: vote_cast(contribution=contribution, voter=voter, value=-1), contribution)
    _refused(NotAllowed, "hidden", lambda: vote_withdraw(contribution=contribution, voter=voter), contribution)


def test_an_anonymous_visitor_cannot_vote(in_a):
    contribution = voting_on("ideas", "submission")
    _refused(NotAllowed, "login_required",
             lambda: vote_cast(contribution=contribution, voter=AnonymousUser(), value=1), contribution)
    _refused(NotAllowed, "login_required", lambda: vote_withdraw(contribution=contribution, voter=AnonymousUser()),
             contribution)


def test_a_blocked_account_cannot_vote(in_a):
    contribution = voting_on("ideas", "submission")
    voter = account()
    voter.is_active = False
    voter.save(update_fields=["is_active"])
    _refused(NotAllowed, "blocked", lambda: vote_cast(contribution=contribution, voter=voter, value=1), contribution)


def test_supports_per_person_are_limited_within_the_process(in_a):
    first = voting_on("interpellation", "vote", config={"max_supports_per_person": 2},
                      capabilities=["support", "comment"])
    process = first.process
    second, third = contribution_submitted(process), contribution_submitted(process)
    elsewhere = voting_on("interpellation", "vote", config={"max_supports_per_person": 2},
                      capabilities=["support", "comment"])
    voter = account()
    vote_cast(contribution=elsewhere, voter=voter, value=1)  # another process does not count
    vote_cast(contribution=first, voter=voter, value=1)
    vote_cast(contribution=second, voter=voter, value=1)
    vote_cast(contribution=second, voter=voter, value=1)  # a replay is not a new support

    _refused(NotAllowed, "support_limit_reached", lambda: vote_cast(contribution=third, voter=voter, value=1), third)

    vote_withdraw(contribution=first, voter=voter)
    vote_cast(contribution=third, voter=voter, value=1)
    assert [counts(c)[0] for c in (first, second, third)] == [0, 1, 1]
    # Others have their own supports.
    vote_cast(contribution=first, voter=account(), value=1)
    assert counts(first)[0] == 1
