"""Moderation services: flags, decisions on content and accounts, and who is told."""

import pytest
from django.contrib.contenttypes.models import ContentType

from shared_apps.audit.models import AuditEntry
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.moderation import services
from tenant_apps.moderation.models import Flag, ModerationDecision
from tenant_apps.moderation.selectors import decision_list, flag_queue
from tenant_apps.moderation.tests.helpers import argument, comment, idea, target_of
from tenant_apps.participation.events import Event
from tenant_apps.participation.tests.factories import account

pytestmark = pytest.mark.django_db

KINDS = ["contribution", "comment", "argument"]


def _flags(target):
    ct = ContentType.objects.get_for_model(target)
    return Flag.objects.filter(content_type=ct, object_id=target.pk)


@pytest.mark.parametrize("kind", KINDS)
def test_a_person_flags_a_target_once_and_a_replay_changes_nothing(in_a, kind):
    target = target_of(kind)
    reporter = account()
    first = services.flag_create(target=target, reporter=reporter, reason="spam", details="Publicité.")
    again = services.flag_create(target=target, reporter=reporter, reason="abuse", details="Autre chose.")
    assert again.pk == first.pk
    flag = _flags(target).get()
    assert (flag.reason, flag.details, flag.state) == ("spam", "Publicité.", Flag.State.OPEN)
    services.flag_create(target=target, reporter=account(), reason="abuse")
    assert _flags(target).count() == 2


def test_own_content_cannot_be_flagged(in_a):
    author = account()
    target = comment(author=author)
    with pytest.raises(NotAllowed) as error:
        services.flag_create(target=target, reporter=author, reason="spam")
    assert error.value.code == "own_content"
    assert not _flags(target).exists()


def test_a_blocked_or_anonymous_person_cannot_flag(in_a):
    from django.contrib.auth.models import AnonymousUser

    target = idea()
    blocked = account()
    blocked.is_active = False
    with pytest.raises(NotAllowed):
        services.flag_create(target=target, reporter=blocked, reason="spam")
    with pytest.raises(NotAllowed):
        services.flag_create(target=target, reporter=AnonymousUser(), reason="spam")
    assert not _flags(target).exists()


def test_hidden_content_and_unknown_reasons_are_refused(in_a):
    target = argument()
    with pytest.raises(Invalid):
        services.flag_create(target=target, reporter=account(), reason="boring")
    services.content_hide(target=target, moderator=account("moderator"), reason="Hors sujet.")
    with pytest.raises(Invalid):
        services.flag_create(target=target, reporter=account(), reason="spam")
    assert not _flags(target).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_hiding_hides_upholds_flags_logs_and_tells_the_author(in_a, kind, heard,
                                                              django_capture_on_commit_callbacks):
    author = account()
    target = target_of(kind, author=author)
    for _ in range(2):
        services.flag_create(target=target, reporter=account(), reason="abuse")
    moderator = account("moderator")
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.content_hide(target=target, moderator=moderator, reason="Propos injurieux.")

    target.refresh_from_db()
    assert target.is_hidden and target.hidden_reason == "Propos injurieux." and target.hidden_at
    assert set(_flags(target).values_list("state", "handled_by")) == {(Flag.State.UPHELD, moderator.pk)}
    assert (decision.action, decision.target, decision.moderator) == ("hide", target, moderator)
    audit = AuditEntry.objects.get(action="moderation.hide")
    assert audit.actor == moderator and audit.data["reason"] == "Propos injurieux."
    assert audit.data["target"] == f"{target._meta.label_lower}:{target.pk}"

    [happening] = [h for h in heard if h.event == Event.CONTENT_HIDDEN]
    contribution = target if kind == "contribution" else target.contribution
    assert happening.recipient_ids == (author.pk,)
    assert (happening.contribution_id, happening.process_id) == (contribution.pk, contribution.process_id)
    assert happening.data == {"reason": "Propos injurieux.", "title": contribution.title, "kind": kind}


def test_hiding_needs_a_reason_and_a_moderator(in_a, heard, django_capture_on_commit_callbacks):
    target = comment()
    services.flag_create(target=target, reporter=account(), reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Invalid):
            services.content_hide(target=target, moderator=account("moderator"), reason="   ")
        for role in ("citizen", "agent"):
            with pytest.raises(NotAllowed):
                services.content_hide(target=target, moderator=account(role), reason="Non.")
    target.refresh_from_db()
    assert not target.is_hidden
    assert _flags(target).get().state == Flag.State.OPEN
    assert not ModerationDecision.objects.exists() and not heard


