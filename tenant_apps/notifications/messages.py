"""The words of a notification, rendered when read from its kind and data, in the current language."""

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tenant_apps.participation.events import Event


@dataclass(frozen=True)
class NotificationText:
    title: str
    body: str = ""


def _status_label(data: dict) -> str:
    if (get_language() or "fr").startswith("en"):
        return data.get("status_en") or data.get("status_fr") or ""
    return data.get("status_fr") or data.get("status_en") or ""


def _moderation_title(event: str, target_kind: str, title: str) -> str:
    values = {"title": title}
    if event == Event.CONTENT_HIDDEN:
        if target_kind == "contribution":
            return _("Your contribution “%(title)s” was hidden by the moderators") % values
        if target_kind == "comment":
            return _("Your comment on “%(title)s” was hidden by the moderators") % values
        if target_kind == "argument":
            return _("Your argument on “%(title)s” was hidden by the moderators") % values
        return _("Your content on “%(title)s” was hidden by the moderators") % values
    if target_kind == "contribution":
        return _("Your contribution “%(title)s” is visible again") % values
    if target_kind == "comment":
        return _("Your comment on “%(title)s” is visible again") % values
    if target_kind == "argument":
        return _("Your argument on “%(title)s” is visible again") % values
    return _("Your content on “%(title)s” is visible again") % values


def notification_text(notification) -> NotificationText:
    """Title and body of `notification` (anything with `kind` and `data`)."""
    data = notification.data or {}
    title = data.get("title", "")
    process = data.get("process", "")
    kind = notification.kind
    if kind == Event.PHASE_STARTED:
        return NotificationText(
            _("New phase in “%(process)s”: %(phase)s") % {"process": process, "phase": data.get("phase", "")},
            _("You follow this process."))
    if kind == Event.STATUS_CHANGED:
        return NotificationText(_("“%(title)s” is now: %(status)s") % {"title": title, "status": _status_label(data)},
                                data.get("message", ""))
    if kind == Event.ANSWER_PUBLISHED:
        return NotificationText(_("The collectivity answered “%(title)s”") % {"title": title},
                                _("Read the official answer on the contribution's page."))
    if kind == Event.COMMENT_POSTED:
        return NotificationText(_("New comment on “%(title)s”") % {"title": title}, data.get("excerpt", ""))
    if kind in (Event.CONTENT_HIDDEN, Event.CONTENT_RESTORED):
        reason = data.get("reason", "")
        body = _("Reason: %(reason)s") % {"reason": reason} if reason else ""
        return NotificationText(_moderation_title(kind, data.get("kind", ""), title), body)
    return NotificationText(_("New activity on the participation platform"))
