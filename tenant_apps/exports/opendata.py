"""The public open-data export: what citizens made public, without anything that identifies them.

Only published (or archived) processes; only contributions the public sees on the site (hidden ones
and those in an internal status are left out entirely). No name, e-mail or account identifier:
authors become a pseudonym, an HMAC of (SECRET_KEY, city schema, process, account) truncated, stable
from one download to the next of the same process, different from one process to another, and not
reversible without the server's secret. Anonymous contributions get no pseudonym at all.
"""

import hashlib
import hmac
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenant_apps.exports.columns import Column
from tenant_apps.participation.models import Contribution, Process, Theme
from tenant_apps.participation.richtext import plain_text
from tenant_apps.participation.selectors import process_list, public_status_q

LICENCE = {
    "name": "Licence Ouverte / Open Licence version 2.0",
    "short_name": "Licence Ouverte / Etalab 2.0",
    "spdx": "etalab-2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}

FORMATS = ("csv", "json")

TYPE_LABELS = {
    "text": _("text"),
    "integer": _("whole number"),
    "decimal": _("decimal number, with a point"),
    "datetime": _("date and time"),
    "url": _("web address"),
}


def open_data_licence() -> dict:
    """The licence of the city's open data: Licence Ouverte / Etalab 2.0, the default of French administrations."""
    return dict(LICENCE)


def pseudonym(*, process: Process, user_id: int | None) -> str:
    if user_id is None:
        return ""
    message = f"{connection.schema_name}:{process.pk}:{user_id}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"P-{digest[:12]}"


def _public_contributions() -> Q:
    return Q(is_hidden=False) & public_status_q()


def open_data_process_list() -> QuerySet[Process]:
    """Published and archived processes, with the number of contributions their export holds."""
    public = Q(contributions__is_hidden=False) & (Q(contributions__status__isnull=True)
                                                  | Q(contributions__status__is_public=True))
    return (process_list(user=None)
            .annotate(open_data_count=Count("contributions", filter=public, distinct=True))
            .order_by("-published_at", "-id"))


def open_data_process_get(*, slug: str) -> Process:
    """The published or archived process at `slug`, else 404 (drafts never have open data)."""
    process = process_list(user=None).filter(slug=slug).first()
    if process is None:
        raise Http404
    return process


def open_data_contribution_list(*, process: Process) -> QuerySet[Contribution]:
    return (Contribution.objects.filter(process=process).filter(_public_contributions())
            .select_related("status", "phase", "district", "official_answer")
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("position", "label_fr")))
            .only("id", "title", "body", "author_id", "is_anonymous", "status__key", "status__label_fr",
                  "status__is_public", "phase__title", "district__name", "latitude", "longitude", "address",
                  "support_count", "for_count", "against_count", "neutral_count", "comment_count",
                  "created_at", "merged_into_id", "official_answer__body", "official_answer__updated_at", "process_id")
            .order_by("created_at", "id"))


def _answer(contribution, field):
    answer = getattr(contribution, "official_answer", None)
    if answer is None:
        return None
    return plain_text(answer.body) if field == "body" else answer.updated_at


