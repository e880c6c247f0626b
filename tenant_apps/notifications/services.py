"""Writes of notifications: follows, preferences, read marks, the kernel's listener and the e-mails."""

import datetime as dt
from collections.abc import Sequence
from functools import partial

import structlog
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.notifications.messages import (
    PLACEHOLDERS,
    notification_overrides,
    notification_text,
    placeholders_check,
)
from tenant_apps.notifications.models import Follow, Notification, NotificationSettings, NotificationTemplate
from tenant_apps.notifications.selectors import target_path, unsubscribe_signer, unsubscribe_user_get
from tenant_apps.participation.events import Event, Happening
from tenant_apps.participation.models import Contribution, Process
from tenant_apps.participation.permissions import staff_check
from tenants.selectors import collectivity_current

log = structlog.get_logger(__name__)

Frequency = NotificationSettings.Frequency

# A digest lists what was not e-mailed in this window: someone who switches from "never" to "daily"
# does not receive months of old news at once.
DIGEST_WINDOW = dt.timedelta(days=7)
DIGEST_MAX_ITEMS = 50

_FOLLOWERS_OF_PROCESS = {Event.PHASE_STARTED}
_FOLLOWERS_OF_CONTRIBUTION = {Event.STATUS_CHANGED, Event.ANSWER_PUBLISHED, Event.COMMENT_POSTED}
_RECIPIENTS_ONLY = {Event.CONTENT_HIDDEN, Event.CONTENT_RESTORED}


# --- Follows, preferences, read marks --------------------------------------------------------------


def _signed_in_check(user) -> None:
    if user is None or not user.is_authenticated:
        raise NotAllowed("login_required", _("Sign in to follow a process or a contribution."))


def _target_check(process, contribution) -> None:
    if (process is None) == (contribution is None):
        raise Invalid("follow_target", _("Choose a process or a contribution to follow."))


@transaction.atomic
def follow_start(*, user, process: Process | None = None, contribution: Contribution | None = None) -> Follow:
    """`user` follows a process or a contribution; a replay changes nothing."""
    _signed_in_check(user)
    _target_check(process, contribution)
    follow, _created = Follow.objects.get_or_create(user=user, process=process, contribution=contribution)
    return follow


@transaction.atomic
def follow_stop(*, user, process: Process | None = None, contribution: Contribution | None = None) -> None:
    """`user` stops following a process or a contribution; a replay changes nothing."""
    _signed_in_check(user)
    _target_check(process, contribution)
    Follow.objects.filter(user=user, process=process, contribution=contribution).delete()


@transaction.atomic
def notification_settings_update(*, user, email_frequency: str) -> NotificationSettings:
    """Choose how often notifications are e-mailed (immediate, daily digest, never)."""
    if email_frequency not in Frequency.values:
        raise Invalid("email_frequency", _("Choose one of the proposed frequencies."))
    settings, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"email_frequency": email_frequency})
    return settings


@transaction.atomic
def notifications_mark_read(*, user, ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications `ids` (all when None) as read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unsubscribe_token_make(user) -> str:
    """A link token that stops the e-mails of `user`, valid in the current collectivity only."""
    return unsubscribe_signer().sign_object({"u": user.pk, "s": connection.schema_name})


def unsubscribe_by_token(token: str) -> User:
    """One-click unsubscribe: the account of the token gets no more e-mails (Invalid if not from here)."""
    user = unsubscribe_user_get(token=token)
    notification_settings_update(user=user, email_frequency=Frequency.NEVER)
    return user


# --- The city's own notification texts ----------------------------------------------------------------

_TEMPLATE_FIELDS = ("title_fr", "body_fr", "title_en", "body_en")


@transaction.atomic
def notification_template_save(*, kind: str, actor, **texts) -> NotificationTemplate | None:
    """Set the city's words for one kind of notification; empty texts keep the defaults (None: none left)."""
    staff_check(actor)
    if kind not in PLACEHOLDERS:
        raise Invalid("notification_kind", _("Unknown kind of notification."))
    if set(texts) - set(_TEMPLATE_FIELDS):
        raise Invalid("field", _("This field cannot be changed."))
    texts = {name: (texts.get(name) or "").strip() for name in _TEMPLATE_FIELDS}
    problems = [problem for name in _TEMPLATE_FIELDS for problem in placeholders_check(kind, texts[name])]
    if problems:
        raise Invalid("placeholder", problems[0])
    city_audit_record(actor=actor, action="notification_text.update", kind=kind,
                      fields=sorted(name for name, value in texts.items() if value))
    if not any(texts.values()):
        NotificationTemplate.objects.filter(kind=kind).delete()
        return None
    template, _created = NotificationTemplate.objects.update_or_create(kind=kind, defaults=texts)
    return template


# --- The kernel's listener --------------------------------------------------------------------------


def happening_notify(happening: Happening) -> list[Notification]:
    """Listener of the kernel's events: notify the people concerned. Never breaks the committed request."""
    try:
        return _happening_notify(happening)
    except Exception:  # the change is committed already: a failing notification must not turn it into a 500
        log.exception("notifications.listener_failed", happening_event=str(happening.event))
        return []


def _is_public(contribution: Contribution) -> bool:
    return not contribution.is_hidden and (contribution.status is None or contribution.status.is_public)


@transaction.atomic
def _happening_notify(happening: Happening) -> list[Notification]:
    event = happening.event
    if event == Event.CONTRIBUTION_CREATED:
        if happening.actor_id and happening.contribution_id:
            Follow.objects.get_or_create(user_id=happening.actor_id, contribution_id=happening.contribution_id)
        return []
    if event not in _FOLLOWERS_OF_PROCESS | _FOLLOWERS_OF_CONTRIBUTION | _RECIPIENTS_ONLY:
        return []
    contribution = process = None
    if happening.contribution_id:
        contribution = (Contribution.objects.select_related("process", "status")
                        .filter(pk=happening.contribution_id).first())
        if contribution is None:
            return []
        process = contribution.process
    elif happening.process_id:
        process = Process.objects.filter(pk=happening.process_id).first()
        if process is None:
            return []

    direct = set(happening.recipient_ids)
    followers: set[int] = set()
    if event in _FOLLOWERS_OF_PROCESS and process is not None:
        followers = set(Follow.objects.filter(process=process).values_list("user_id", flat=True))
    elif event in _FOLLOWERS_OF_CONTRIBUTION and contribution is not None:
        followers = set(Follow.objects.filter(contribution=contribution).values_list("user_id", flat=True))

    candidates = (direct | followers) - {happening.actor_id, None}
    if not candidates:
        return []
    users = User.objects.filter(pk__in=candidates, is_active=True)
    if contribution is not None and not _is_public(contribution):
        # Followers who can no longer see the contribution learn nothing about it.
        users = users.filter(Q(pk__in=direct) | ~Q(role=User.Role.CITIZEN) | Q(pk=contribution.author_id))
    rows = sorted(users.values_list("pk", "notification_settings__email_frequency"))
    if not rows:
        return []

    data = dict(happening.data)
    if contribution is not None:
        data.setdefault("title", contribution.title)
    if process is not None:
        data.setdefault("process", process.title)
    url = target_path(process=process, contribution=contribution) if process is not None else ""
    notifications = Notification.objects.bulk_create([
        Notification(recipient_id=pk, kind=str(event), data=data, url=url, process=process, contribution=contribution)
        for pk, _frequency in rows
    ])

    from tenant_apps.notifications import tasks  # noqa: PLC0415  (tasks import this module)

    immediate = {pk for pk, frequency in rows if (frequency or Frequency.IMMEDIATE) == Frequency.IMMEDIATE}
    for notification in notifications:
        if notification.recipient_id in immediate:
            transaction.on_commit(partial(tasks.notification_email_send.delay, notification.pk))
    return notifications


# --- E-mails -----------------------------------------------------------------------------------------


def _email_build(*, user, collectivity, template: str, subject: str, context: dict) -> EmailMultiAlternatives:
    base_url = collectivity.base_url
    unsubscribe_url = base_url + reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token_make(user)})
    context = {**context, "site_name": collectivity.name, "base_url": base_url, "user": user,
               "preferences_url": base_url + reverse("notifications:preferences"),
               "unsubscribe_url": unsubscribe_url, "list_url": base_url + reverse("notifications:list")}
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        " ".join(f"[{collectivity.name}] {subject}".split()), text, None, [user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},  # RFC 8058 one-click
    )
    message.attach_alternative(html, "text/html")
    return message


