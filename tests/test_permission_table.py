"""The permission table: role x phase x capability, through the real services.

Each capability is open exactly when a phase that offers it is active, to any active signed-in account;
a refused call raises NotAllowed and changes nothing.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from shared_apps.core.errors import ApplicationError, NotAllowed
from tenant_apps.discussion.models import Argument, Comment
from tenant_apps.discussion.services import argument_post, comment_post
from tenant_apps.participation.models import Contribution
from tenant_apps.participation.services import contribution_create, process_create
from tenant_apps.participation.tests.factories import account
from tenant_apps.votes.models import Vote
from tenant_apps.votes.services import vote_cast

pytestmark = pytest.mark.django_db

START = dt.date(2027, 1, 4)
ROLES = ["anonymous", "citizen", "moderator", "agent", "city_admin", "blocked"]
ACTIONS = ["submit", "comment", "argue", "vote_against", "support"]

# (kind, phase index or "after" / "draft") -> the actions open there. Written out by hand from the
# blueprints (DEVELOPERS.md, issue 4), not computed from the code under test.
TABLE = {
    ("ideas", 0): set(),  # launch: information only
    ("ideas", 1): {"submit", "comment", "argue", "vote_against", "support"},  # ideas: for/against votes
    ("ideas", 2): set(),  # review: staff work, nothing for citizens
    ("ideas", 3): set(),  # implementation
    ("ideas", "after"): set(),
    ("ideas", "draft"): set(),
    ("budget", 1): {"submit", "comment", "support"},  # call for ideas: supports only
    ("budget", 3): {"comment"},  # campaign and vote: citizens vote with the budget module's ballot, not supports
    ("reports", 1): {"submit", "comment", "support"},  # reports: "me too" supports
    ("interpellation", 2): {"comment", "argue", "vote_against", "support"},  # citizen vote: for/against
    ("consultation", 2): {"submit", "comment", "argue", "support"},  # proposals
}
# The phase in which the contribution the other actions act on is submitted.
SUBMISSION_PHASE = {"ideas": 1, "budget": 1, "reports": 1, "interpellation": 1, "consultation": 2}


def _person(role):
    if role == "anonymous":
        return AnonymousUser()
    user = account("citizen" if role == "blocked" else role)
    if role == "blocked":
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


def _moment(process, stage):
    phases = list(process.phases.order_by("position"))
    if stage == "after":
        return phases[-1].ends_at + dt.timedelta(hours=1)
    if stage == "draft":
        return phases[1].starts_at + dt.timedelta(hours=1)
    return phases[stage].starts_at + dt.timedelta(hours=1)


def _snapshot(item):
    item.refresh_from_db()
    return (Contribution.objects.count(), Vote.objects.count(), Comment.objects.count(), Argument.objects.count(),
            item.support_count, item.for_count, item.against_count, item.comment_count)


def _do(action, process, item, person):
    if action == "submit":
        contribution_create(process=process, author=person, title="Une proposition", body="Son texte.")
    elif action == "comment":
        comment_post(contribution=item, author=person, body="Un commentaire.")
    elif action == "argue":
        argument_post(contribution=item, author=person, side="for", body="Un argument pour.")
    elif action == "vote_against":
        vote_cast(contribution=item, voter=person, value=-1)
    elif action == "support":
        vote_cast(contribution=item, voter=person, value=1)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("stage", list(TABLE), ids=lambda s: f"{s[0]}-{s[1]}")
def test_capabilities_open_exactly_in_their_phase(in_a, frozen, stage, role):
    kind, when = stage
    admin = account("city_admin")
    with frozen(timezone.make_aware(dt.datetime.combine(START, dt.time(9)))):
        process = process_create(kind=kind, title="Démarche", actor=admin, starts_on=START, publish=True)
    with frozen(_moment(process, SUBMISSION_PHASE[kind])):
        item = contribution_create(process=process, author=account(), title="Existante", body="Texte.")
    if when == "draft":
        process.visibility = process.Visibility.DRAFT
        process.save(update_fields=["visibility"])
    person = _person(role)
    allowed_actions = TABLE[stage] if role not in ("anonymous", "blocked") else set()

    with frozen(_moment(process, when)):
        for action in ACTIONS:
            before = _snapshot(item)
            if action in allowed_actions:
                _do(action, process, item, person)
                assert _snapshot(item) != before, f"{action} was allowed but wrote nothing"
            else:
                # Refused: not allowed now (or, for "against" where only supports are open, an invalid choice).
                expected = ApplicationError if action == "vote_against" else NotAllowed
                with pytest.raises(expected):
                    _do(action, process, item, person)
                assert _snapshot(item) == before, f"refused {action} changed something"


def test_hidden_contribution_takes_no_interaction(in_a):
    from tenant_apps.participation.tests.factories import contribution, process_in_phase

    process = process_in_phase("ideas", "submission")
    item = contribution(process)
    Contribution.objects.filter(pk=item.pk).update(is_hidden=True, hidden_reason="Injurieux")
    item.refresh_from_db()
    citizen = account()
    for action in ("comment", "argue", "vote_against", "support"):
        before = _snapshot(item)
        with pytest.raises(NotAllowed):
            _do(action, process, item, citizen)
        assert _snapshot(item) == before
