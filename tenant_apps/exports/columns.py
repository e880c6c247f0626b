"""What each staff export contains, column by column, and how much personal data a role may take away.

City administrators get the authors' names and e-mail addresses; agents get the names only; nobody
else exports anything. Every other column is the same for both roles.
"""

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenant_apps.participation.richtext import plain_text

# Rows fetched per database round trip (and per prefetch): queries grow with rows / CHUNK, not rows.
CHUNK = 500


class Personal(enum.Enum):
    NONE = "none"
    NAME = "name"
    FULL = "full"


def personal_level(user) -> Personal:
    """How much of the authors' identity `user` may export."""
    if not (user and user.is_authenticated and user.is_active):
        return Personal.NONE
    return {"city_admin": Personal.FULL, "agent": Personal.NAME}.get(user.role, Personal.NONE)


@dataclass(frozen=True)
class Column:
    key: str  # stable machine name (JSON keys, open-data headers)
    label: str | Promise  # header of staff exports, in the reader's language
    value: Callable[[object], object]
    description: str | Promise = ""
    type: str = "text"


def header(columns: Iterable[Column]) -> list[str]:
    return [str(column.label) for column in columns]


def rows(objects: Iterable, columns: list[Column]) -> Iterator[list]:
    for obj in objects:
        yield [column.value(obj) for column in columns]


def yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


def person_name(user) -> str:
    # Never `get_full_name()`: it falls back to the e-mail address, which agents must not receive.
    return user.full_name if user is not None else ""


def person_email(user) -> str:
    return user.email if user is not None else ""


def _label(obj) -> str:
    return obj.label if obj is not None else ""


def _author_columns(personal: Personal, author: Callable) -> list[Column]:
    columns = []
    if personal in (Personal.NAME, Personal.FULL):
        columns.append(Column("author_name", _("Author"), lambda o: person_name(author(o))))
    if personal is Personal.FULL:
        columns.append(Column("author_email", _("Author's e-mail address"), lambda o: person_email(author(o))))
    return columns


def _official_answer(contribution) -> str:
    answer = getattr(contribution, "official_answer", None)  # reverse one-to-one: missing raises otherwise
    return plain_text(answer.body) if answer is not None else ""


def contribution_columns(personal: Personal) -> list[Column]:
    return [
        Column("id", _("Number"), lambda c: c.pk),
        Column("reference", _("Reference"), lambda c: str(c.reference)),
        Column("title", _("Title"), lambda c: c.title),
        Column("body", _("Description"), lambda c: plain_text(c.body)),
        Column("status", _("Status"), lambda c: _label(c.status)),
        Column("status_public", _("Status shown to the public"),
               lambda c: yes_no(c.status is None or c.status.is_public)),
        Column("phase", _("Phase"), lambda c: c.phase.title if c.phase else ""),
        Column("district", _("District"), lambda c: c.district.name if c.district else ""),
        Column("themes", _("Themes"), lambda c: " | ".join(t.label for t in c.themes.all())),
        Column("address", _("Address"), lambda c: c.address),
        Column("latitude", _("Latitude"), lambda c: c.latitude),
        Column("longitude", _("Longitude"), lambda c: c.longitude),
        *_author_columns(personal, lambda c: c.author),
        Column("is_anonymous", _("Published anonymously"), lambda c: yes_no(c.is_anonymous)),
        Column("assigned_to", _("Assigned agent"), lambda c: person_name(c.assigned_to)),
        Column("assigned_department", _("Assigned department"),
               lambda c: c.assigned_department.name if c.assigned_department else ""),
        Column("merged_into", _("Merged into (number)"), lambda c: c.merged_into_id),
        Column("is_hidden", _("Hidden by moderation"), lambda c: yes_no(c.is_hidden)),
        Column("hidden_reason", _("Reason for hiding"), lambda c: c.hidden_reason),
        *vote_count_columns()[3:],
        Column("official_answer", _("Official answer"), _official_answer),
        Column("created_at", _("Submitted on"), lambda c: c.created_at),
        Column("updated_at", _("Last modified on"), lambda c: c.updated_at),
    ]


def vote_count_columns() -> list[Column]:
    return [
        Column("id", _("Number"), lambda c: c.pk),
        Column("title", _("Title"), lambda c: c.title),
        Column("status", _("Status"), lambda c: _label(c.status)),
        Column("support_count", _("Supports"), lambda c: c.support_count),
        Column("for_count", _("Votes for"), lambda c: c.for_count),
        Column("against_count", _("Votes against"), lambda c: c.against_count),
        Column("neutral_count", _("Neutral votes"), lambda c: c.neutral_count),
        Column("comment_count", _("Comments"), lambda c: c.comment_count),
    ]


def comment_columns(personal: Personal) -> list[Column]:
    return [
        Column("id", _("Number"), lambda m: m.pk),
        Column("contribution_id", _("Contribution number"), lambda m: m.contribution_id),
        Column("contribution_title", _("Contribution"), lambda m: m.contribution.title),
        Column("parent_id", _("In reply to (number)"), lambda m: m.parent_id),
        *_author_columns(personal, lambda m: m.author),
        Column("is_official", _("On behalf of the city"), lambda m: yes_no(m.is_official)),
        Column("is_deleted", _("Deleted"), lambda m: yes_no(m.is_deleted)),
        Column("is_hidden", _("Hidden by moderation"), lambda m: yes_no(m.is_hidden)),
        Column("hidden_reason", _("Reason for hiding"), lambda m: m.hidden_reason),
        Column("body", _("Comment"), lambda m: m.body),
        Column("created_at", _("Posted on"), lambda m: m.created_at),
        Column("edited_at", _("Edited on"), lambda m: m.edited_at),
    ]


def _audit_details(entry) -> str:
    from tenant_apps.exports.writers import json_dumps

    details = {k: v for k, v in (entry.data or {}).items() if k != "target"}
    return json_dumps(details) if details else ""


def audit_columns() -> list[Column]:
    return [
        Column("created_at", _("Date"), lambda e: e.created_at),
        Column("actor", _("Who"), lambda e: e.actor_label),
        Column("action", _("Action"), lambda e: e.action),
        Column("target", _("On"), lambda e: (e.data or {}).get("target", "")),
        Column("details", _("Details"), _audit_details),
    ]
