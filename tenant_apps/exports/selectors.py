"""Reads behind the exports: querysets fetched in chunks with their relations, so that the number of
queries does not grow with the number of rows."""

from collections.abc import Iterator

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from shared_apps.audit.models import AuditEntry
from tenant_apps.discussion.models import Argument, Comment
from tenant_apps.exports.columns import CHUNK, Personal, person_email, person_name
from tenant_apps.participation.models import Contribution, Phase, Process, StatusChange, Theme
from tenant_apps.participation.selectors import process_list

AUDIT_PAGE_SIZE = 50


def export_process_list(*, user) -> QuerySet[Process]:
    """The processes a staff member may export (drafts included)."""
    return process_list(user=user, include_drafts=True)


def export_process_get(*, pk: int, user) -> Process:
    """The process `pk` if it exists here and `user` may see it (drafts: staff only), else 404."""
    process = process_list(user=user, include_drafts=True).filter(pk=pk).first()
    if process is None:
        raise Http404
    return process


def _themes() -> Prefetch:
    return Prefetch("themes", queryset=Theme.objects.order_by("position", "label_fr"))


def contribution_export_list(*, process: Process) -> QuerySet[Contribution]:
    """Every contribution of `process` (hidden and internal ones too: staff see them all), oldest first."""
    return (Contribution.objects.filter(process=process)
            .select_related("status", "phase", "district", "author", "assigned_to", "assigned_department",
                            "official_answer")
            .prefetch_related(_themes())
            .defer("search_vector")
            .order_by("created_at", "id"))


def comment_export_list(*, process: Process) -> QuerySet[Comment]:
    return (Comment.objects.filter(contribution__process=process)
            .select_related("author", "contribution")
            .defer("contribution__body", "contribution__search_vector")
            .order_by("contribution__created_at", "contribution_id", "created_at", "id"))


def vote_count_list(*, process: Process) -> QuerySet[Contribution]:
    return (Contribution.objects.filter(process=process).select_related("status")
            .only("id", "title", "status", "support_count", "for_count", "against_count", "neutral_count",
                  "comment_count", "created_at")
            .order_by("created_at", "id"))


def chunked(queryset: QuerySet) -> Iterator:
    """Iterate without loading every row at once; prefetches run once per chunk.

    The rows are read while the response streams, after the view has returned: the city's schema is
    set again first, in case the server iterates on another thread or connection (ASGI).
    """
    tenant = getattr(connection, "tenant", None)

    def iterate():
        if tenant is not None and connection.schema_name != tenant.schema_name:
            connection.set_tenant(tenant)
        yield from queryset.iterator(chunk_size=CHUNK)

    return iterate()


# --- The whole process as one JSON document -------------------------------------------------------


def _person(user, personal: Personal):
    if user is None or personal is Personal.NONE:
        return None
    person = {"name": person_name(user)}
    if personal is Personal.FULL:
        person["email"] = person_email(user)
    return person


def _process_head(process: Process) -> dict:
    from tenant_apps.participation.models import Status

    phases = Phase.objects.filter(process=process).order_by("position", "id")
    statuses = Status.objects.filter(process_kind=process.kind)
    return {
        "generated_at": timezone.now(),
        "process": {
            "id": process.pk, "slug": process.slug, "kind": process.kind, "module": process.module,
            "title": process.title, "summary": process.summary, "description_html": process.description,
            "visibility": process.visibility, "allows_anonymous": process.allows_anonymous,
            "themes": [t.slug for t in process.themes.all()],
            "districts": [d.slug for d in process.districts.all()],
            "created_at": process.created_at, "published_at": process.published_at,
        },
        "phases": [{"id": p.pk, "position": p.position, "type": p.type_key, "title": p.title,
                    "description": p.description, "starts_at": p.starts_at, "ends_at": p.ends_at,
                    "capabilities": list(p.capabilities), "config": p.config} for p in phases],
        "statuses": [{"key": s.key, "label_fr": s.label_fr, "label_en": s.label_en, "is_public": s.is_public,
                      "is_final": s.is_final, "is_default": s.is_default} for s in statuses],
    }


def _contribution_document(c: Contribution, personal: Personal) -> dict:
    answer = getattr(c, "official_answer", None)
    return {
        "id": c.pk, "reference": str(c.reference), "title": c.title, "body_html": c.body,
        "status": c.status.key if c.status else None, "phase_id": c.phase_id,
        "district": c.district.slug if c.district else None, "themes": [t.slug for t in c.themes.all()],
        "address": c.address, "latitude": c.latitude, "longitude": c.longitude,
        "author": _person(c.author, personal), "is_anonymous": c.is_anonymous,
        "is_hidden": c.is_hidden, "hidden_reason": c.hidden_reason, "merged_into": c.merged_into_id,
        "assigned_to": person_name(c.assigned_to) or None,
        "assigned_department": c.assigned_department.name if c.assigned_department else None,
        "votes": {"support": c.support_count, "for": c.for_count, "against": c.against_count,
                  "neutral": c.neutral_count},
        "comment_count": c.comment_count, "created_at": c.created_at, "updated_at": c.updated_at,
        "status_history": [{"from": s.from_status.key if s.from_status else None, "to": s.to_status.key,
                            "message": s.message, "by": person_name(s.actor) or None, "at": s.created_at}
                           for s in c.status_changes.all()],
        "official_answer": None if answer is None else {
            "body_html": answer.body, "by": person_name(answer.author) or None,
            "created_at": answer.created_at, "updated_at": answer.updated_at},
        "comments": [{"id": m.pk, "parent_id": m.parent_id, "author": _person(m.author, personal),
                      "body": m.body, "is_official": m.is_official, "is_deleted": m.is_deleted,
                      "is_hidden": m.is_hidden, "hidden_reason": m.hidden_reason, "created_at": m.created_at,
                      "edited_at": m.edited_at} for m in c.comments.all()],
        "arguments": [{"id": a.pk, "side": a.side, "author": _person(a.author, personal), "body": a.body,
                       "is_hidden": a.is_hidden, "hidden_reason": a.hidden_reason, "created_at": a.created_at}
                      for a in c.arguments.all()],
    }


def process_document(*, process: Process, personal: Personal) -> tuple[dict, Iterator[dict]]:
    """The process, its phases and statuses (head), and its contributions one by one with their history,
    answer, comments, arguments and vote counts."""
    queryset = (contribution_export_list(process=process)
                .select_related("official_answer__author")
                .prefetch_related(
                    Prefetch("status_changes", queryset=StatusChange.objects.select_related(
                        "from_status", "to_status", "actor").order_by("created_at", "id")),
                    Prefetch("comments", queryset=Comment.objects.select_related("author").order_by(
                        "created_at", "id")),
                    Prefetch("arguments", queryset=Argument.objects.select_related("author").order_by(
                        "created_at", "id"))))
    head = _process_head(process)
    return head, (_contribution_document(c, personal) for c in chunked(queryset))


# --- The city's audit log -------------------------------------------------------------------------


def audit_entry_list(*, action: str = "", actor: str = "") -> QuerySet[AuditEntry]:
    """The city's audit log, newest first, filtered by action and by who acted (their label)."""
    qs = AuditEntry.objects.all()
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_label=actor)
    return qs.order_by("-created_at", "-id")


def audit_filter_choices() -> dict:
    entries = AuditEntry.objects.order_by()
    return {
        "actions": list(entries.values_list("action", flat=True).distinct().order_by("action")),
        "actors": list(entries.values_list("actor_label", flat=True).distinct().order_by("actor_label")),
    }
