"""The review services: assignment, notes, bulk status changes, merging duplicates."""

import pytest
from django.template.loader import render_to_string

from shared_apps.audit.models import AuditEntry
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.notifications.models import Follow, Notification
from tenant_apps.notifications.services import follow_start
from tenant_apps.organisation.services import department_create
from tenant_apps.participation.models import Contribution, Status, StatusChange
from tenant_apps.participation.tests.factories import process_in_phase
from tenant_apps.review import services
from tenant_apps.review.models import InternalNote
from tenant_apps.review.tests.helpers import account, contribution, fresh, ideas, set_status
from tenant_apps.votes.models import Vote
from tenant_apps.votes.services import vote_cast

pytestmark = pytest.mark.django_db


# --- Assignment and notes ---------------------------------------------------------------------------


def test_a_contribution_is_assigned_to_an_agent_and_a_department_and_it_is_audited(in_a):
    agent, other = account("agent"), account("agent")
    department = department_create(name="Voirie test", agents=[other])
    item = contribution(ideas())
    services.contribution_assign(contribution=item, actor=agent, agent=agent, department=department)
    item = fresh(item)
    assert (item.assigned_to, item.assigned_department) == (agent, department)
    assert AuditEntry.objects.filter(action="contribution.assign", data__target=f"participation.contribution:{item.pk}",
                                     data__agent=agent.pk).exists()
    services.contribution_assign(contribution=item, actor=agent, agent=None, department=None)
    item = fresh(item)
    assert (item.assigned_to, item.assigned_department) == (None, None)


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_a_contribution_cannot_be_assigned_to_someone_who_is_not_staff(in_a, role):
    agent = account("agent")
    item = contribution(ideas())
    with pytest.raises(Invalid) as error:
        services.contribution_assign(contribution=item, actor=agent, agent=account(role))
    assert error.value.code == "assignee_not_staff"
    blocked = account("agent")
    blocked.is_active = False
    blocked.save(update_fields=["is_active"])
    with pytest.raises(Invalid):
        services.contribution_assign(contribution=item, actor=agent, agent=blocked)
    assert fresh(item).assigned_to is None
    assert not AuditEntry.objects.filter(action="contribution.assign").exists()


def test_only_staff_assign_or_write_notes(in_a):
    item = contribution(ideas())
    citizen = account()
    with pytest.raises(NotAllowed):
        services.contribution_assign(contribution=item, actor=citizen, agent=account("agent"))
    with pytest.raises(NotAllowed):
        services.internal_note_add(contribution=item, actor=account("moderator"), body="Note")
    assert fresh(item).assigned_to is None
    assert not InternalNote.objects.exists()


def test_an_internal_note_is_kept_with_its_author_and_an_empty_one_is_refused(in_a):
    agent = account("agent")
    item = contribution(ideas())
    with pytest.raises(Invalid):
        services.internal_note_add(contribution=item, actor=agent, body="   ")
    note = services.internal_note_add(contribution=item, actor=agent, body="  Voir avec la voirie.  ")
    assert (note.body, note.author, note.contribution_id) == ("Voir avec la voirie.", agent, item.pk)
    assert AuditEntry.objects.filter(action="contribution.note").count() == 1


# --- Bulk status changes ------------------------------------------------------------------------------


def test_a_bulk_change_moves_every_contribution_with_its_message(in_a):
    agent = account("agent")
    process = ideas()
    items = [contribution(process) for _ in range(3)]
    accepted = Status.objects.get(process_kind="ideas", key="accepted")
    changes = services.contributions_bulk_status(contribution_ids=[str(i.pk) for i in items], status=accepted,
                                                 actor=agent, message="Merci à toutes et tous.")
    assert len(changes) == 3
    assert {fresh(i).status.key for i in items} == {"accepted"}
    assert set(StatusChange.objects.filter(to_status=accepted).values_list("message", flat=True)) == {
        "Merci à toutes et tous."}
    assert AuditEntry.objects.filter(action="contribution.bulk_status", data__count=3).exists()


