"""Every write of moderation: flags raised by people, and what moderators decide (hide, restore, dismiss, block).

Each decision is atomic, checked with `moderator_check` before anything is written, logged twice (the
moderation log the city reads, and the city's audit log), and the author is told on commit through
`participation.events`.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.moderation.models import Flag, ModerationDecision
from tenant_apps.moderation.registry import FlagKind, kind_for
from tenant_apps.participation.events import Event, Happening, event_publish
from tenant_apps.participation.permissions import moderator_check

HIDDEN_REASON_MAX = 300  # the size of `hidden_reason` on every target model
DETAILS_MAX = 1000
REASON_MAX = 1000


def _reason_clean(reason: str, *, required_message: str = "", max_length: int = REASON_MAX) -> str:
    reason = (reason or "").strip()
    if required_message and not reason:
        raise Invalid("reason_required", required_message)
    if len(reason) > max_length:
        raise Invalid("reason_too_long", _("Keep the reason under %(n)s characters.") % {"n": max_length})
    return reason


def _target_ct(target) -> ContentType:
    return ContentType.objects.get_for_model(target, for_concrete_model=False)


@transaction.atomic
def flag_create(*, target, reporter, reason: str, details: str = "") -> Flag:
    """Report `target` to the moderators; once per person and target (a replay returns the first flag)."""
    kind_for(target)
    if reporter is None or not reporter.is_authenticated:
        raise NotAllowed("login_required", _("Sign in to report content."))
    if not reporter.is_active:
        raise NotAllowed("blocked", _("Your account is blocked."))
    if target.author_id is not None and target.author_id == reporter.pk:
        raise NotAllowed("own_content", _("You cannot report your own content."))
    if reason not in Flag.Reason.values:
        raise Invalid("reason", _("Choose a reason from the list."))
    details = (details or "").strip()
    if len(details) > DETAILS_MAX:
        raise Invalid("details", _("Keep the details under %(n)s characters.") % {"n": DETAILS_MAX})
    content_type = _target_ct(target)
    existing = Flag.objects.filter(content_type=content_type, object_id=target.pk, reporter=reporter).first()
    if existing is not None:
        return existing
    if target.is_hidden or getattr(target, "is_deleted", False):
        raise Invalid("already_hidden", _("This content is no longer shown: there is nothing to report."))
    try:
        with transaction.atomic():
            return Flag.objects.create(content_type=content_type, object_id=target.pk, reporter=reporter,
                                       reason=reason, details=details)
    except IntegrityError:
        # The same person sent the form twice at once: the first one counts.
        return Flag.objects.get(content_type=content_type, object_id=target.pk, reporter=reporter)


def _locked(target):
    return type(target).objects.select_for_update().get(pk=target.pk)


def _flags_resolve(*, target, content_type: ContentType, state: str, moderator) -> int:
    return Flag.objects.filter(content_type=content_type, object_id=target.pk, state=Flag.State.OPEN).update(
        state=state, handled_by=moderator, handled_at=timezone.now())


def _decision(*, action: str, moderator, target=None, account=None, reason: str = "",
              content_type: ContentType | None = None, **audit) -> ModerationDecision:
    decision = ModerationDecision.objects.create(
        moderator=moderator, action=action, reason=reason, account=account,
        content_type=content_type, object_id=target.pk if target is not None else None)
    city_audit_record(actor=moderator, action=f"moderation.{action}", target=target if target is not None else account,
                      reason=reason, **audit)
    return decision


def _author_tell(*, event: Event, kind: FlagKind, target, moderator, reason: str) -> None:
    contribution = kind.contribution_of(target)
    event_publish(Happening(
        event, process_id=contribution.process_id, contribution_id=contribution.pk, actor_id=moderator.pk,
        recipient_ids=(target.author_id,) if target.author_id else (),
        data={"reason": reason, "title": contribution.title, "kind": kind.key},
    ))


@transaction.atomic
def content_hide(*, target, moderator, reason: str) -> ModerationDecision:
    """Hide `target`, showing `reason` publicly in its place; upholds its open flags and tells its author."""
    moderator_check(moderator)
    kind = kind_for(target)
    reason = _reason_clean(reason, max_length=HIDDEN_REASON_MAX, required_message=_(
        "Give the reason for hiding: it is shown in place of the content."))
    locked = _locked(target)
    if locked.is_hidden:
        raise Invalid("already_hidden", _("This content is already hidden."))
    now = timezone.now()
    locked.is_hidden, locked.hidden_reason, locked.hidden_at = True, reason, now
    locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "updated_at"])
    target.is_hidden, target.hidden_reason, target.hidden_at = True, reason, now
    content_type = _target_ct(target)
    upheld = _flags_resolve(target=target, content_type=content_type, state=Flag.State.UPHELD, moderator=moderator)
    decision = _decision(action=ModerationDecision.Action.HIDE, moderator=moderator, target=target,
                         content_type=content_type, reason=reason, flags=upheld)
    _author_tell(event=Event.CONTENT_HIDDEN, kind=kind, target=target, moderator=moderator, reason=reason)
    return decision


@transaction.atomic
def content_restore(*, target, moderator, reason: str = "") -> ModerationDecision:
    """Show hidden `target` again; any flag still open on it is dismissed and its author is told."""
    moderator_check(moderator)
    kind = kind_for(target)
    reason = _reason_clean(reason)
    locked = _locked(target)
    if not locked.is_hidden:
        raise Invalid("not_hidden", _("This content is not hidden."))
    locked.is_hidden, locked.hidden_reason, locked.hidden_at = False, "", None
    locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "updated_at"])
    target.is_hidden, target.hidden_reason, target.hidden_at = False, "", None
    content_type = _target_ct(target)
    dismissed = _flags_resolve(target=target, content_type=content_type, state=Flag.State.DISMISSED,
                               moderator=moderator)
    decision = _decision(action=ModerationDecision.Action.RESTORE, moderator=moderator, target=target,
                         content_type=content_type, reason=reason, flags=dismissed)
    _author_tell(event=Event.CONTENT_RESTORED, kind=kind, target=target, moderator=moderator, reason=reason)
    return decision


@transaction.atomic
def flags_dismiss(*, target, moderator, reason: str = "") -> ModerationDecision:
    """Close the open flags on `target` without hiding it (nothing to reproach)."""
    moderator_check(moderator)
    kind_for(target)
    reason = _reason_clean(reason)
    content_type = _target_ct(target)
    _locked(target)  # two moderators deciding on the same target at once: one after the other
    dismissed = _flags_resolve(target=target, content_type=content_type, state=Flag.State.DISMISSED,
                               moderator=moderator)
    if not dismissed:
        raise Invalid("no_open_flags", _("There is no open report on this content."))
    return _decision(action=ModerationDecision.Action.DISMISS, moderator=moderator, target=target,
                     content_type=content_type, reason=reason, flags=dismissed)


def _blockable_check(*, account, moderator) -> None:
    if account.pk == moderator.pk:
        raise NotAllowed("self", _("You cannot block or unblock your own account."))
    if account.role != account.Role.CITIZEN or account.is_staff or account.is_superuser:
        raise NotAllowed("staff_account", _("Staff and moderator accounts cannot be blocked here."))


@transaction.atomic
def account_block(*, account, moderator, reason: str) -> ModerationDecision:
    """Deactivate a citizen's account: their sessions stop working and they can no longer sign in."""
    moderator_check(moderator)
    reason = _reason_clean(reason, required_message=_("Give the reason for blocking this account."))
    _blockable_check(account=account, moderator=moderator)
    locked = type(account).objects.select_for_update().get(pk=account.pk)
    if not locked.is_active:
        raise Invalid("already_blocked", _("This account is already blocked."))
    locked.is_active = False
    locked.save(update_fields=["is_active", "updated_at"])
    account.is_active = False
    return _decision(action=ModerationDecision.Action.BLOCK, moderator=moderator, account=account, reason=reason)


@transaction.atomic
def account_unblock(*, account, moderator, reason: str = "") -> ModerationDecision:
    """Reactivate a blocked citizen's account."""
    moderator_check(moderator)
    reason = _reason_clean(reason)
    _blockable_check(account=account, moderator=moderator)
    locked = type(account).objects.select_for_update().get(pk=account.pk)
    if locked.is_active:
        raise Invalid("not_blocked", _("This account is not blocked."))
    locked.is_active = True
    locked.save(update_fields=["is_active", "updated_at"])
    account.is_active = True
    return _decision(action=ModerationDecision.Action.UNBLOCK, moderator=moderator, account=account, reason=reason)