def test_a_city_admin_moderates_too(in_a):
    target = idea()
    services.content_hide(target=target, moderator=account("city_admin"), reason="Données personnelles.")
    target.refresh_from_db()
    assert target.is_hidden


def test_restoring_shows_again_and_tells_the_author(in_a, heard, django_capture_on_commit_callbacks):
    author = account()
    target = comment(author=author)
    moderator = account("moderator")
    services.content_hide(target=target, moderator=moderator, reason="Erreur.")
    with django_capture_on_commit_callbacks(execute=True):
        services.content_restore(target=target, moderator=moderator, reason="Signalement infondé.")
    target.refresh_from_db()
    assert not target.is_hidden and target.hidden_reason == "" and target.hidden_at is None
    [happening] = [h for h in heard if h.event == Event.CONTENT_RESTORED]
    assert happening.recipient_ids == (author.pk,) and happening.data["kind"] == "comment"
    assert AuditEntry.objects.filter(action="moderation.restore").count() == 1
    with pytest.raises(Invalid):
        services.content_restore(target=target, moderator=moderator)


def test_dismissing_closes_the_flags_and_leaves_the_content(in_a, heard, django_capture_on_commit_callbacks):
    target = argument()
    services.flag_create(target=target, reporter=account(), reason="off_topic")
    moderator = account("moderator")
    with django_capture_on_commit_callbacks(execute=True):
        services.flags_dismiss(target=target, moderator=moderator)
    target.refresh_from_db()
    assert not target.is_hidden
    assert _flags(target).get().state == Flag.State.DISMISSED
    assert ModerationDecision.objects.get().action == "dismiss"
    assert AuditEntry.objects.filter(action="moderation.dismiss").exists()
    assert not heard  # nothing to tell the author
    with pytest.raises(Invalid):
        services.flags_dismiss(target=target, moderator=moderator)


def test_blocking_deactivates_the_account_and_is_logged(in_a, heard, django_capture_on_commit_callbacks):
    person, moderator = account(), account("moderator")
    with django_capture_on_commit_callbacks(execute=True):
        services.account_block(account=person, moderator=moderator, reason="Insultes répétées.")
    person.refresh_from_db()
    assert not person.is_active
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.account, decision.reason) == ("block", person, "Insultes répétées.")
    assert AuditEntry.objects.get(action="moderation.block").data["target"] == f"accounts.user:{person.pk}"
    assert not heard
    services.account_unblock(account=person, moderator=moderator)
    person.refresh_from_db()
    assert person.is_active


@pytest.mark.parametrize("role", ["agent", "city_admin", "moderator"])
def test_staff_accounts_cannot_be_blocked(in_a, role):
    staff = account(role)
    with pytest.raises(NotAllowed):
        services.account_block(account=staff, moderator=account("moderator"), reason="Non.")
    staff.refresh_from_db()
    assert staff.is_active and not ModerationDecision.objects.exists()


def test_nobody_blocks_themselves_nor_without_a_reason(in_a):
    moderator = account("moderator")
    with pytest.raises(NotAllowed):
        services.account_block(account=moderator, moderator=moderator, reason="Pause.")
    person = account()
    with pytest.raises(Invalid):
        services.account_block(account=person, moderator=moderator, reason="")
    person.refresh_from_db()
    assert person.is_active


def test_the_queue_groups_flags_by_target_most_flagged_first(in_a):
    once, thrice = comment(), idea()
    services.flag_create(target=once, reporter=account(), reason="spam")
    for reason in ("spam", "abuse", "spam"):
        services.flag_create(target=thrice, reporter=account(), reason=reason)
    items = flag_queue()
    assert [(item.kind.key, item.target.pk, item.count) for item in items] == [
        ("contribution", thrice.pk, 3), ("comment", once.pk, 1)]
    assert sorted(items[0].reasons) == sorted(str(label) for label in (Flag.Reason.SPAM.label, Flag.Reason.ABUSE.label))
    assert items[0].first_at <= items[0].last_at and len(items[0].flags) == 3
    assert items[0].author == thrice.author

    services.flags_dismiss(target=thrice, moderator=account("moderator"))
    assert [item.target.pk for item in flag_queue()] == [once.pk]
    assert [item.target.pk for item in flag_queue(state="dismissed")] == [thrice.pk]


def test_the_log_lists_decisions_newest_first(in_a):
    moderator = account("moderator")
    target, person = comment(), account()
    services.content_hide(target=target, moderator=moderator, reason="Spam.")
    services.account_block(account=person, moderator=moderator, reason="Spam répété.")
    rows = decision_list()
    assert [row.decision.action for row in rows] == ["block", "hide"]
    assert rows[1].target == target and rows[1].contribution_id == target.contribution_id