def test_a_bulk_change_by_key_applies_the_status_of_each_kind(in_a):
    agent = account("agent")
    idea = set_status(contribution(ideas()), "under_review")
    project = set_status(contribution(process_in_phase("budget", "submission")), "admissible")
    services.contributions_bulk_status(contribution_ids=[idea.pk, project.pk], status="submitted", actor=agent)
    idea, project = fresh(idea), fresh(project)
    assert (idea.status.process_kind, project.status.process_kind) == ("ideas", "budget")
    assert idea.status.key == project.status.key == "submitted"


def test_a_bulk_change_with_an_unknown_id_changes_nothing(in_a):
    agent = account("agent")
    process = ideas()
    items = [contribution(process) for _ in range(2)]
    accepted = Status.objects.get(process_kind="ideas", key="accepted")
    with pytest.raises(Invalid) as error:
        services.contributions_bulk_status(contribution_ids=[items[0].pk, 987654, items[1].pk], status=accepted,
                                           actor=agent)
    assert "987654" in error.value.message
    assert {fresh(i).status.key for i in items} == {"submitted"}
    assert not StatusChange.objects.exists()


def test_a_bulk_change_with_a_status_of_another_kind_changes_nothing(in_a):
    agent = account("agent")
    idea = contribution(ideas())
    project = contribution(process_in_phase("budget", "submission"), title="Un projet de budget")
    implemented = Status.objects.get(process_kind="ideas", key="implemented")
    with pytest.raises(Invalid) as error:
        services.contributions_bulk_status(contribution_ids=[idea.pk, project.pk], status=implemented, actor=agent)
    assert error.value.code == "status_kind" and "Un projet de budget" in error.value.message
    with pytest.raises(Invalid):  # by key: budgets have no "implemented" status
        services.contributions_bulk_status(contribution_ids=[idea.pk, project.pk], status="implemented",
                                           actor=agent)
    assert (fresh(idea).status.key, fresh(project).status.key) == ("submitted", "submitted")
    assert not StatusChange.objects.exists()


def test_a_bulk_change_needs_a_selection_and_staff(in_a):
    item = contribution(ideas())
    accepted = Status.objects.get(process_kind="ideas", key="accepted")
    with pytest.raises(Invalid):
        services.contributions_bulk_status(contribution_ids=[], status=accepted, actor=account("agent"))
    with pytest.raises(Invalid):
        services.contributions_bulk_status(contribution_ids=["abc"], status=accepted, actor=account("agent"))
    with pytest.raises(NotAllowed):
        services.contributions_bulk_status(contribution_ids=[item.pk], status=accepted, actor=account("moderator"))
    assert fresh(item).status.key == "submitted"


# --- Merging duplicates ---------------------------------------------------------------------------------


def _vote_rows(item) -> dict:
    return dict(Vote.objects.filter(contribution=item).values_list("voter_id", "value"))