def _item(notification, base_url: str, overrides: dict | None = None) -> dict:
    text = notification_text(notification, overrides=overrides)
    return {"title": text.title, "body": text.body, "created_at": notification.created_at,
            "url": f"{base_url}{notification.url}" if notification.url else ""}


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification to its recipient, once: emailed_at is set in the transaction that sends it."""
    with transaction.atomic():
        notification = (Notification.objects.select_for_update(of=("self",)).select_related("recipient")
                        .filter(pk=notification_id, emailed_at__isnull=True).first())
        if notification is None or not notification.recipient.is_active:
            return False
        frequency = (NotificationSettings.objects.filter(user_id=notification.recipient_id)
                     .values_list("email_frequency", flat=True).first())
        if (frequency or Frequency.IMMEDIATE) != Frequency.IMMEDIATE:
            return False  # changed their mind since; a daily reader gets it in the digest
        collectivity = collectivity_current()
        with translation.override(collectivity.locale):
            item = _item(notification, collectivity.base_url)
            message = _email_build(user=notification.recipient, collectivity=collectivity,
                                   template="notification", subject=item["title"], context={"item": item})
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        message.send()
    return True


def notifications_digest_send(*, at: dt.datetime | None = None) -> int:
    """E-mail each daily reader one digest of their notifications not e-mailed yet; returns the e-mails sent."""
    at = at or timezone.now()
    since = at - DIGEST_WINDOW
    user_ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True, created_at__gte=since, recipient__is_active=True,
            recipient__notification_settings__email_frequency=Frequency.DAILY,
        ).values_list("recipient_id", flat=True).distinct().order_by("recipient_id"))
    if not user_ids:
        return 0
    collectivity = collectivity_current()
    sent = 0
    for user_id in user_ids:
        try:
            sent += _digest_send_one(user_id=user_id, collectivity=collectivity, since=since, at=at)
        except Exception:  # one bad address must not stop everybody else's digest
            log.exception("notifications.digest_failed", user_id=user_id)
    return sent


@transaction.atomic
def _digest_send_one(*, user_id: int, collectivity, since: dt.datetime, at: dt.datetime) -> int:
    pending = list(Notification.objects.select_for_update(skip_locked=True)
                   .filter(recipient_id=user_id, emailed_at__isnull=True, created_at__gte=since)
                   .order_by("created_at", "id"))
    if not pending:
        return 0
    user = User.objects.get(pk=user_id)
    with translation.override(collectivity.locale):
        overrides = notification_overrides()
        items = [_item(n, collectivity.base_url, overrides) for n in pending[:DIGEST_MAX_ITEMS]]
        subject = _("Your news of the day (%(count)s)") % {"count": len(pending)}
        message = _email_build(user=user, collectivity=collectivity, template="digest", subject=subject,
                               context={"items": items, "more": max(0, len(pending) - DIGEST_MAX_ITEMS),
                                        "count": len(pending)})
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=at)
    message.send()
    return 1