def open_data_columns(*, process: Process, base_url: str) -> list[Column]:
    """The columns of the open-data export, with what the data dictionary says of each."""
    return [
        Column("id", "id", lambda c: c.pk, _("Number of the contribution, as in its address on the site."),
               "integer"),
        Column("url", "url", lambda c: f"{base_url}{c.get_absolute_url()}",
               _("Address of the contribution's page on the site."), "url"),
        Column("process", "process", lambda c: process.slug, _("Short name of the process (as in its address)."),
               "text"),
        Column("title", "title", lambda c: c.title, _("Title, as written by its author."), "text"),
        Column("body", "body", lambda c: plain_text(c.body),
               _("Description, as written by its author, without formatting."), "text"),
        Column("author", "author", lambda c: "" if c.is_anonymous else pseudonym(process=process,
                                                                                  user_id=c.author_id),
               _("Pseudonym of the author: the same for all the contributions of one person in this process, "
                 "different in every other process; it does not identify the person. Empty when the contribution "
                 "was published anonymously or its author deleted their account."), "text"),
        Column("status", "status", lambda c: c.status.label_fr if c.status else "",
               _("Status given by the city (French label)."), "text"),
        Column("status_key", "status_key", lambda c: c.status.key if c.status else "",
               _("Status, as a stable code."), "text"),
        Column("phase", "phase", lambda c: c.phase.title if c.phase else "",
               _("Phase of the process during which it was submitted."), "text"),
        Column("district", "district", lambda c: c.district.name if c.district else "",
               _("District concerned."), "text"),
        Column("themes", "themes", lambda c: " | ".join(t.label_fr for t in c.themes.all()),
               _("Themes, separated by a vertical bar (|) in CSV, a list in JSON."), "text"),
        Column("address", "address", lambda c: c.address,
               _("Address given by the author, shown publicly on the site."), "text"),
        Column("latitude", "latitude", lambda c: c.latitude,
               _("Latitude of the point placed by the author (WGS 84), shown publicly on the site."), "decimal"),
        Column("longitude", "longitude", lambda c: c.longitude,
               _("Longitude of the point placed by the author (WGS 84), shown publicly on the site."), "decimal"),
        Column("support_count", "support_count", lambda c: c.support_count, _("Number of supports."), "integer"),
        Column("for_count", "for_count", lambda c: c.for_count, _("Number of votes for."), "integer"),
        Column("against_count", "against_count", lambda c: c.against_count, _("Number of votes against."),
               "integer"),
        Column("neutral_count", "neutral_count", lambda c: c.neutral_count, _("Number of neutral votes."),
               "integer"),
        Column("comment_count", "comment_count", lambda c: c.comment_count, _("Number of comments."),
               "integer"),
        Column("merged_into", "merged_into", lambda c: c.merged_into_id,
               _("Number of the contribution this one was merged into, as a duplicate; empty if none."), "integer"),
        Column("official_answer", "official_answer", lambda c: _answer(c, "body"),
               _("The city's official answer, without formatting; empty if none."), "text"),
        Column("official_answer_at", "official_answer_at", lambda c: _answer(c, "date"),
               _("Date of the official answer (ISO 8601, local time with its offset)."), "datetime"),
        Column("created_at", "created_at", lambda c: c.created_at,
               _("Date of submission (ISO 8601, local time with its offset)."), "datetime"),
    ]


def dictionary_rows() -> list[dict]:
    """What the data dictionary page says of each column (the same list the files are made from)."""
    return [{"key": c.key, "type": TYPE_LABELS[c.type], "description": c.description}
            for c in open_data_columns(process=Process(slug=""), base_url="")]


def open_data_rows(*, process: Process, columns: list[Column]) -> Iterator[list]:
    from tenant_apps.exports.selectors import chunked

    for contribution in chunked(open_data_contribution_list(process=process)):
        yield [column.value(contribution) for column in columns]


def open_data_items(*, process: Process, columns: list[Column]) -> Iterator[dict]:
    from tenant_apps.exports.selectors import chunked

    for contribution in chunked(open_data_contribution_list(process=process)):
        item = {column.key: column.value(contribution) for column in columns}
        item["themes"] = [t.label_fr for t in contribution.themes.all()]
        yield item


def open_data_head(*, process: Process, collectivity_name: str, dictionary_url: str, page_url: str) -> dict:
    return {
        "publisher": collectivity_name,
        "licence": open_data_licence(),
        "data_dictionary": dictionary_url,
        "generated_at": timezone.now(),
        "process": {"slug": process.slug, "title": process.title, "kind": process.kind, "url": page_url,
                    "published_at": process.published_at},
    }
