"""Writes of the discussion: comments (threaded, edited with history, deleted in place) and arguments.

Threads are at most MAX_DEPTH levels deep: a reply to a comment already at the deepest level is
attached to that comment's parent, so it shows right under it instead of being refused. The
person replied to is still the one told about the reply.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.discussion.models import Argument, Comment, CommentRevision
from tenant_apps.discussion.selectors import (
    MAX_DEPTH,
    argument_change_decision,
    comment_delete_decision,
    comment_edit_decision,
)
from tenant_apps.participation.events import Event, Happening, event_publish
from tenant_apps.participation.models import Contribution
from tenant_apps.participation.permissions import capability_check, is_moderator, is_staff
from tenant_apps.participation.phases import Capability

COMMENT_MAX_LENGTH = 5000
ARGUMENT_MAX_LENGTH = 2000


def _text_clean(body, *, max_length: int, code: str, empty_message: str) -> str:
    # Plain text, escaped when shown; NUL bytes are refused by PostgreSQL, so they never reach it.
    text = (body or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not text:
        raise Invalid(f"{code}_required", empty_message)
    if len(text) > max_length:
        raise Invalid(f"{code}_too_long", _("The text is too long (%(max)s characters at most, you wrote %(n)s).")
                      % {"max": max_length, "n": len(text)})
    return text


def _comment_body_clean(body) -> str:
    return _text_clean(body, max_length=COMMENT_MAX_LENGTH, code="comment",
                       empty_message=_("Write your comment before sending it."))


def _argument_body_clean(body) -> str:
    return _text_clean(body, max_length=ARGUMENT_MAX_LENGTH, code="argument",
                       empty_message=_("Write your argument before sending it."))


def _comment_depth(comment: Comment) -> int:
    """1 for a comment on the contribution, 2 for a reply to it, and so on."""
    depth, parent_id = 1, comment.parent_id
    while parent_id is not None and depth <= MAX_DEPTH:
        depth += 1
        parent_id = Comment.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return depth


def _comment_count_add(contribution: Contribution, delta: int) -> None:
    qs = Contribution.objects.filter(pk=contribution.pk)
    if delta < 0:
        qs = qs.filter(comment_count__gte=-delta)
    qs.update(comment_count=F("comment_count") + delta)
    contribution.refresh_from_db(fields=["comment_count"])


REPLAY_WINDOW = dt.timedelta(minutes=1)


@transaction.atomic
def comment_post(*, contribution: Contribution, author, body: str, parent: Comment | None = None,
                 is_official: bool = False) -> Comment:
    """Post a comment on a contribution, or a reply to one of its comments, while commenting is open."""
    capability_check(user=author, process=contribution.process, capability=Capability.COMMENT,
                     contribution=contribution)
    body = _comment_body_clean(body)
    if is_official and not is_staff(author):
        raise NotAllowed("official_staff_only", _("Only the city's staff can comment on behalf of the city."))
    replied_to = parent
    if parent is not None:
        if parent.contribution_id != contribution.pk:
            raise Invalid("parent_elsewhere", _("You can only reply to a comment of this contribution."))
        if parent.is_deleted:
            raise Invalid("parent_deleted", _("This comment was deleted: you can no longer reply to it."))
        if parent.is_hidden:
            raise Invalid("parent_hidden", _("This comment was hidden by moderation: you cannot reply to it."))
        if _comment_depth(parent) >= MAX_DEPTH:
            parent = parent.parent  # the deepest level: the reply goes next to the comment it answers
    # The same text sent again within a minute (double click, network retry) is the same comment. The lock
    # on the author's row makes two copies arriving at the same instant meet here one after the other.
    get_user_model().objects.select_for_update().filter(pk=author.pk).first()
    replay = Comment.objects.filter(
        contribution=contribution, parent=parent, author=author, body=body, is_deleted=False,
        created_at__gte=timezone.now() - REPLAY_WINDOW).order_by("-created_at").first()
    if replay is not None:
        return replay
    comment = Comment.objects.create(contribution=contribution, parent=parent, author=author, body=body,
                                     is_official=is_official)
    _comment_count_add(contribution, 1)
    if is_official:
        city_audit_record(actor=author, action="comment.official", target=comment,
                          contribution=contribution.pk)
    recipients = ()
    if replied_to is not None and replied_to.author_id and replied_to.author_id != author.pk:
        recipients = (replied_to.author_id,)
    event_publish(Happening(Event.COMMENT_POSTED, process_id=contribution.process_id,
                            contribution_id=contribution.pk, actor_id=author.pk, recipient_ids=recipients,
                            data={"title": contribution.title}))
    return comment


def _comment_lock(comment: Comment) -> Comment:
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    # Keep what the caller already fetched (the contribution and its process) on the fresh row.
    if Comment.contribution.is_cached(comment):
        locked.contribution = comment.contribution
    return locked


@transaction.atomic
def comment_edit(*, comment: Comment, actor, body: str) -> Comment:
    """The author rewrites their comment while commenting is open; the previous text is kept."""
    comment = _comment_lock(comment)
    decision = comment_edit_decision(comment=comment, user=actor)
    if not decision:
        raise NotAllowed(decision.code, decision.reason)
    body = _comment_body_clean(body)
    if body == comment.body:
        return comment
    CommentRevision.objects.create(comment=comment, body=comment.body)
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at", "updated_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, actor) -> Comment:
    """The author (or a moderator) deletes a comment: it keeps its place, so its replies stay readable."""
    comment = _comment_lock(comment)
    decision = comment_delete_decision(comment=comment, user=actor)
    if not decision:
        raise NotAllowed(decision.code, decision.reason)
    # The text leaves the thread and the history page; it stays in a revision for moderation and legal requests.
    CommentRevision.objects.create(comment=comment, body=comment.body)
    comment.is_deleted = True
    comment.deleted_at = timezone.now()
    comment.body = ""
    comment.save(update_fields=["is_deleted", "deleted_at", "body", "updated_at"])
    _comment_count_add(comment.contribution, -1)
    if actor.pk != comment.author_id and is_moderator(actor):
        city_audit_record(actor=actor, action="comment.delete", target=comment,
                          contribution=comment.contribution_id)
    return comment


def _side_clean(side) -> str:
    if side not in Argument.Side.values:
        raise Invalid("side", _("Choose whether your argument is for or against."))
    return side


def _argument_duplicate_check(*, contribution_id: int, author, body: str, exclude_pk=None) -> None:
    qs = Argument.objects.filter(contribution_id=contribution_id, author=author, body=body)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise Invalid("argument_duplicate", _("You have already given this argument on this contribution."))


@transaction.atomic
def argument_post(*, contribution: Contribution, author, side: str, body: str) -> Argument:
    """Give an argument for or against a contribution while arguments are open."""
    capability_check(user=author, process=contribution.process, capability=Capability.ARGUE,
                     contribution=contribution)
    side = _side_clean(side)
    body = _argument_body_clean(body)
    # One writer at a time per person and contribution, so a double click cannot slip a duplicate in.
    Contribution.objects.select_for_update().filter(pk=contribution.pk).values_list("pk").first()
    _argument_duplicate_check(contribution_id=contribution.pk, author=author, body=body)
    return Argument.objects.create(contribution=contribution, author=author, side=side, body=body)


def _argument_lock(argument: Argument) -> Argument:
    locked = Argument.objects.select_for_update().get(pk=argument.pk)
    if Argument.contribution.is_cached(argument):
        locked.contribution = argument.contribution
    return locked


@transaction.atomic
def argument_edit(*, argument: Argument, actor, body: str, side: str | None = None) -> Argument:
    """The author rewrites their argument (and may change its side) while arguments are open."""
    argument = _argument_lock(argument)
    decision = argument_change_decision(argument=argument, user=actor, edit=True)
    if not decision:
        raise NotAllowed(decision.code, decision.reason)
    body = _argument_body_clean(body)
    if side is not None:
        argument.side = _side_clean(side)
    _argument_duplicate_check(contribution_id=argument.contribution_id, author=actor, body=body,
                              exclude_pk=argument.pk)
    argument.body = body
    argument.save(update_fields=["body", "side", "updated_at"])
    return argument


@transaction.atomic
def argument_delete(*, argument: Argument, actor) -> None:
    """The author withdraws their argument (at any time)."""
    argument = _argument_lock(argument)
    decision = argument_change_decision(argument=argument, user=actor, edit=False)
    if not decision:
        raise NotAllowed(decision.code, decision.reason)
    argument.delete()
