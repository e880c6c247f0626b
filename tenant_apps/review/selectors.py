"""Reads of the review workflow: the staff's queue of contributions and one contribution under review."""

from django.contrib.postgres.search import SearchQuery
from django.db.models import Q, QuerySet
from django.http import Http404

from shared_apps.accounts.models import User
from tenant_apps.participation.models import Contribution, OfficialAnswer, StatusChange
from tenant_apps.participation.permissions import STAFF_ROLES
from tenant_apps.participation.richtext import unaccent
from tenant_apps.review.models import InternalNote

ASSIGNED_TO_ME = "me"
UNASSIGNED = "unassigned"
MERGE_CANDIDATES_MAX = 300


def review_queue(*, user, status: str = "", district: str = "", theme: str = "", department: str = "",
                 assigned: str = "", process: str = "", q: str = "") -> QuerySet[Contribution]:
    """Contributions not merged into another, across processes (drafts included), filtered, newest first.

    `status`, `district` and `theme` are keys / slugs; `department` and `process` are ids; `assigned` is
    "me" (to me or one of my departments), "unassigned", or an agent's id.
    """
    qs = (Contribution.objects.filter(merged_into__isnull=True)
          .select_related("process", "status", "district", "author", "assigned_to", "assigned_department"))
    if status:
        qs = qs.filter(status__key=status)
    if district:
        qs = qs.filter(district__slug=district)
    if theme:
        qs = qs.filter(themes__slug=theme)  # slugs are unique: no row twice
    if department:
        qs = qs.filter(assigned_department_id=_int(department))
    if process:
        qs = qs.filter(process_id=_int(process))
    if assigned == ASSIGNED_TO_ME:
        # A subquery, not a join on the members: a contribution appears once however many agents a department has.
        qs = qs.filter(Q(assigned_to=user) | Q(assigned_department__in=user.departments.all()))
    elif assigned == UNASSIGNED:
        qs = qs.filter(assigned_to__isnull=True, assigned_department__isnull=True)
    elif assigned:
        qs = qs.filter(assigned_to_id=_int(assigned))
    q = (q or "").strip()
    if q.lstrip("#").isdigit():  # a number is the contribution's
        qs = qs.filter(pk=int(q.lstrip("#")))
    elif q:
        query = SearchQuery(unaccent(q), config="french", search_type="websearch")
        qs = qs.filter(Q(search_vector=query) | Q(title__icontains=q))
    return qs.order_by("-created_at", "-id")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0  # no row has id 0: an invalid filter shows nothing rather than everything


def review_detail(pk: int) -> Contribution:
    """A contribution of this city for the staff (drafts, internal statuses, hidden and merged ones too), else 404."""
    contribution = (Contribution.objects.filter(pk=pk)
                    .select_related("process", "status", "district", "author", "phase", "assigned_to",
                                    "assigned_department", "merged_into")
                    .prefetch_related("themes", "coauthors")
                    .first())
    if contribution is None:
        raise Http404
    return contribution


def staff_list() -> QuerySet[User]:
    """The accounts a contribution can be assigned to."""
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("full_name", "email")


def review_context(contribution: Contribution) -> dict:
    """What the review page shows besides the contribution: notes, history, answer, merges."""
    try:
        answer = contribution.official_answer
    except OfficialAnswer.DoesNotExist:
        answer = None
    return {
        "notes": list(InternalNote.objects.filter(contribution=contribution).select_related("author")
                      .order_by("created_at", "id")),
        "status_changes": list(StatusChange.objects.filter(contribution=contribution)
                               .select_related("from_status", "to_status", "actor").order_by("created_at", "id")),
        "answer": answer,
        "merged_here": list(Contribution.objects.filter(merged_into=contribution).only("id", "title")
                            .order_by("id")),
    }


def merge_candidates(contribution: Contribution) -> QuerySet[Contribution]:
    """The contributions of the same process this one may be merged into."""
    return (Contribution.objects.filter(process_id=contribution.process_id, merged_into__isnull=True)
            .exclude(pk=contribution.pk).only("id", "title").order_by("title", "id"))
