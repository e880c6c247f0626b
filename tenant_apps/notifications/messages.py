"""The words of a notification, rendered when read from its kind and data, in the current language.

A city may replace the default words of a kind (NotificationTemplate, edited in the back-office): its
texts are %-format strings using the placeholders of that kind, in French and English.
"""

import re
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.signals import request_finished, request_started
from django.utils.translation import get_language, gettext_lazy
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


def _default_text(notification) -> NotificationText:
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
    if kind == "budget_project_news":  # written by the budget module for a winning project's supporters
        return NotificationText(_("News of “%(title)s”: %(news)s") % {"title": title, "news": data.get("news", "")},
                                data.get("excerpt", ""))
    return NotificationText(_("New activity on the participation platform"))


# --- The city's own texts ------------------------------------------------------------------------------

# The kinds a city can reword, and the placeholders each one offers (name -> what it stands for).
_TITLE = ("title", gettext_lazy("the title of the contribution"))
_PROCESS = ("process", gettext_lazy("the title of the process"))
PLACEHOLDERS: dict[str, dict[str, object]] = {
    Event.PHASE_STARTED: dict([_PROCESS, ("phase", gettext_lazy("the title of the new phase"))]),
    Event.STATUS_CHANGED: dict([_TITLE, _PROCESS, ("status", gettext_lazy("the new status")),
                                ("message", gettext_lazy("the message written with the change"))]),
    Event.ANSWER_PUBLISHED: dict([_TITLE, _PROCESS]),
    Event.COMMENT_POSTED: dict([_TITLE, _PROCESS, ("excerpt", gettext_lazy("the beginning of the comment"))]),
    Event.CONTENT_HIDDEN: dict([_TITLE, ("reason", gettext_lazy("the reason given by the moderators"))]),
    Event.CONTENT_RESTORED: dict([_TITLE]),
    "budget_project_news": dict([_TITLE, _PROCESS, ("news", gettext_lazy("the title of the news")),
                                 ("excerpt", gettext_lazy("the beginning of the news"))]),
}
KIND_LABELS = {
    Event.PHASE_STARTED: gettext_lazy("A new phase starts (to the followers of the process)"),
    Event.STATUS_CHANGED: gettext_lazy("The status of a contribution changes (to its author and followers)"),
    Event.ANSWER_PUBLISHED: gettext_lazy("The city answers a contribution (to its author and followers)"),
    Event.COMMENT_POSTED: gettext_lazy("A new comment (to the followers of the contribution)"),
    Event.CONTENT_HIDDEN: gettext_lazy("Content hidden by the moderators (to its author)"),
    Event.CONTENT_RESTORED: gettext_lazy("Content visible again (to its author)"),
    "budget_project_news": gettext_lazy("News about a winning budget project (to its holders, and the followers "
                                        "and supporters of its ideas)"),
}
_PLACEHOLDER_RE = re.compile(r"%\((\w+)\)s")


class _Known(dict):
    def __missing__(self, key):
        raise KeyError(key)


def placeholders_check(kind: str, text: str) -> list[str]:
    """The problems of a city's text for `kind`: unknown placeholders or a malformed % sign ([] when fine)."""
    allowed = PLACEHOLDERS.get(kind, {})
    unknown = sorted({name for name in _PLACEHOLDER_RE.findall(text or "") if name not in allowed})
    if unknown:
        return [_("Unknown placeholder(s): %(names)s. Use only: %(allowed)s.") % {
            "names": ", ".join(f"%({n})s" for n in unknown),
            "allowed": ", ".join(f"%({n})s" for n in allowed) or "-"}]
    try:
        (text or "") % _Known(dict.fromkeys(allowed, ""))
    except (KeyError, ValueError, TypeError):
        return [_("A %% sign must start a placeholder such as %(example)s; write %%%% for a percent sign.")
                % {"example": next((f"%({n})s" for n in allowed), "%(title)s")}]
    return []


# Overrides are read once per request (the notification list renders many notifications).
_request_memo: ContextVar[dict | None] = ContextVar("notification_overrides", default=None)


def _memo_start(**_kwargs):
    _request_memo.set({})


def _memo_end(**_kwargs):
    _request_memo.set(None)


request_started.connect(_memo_start, dispatch_uid="notifications.overrides.start")
request_finished.connect(_memo_end, dispatch_uid="notifications.overrides.end")


def notification_overrides() -> dict:
    """The city's own texts by kind (one query, once per request)."""
    from django.db import connection  # noqa: PLC0415

    from tenant_apps.notifications.models import NotificationTemplate  # noqa: PLC0415  (models import Event)

    memo = _request_memo.get()
    if memo is not None and connection.schema_name in memo:
        return memo[connection.schema_name]
    overrides = {t.kind: t for t in NotificationTemplate.objects.all()}
    if memo is not None:
        memo[connection.schema_name] = overrides
    return overrides


def _values(notification) -> dict:
    data = notification.data or {}
    return {"title": data.get("title", ""), "process": data.get("process", ""), "phase": data.get("phase", ""),
            "status": _status_label(data), "message": data.get("message", ""), "excerpt": data.get("excerpt", ""),
            "reason": data.get("reason", "")}


def _render(text: str, values: dict, default: str) -> str:
    if not text.strip():
        return default
    try:
        return text % values
    except (KeyError, ValueError, TypeError):  # checked when saved; a bad row never breaks a page
        return default


def notification_text(notification, *, overrides: dict | None = None) -> NotificationText:
    """Title and body of `notification` (anything with `kind` and `data`): the city's words, else the defaults."""
    default = _default_text(notification)
    template = (notification_overrides() if overrides is None else overrides).get(notification.kind)
    if template is None:
        return default
    suffix = "en" if (get_language() or "fr").startswith("en") else "fr"
    values = _values(notification)
    return NotificationText(_render(getattr(template, f"title_{suffix}"), values, default.title),
                            _render(getattr(template, f"body_{suffix}"), values, default.body))


def default_text_sample(kind: str) -> NotificationText:
    """The default words of `kind` with its placeholders in place of the values (shown in the back-office)."""

    class Sample:
        pass

    sample = Sample()
    sample.kind = kind
    sample.data = {name: f"%({name})s" for name in PLACEHOLDERS.get(kind, {})}
    if "status" in sample.data:
        sample.data.update(status_fr="%(status)s", status_en="%(status)s")
    if kind in (Event.CONTENT_HIDDEN, Event.CONTENT_RESTORED):
        sample.data["kind"] = "contribution"
    return _default_text(sample)