def test_merging_keeps_every_vote_once_credits_the_authors_and_moves_the_followers(
        in_a, django_capture_on_commit_callbacks):
    agent = account("agent")
    process = ideas()
    survivor = contribution(process, title="Plus d'arbres rue Haute")
    duplicate_author, coauthor, follower = account(), account(), account()
    duplicate = contribution(process, author=duplicate_author, title="Des arbres rue Haute")
    duplicate.coauthors.add(coauthor)
    both, only_duplicate, only_survivor = account(), account(), account()
    vote_cast(contribution=survivor, voter=both, value=1)
    vote_cast(contribution=duplicate, voter=both, value=-1)
    vote_cast(contribution=duplicate, voter=only_duplicate, value=-1)
    vote_cast(contribution=survivor, voter=only_survivor, value=1)
    follow_start(user=follower, contribution=duplicate)
    follow_start(user=duplicate_author, contribution=duplicate)
    follow_start(user=both, contribution=survivor)
    follow_start(user=both, contribution=duplicate)

    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_merge(duplicate=duplicate, survivor=survivor, actor=agent)

    survivor, duplicate = fresh(survivor), fresh(duplicate)
    # The person who voted on both keeps one vote, the one on the survivor.
    assert _vote_rows(survivor) == {both.pk: 1, only_duplicate.pk: -1, only_survivor.pk: 1}
    assert _vote_rows(duplicate) == {both.pk: -1}
    assert (survivor.for_count, survivor.against_count, survivor.support_count) == (2, 1, 0)
    assert (duplicate.for_count, duplicate.against_count, duplicate.support_count) == (0, 1, 0)
    assert set(survivor.coauthors.all()) == {duplicate_author, coauthor}
    assert {follower.pk, duplicate_author.pk, both.pk} <= set(
        Follow.objects.filter(contribution=survivor).values_list("user_id", flat=True))
    assert duplicate.merged_into == survivor
    assert duplicate.status.key == "submitted"  # idea boxes have no "merged" status
    assert AuditEntry.objects.filter(action="contribution.merge", data__survivor=survivor.pk).exists()
    # The duplicate's author is told where their idea went.
    told = Notification.objects.get(recipient=duplicate_author, contribution=duplicate)
    assert "Plus d'arbres rue Haute" in str(told.data)
    # The partial the public page includes points to the survivor.
    notice = render_to_string("review/_merged_notice.html", {"contribution": duplicate})
    assert survivor.get_absolute_url() in notice and "Plus d&#x27;arbres rue Haute" in notice


def test_merging_a_budget_project_gives_it_the_merged_status(in_a):
    agent = account("agent")
    process = process_in_phase("budget", "submission")
    survivor, duplicate = contribution(process), contribution(process)
    supporter = account()
    vote_cast(contribution=duplicate, voter=supporter, value=1)
    services.contribution_merge(duplicate=duplicate, survivor=survivor, actor=agent)
    survivor, duplicate = fresh(survivor), fresh(duplicate)
    assert duplicate.status.key == "merged"
    assert survivor.title in StatusChange.objects.get(contribution=duplicate).message
    assert (survivor.support_count, duplicate.support_count) == (1, 0)


def test_a_chain_of_merges_ends_on_the_last_survivor(in_a):
    agent = account("agent")
    process = ideas()
    first, second, third = (contribution(process) for _ in range(3))
    services.contribution_merge(duplicate=first, survivor=second, actor=agent)
    services.contribution_merge(duplicate=second, survivor=third, actor=agent)
    assert fresh(first).merged_into_id == fresh(second).merged_into_id == third.pk


def test_impossible_merges_change_nothing(in_a):
    agent = account("agent")
    process = ideas()
    a, b, c = (contribution(process) for _ in range(3))
    elsewhere = contribution(ideas())
    voter = account()
    vote_cast(contribution=a, voter=voter, value=1)
    with pytest.raises(Invalid):
        services.contribution_merge(duplicate=a, survivor=a, actor=agent)
    with pytest.raises(Invalid):
        services.contribution_merge(duplicate=a, survivor=elsewhere, actor=agent)
    services.contribution_merge(duplicate=b, survivor=c, actor=agent)
    with pytest.raises(Invalid):  # already merged
        services.contribution_merge(duplicate=b, survivor=a, actor=agent)
    with pytest.raises(Invalid):  # the survivor is a merged duplicate
        services.contribution_merge(duplicate=a, survivor=b, actor=agent)
    with pytest.raises(NotAllowed):
        services.contribution_merge(duplicate=a, survivor=c, actor=account("moderator"))
    a = fresh(a)
    assert a.merged_into is None and a.for_count == 1 and _vote_rows(a) == {voter.pk: 1}
    c = fresh(c)
    assert c.for_count == 0 and list(c.coauthors.all()) == [b.author]  # from the one merge that was allowed
    assert Contribution.objects.filter(merged_into__isnull=False).count() == 1


def test_internal_statuses_and_notes_stay_out_of_the_status_model(in_a):
    # A sanity check of the kernel statuses this module relies on: only budgets have "merged".
    assert set(Status.objects.filter(key="merged").values_list("process_kind", flat=True)) == {"budget"}
    item = set_status(contribution(ideas()), "under_review")
    assert item.status.key == "under_review"
