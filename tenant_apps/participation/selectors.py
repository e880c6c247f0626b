"""Reads of the participation kernel: what a visitor may see, fetched with a bounded number of queries."""

import hashlib

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import MD5, Cast, Concat
from django.http import Http404

from billing.selectors import modules_available
from tenant_apps.participation.models import Attachment, Contribution, Phase, Process, Status
from tenant_apps.participation.permissions import is_moderator, is_staff
from tenant_apps.participation.richtext import unaccent
from tenants.selectors import collectivity_current

SORTS = ("recent", "supported", "random")


def modules_enabled() -> list[str]:
    collectivity = collectivity_current()
    return modules_available(collectivity=collectivity) if collectivity else []


def process_list(*, user=None, include_drafts: bool = False) -> QuerySet[Process]:
    """Processes of licensed modules that `user` may see, with their phases prefetched."""
    visibilities = [Process.Visibility.PUBLISHED, Process.Visibility.ARCHIVED]
    if include_drafts and is_staff(user):
        visibilities.append(Process.Visibility.DRAFT)
    return (Process.objects.filter(visibility__in=visibilities, module__in=modules_enabled())
            .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_at", "position")))
            .order_by("-published_at", "-id"))


def process_get_for_user(*, slug: str, user) -> Process:
    """The process at `slug` if `user` may see it (drafts: staff only; unlicensed module: nobody), else 404."""
    process = process_list(user=user, include_drafts=True).filter(slug=slug).prefetch_related(
        "themes", "districts").first()
    if process is None:
        raise Http404
    return process


def status_list(*, process_kind: str, user=None) -> list[Status]:
    qs = Status.objects.filter(process_kind=process_kind)
    if not is_staff(user):
        qs = qs.filter(is_public=True)
    return list(qs)


def _visible(qs: QuerySet[Contribution], user) -> QuerySet[Contribution]:
    if is_staff(user) or is_moderator(user):
        return qs
    # Hidden contributions stay in lists (with the moderation reason in place of their text).
    # Contributions in an internal status are seen only by their author and the staff.
    public = Q(status__isnull=True) | Q(status__is_public=True)
    if user is not None and user.is_authenticated:
        public |= Q(author=user)
    return qs.filter(public)


def contribution_list(*, process: Process, user=None, status: str = "", district: str = "", theme: str = "",
                      q: str = "", sort: str = "recent", seed: str = "") -> QuerySet[Contribution]:
    """Contributions of `process` that `user` may see, filtered, searched and sorted."""
    # Duplicates merged into another contribution stay reachable by their link, not in lists.
    qs = _visible(Contribution.objects.filter(process=process, merged_into__isnull=True), user).select_related(
        "status", "district", "author")
    if status:
        qs = qs.filter(status__key=status)
    if district:
        qs = qs.filter(district__slug=district)
    if theme:
        qs = qs.filter(themes__slug=theme)
    if q.strip():
        query = SearchQuery(unaccent(q.strip()), config="french", search_type="websearch")
        qs = qs.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
        if sort == "relevance":
            return qs.order_by("-rank", "-id")
    if sort == "supported":
        return qs.annotate(score=F("support_count") + F("for_count") - F("against_count")).order_by(
            "-score", "-created_at", "-id")
    if sort == "random":
        # Stable for a visitor (same seed, same order across pages), different between visitors.
        salt = hashlib.sha256((seed or "parvis").encode()).hexdigest()[:16]
        shuffle = MD5(Concat(Cast("reference", TextField()), Value(salt), output_field=TextField()))
        return qs.annotate(shuffle=shuffle).order_by("shuffle", "id")
    return qs.order_by("-created_at", "-id")


def contribution_get_for_user(*, pk: int, user) -> Contribution:
    """The contribution `pk` if `user` may see it (its process visible, its status public or theirs), else 404.

    One query with few joins, then the same rules as `process_list` and the lists, checked in Python: a
    join with the visible processes as a subquery cost more to plan than to run on every page view.
    """
    contribution = (Contribution.objects.filter(pk=pk).select_related("process", "status", "district", "author")
                    .prefetch_related("themes", Prefetch("attachments", queryset=Attachment.objects.order_by(
                        "position", "id")))
                    .first())
    if contribution is None:
        raise Http404
    process = contribution.process
    staff = is_staff(user)
    visible_process = process.module in modules_enabled() and (
        process.visibility in (Process.Visibility.PUBLISHED, Process.Visibility.ARCHIVED)
        or (process.visibility == Process.Visibility.DRAFT and staff))
    if not visible_process:
        raise Http404
    status_visible = (contribution.status is None or contribution.status.is_public or staff or is_moderator(user)
                      or (user is not None and user.is_authenticated and contribution.author_id == user.pk))
    if not status_visible:
        raise Http404
    return contribution


def attachment_get_for_user(*, pk: int, user) -> Attachment:
    attachment = Attachment.objects.filter(pk=pk).select_related("contribution").first()
    if attachment is None:
        raise Http404
    contribution = contribution_get_for_user(pk=attachment.contribution_id, user=user)
    if contribution.is_hidden and not (is_staff(user) or is_moderator(user)):
        raise Http404
    return attachment


def public_status_q() -> Q:
    return Q(status__isnull=True) | Q(status__is_public=True)


def home_overview(*, user) -> dict:
    """What the city's home page shows: processes open now and to come, and the latest activity."""
    from tenant_apps.participation.models import OfficialAnswer
    from tenant_apps.participation.state import process_state

    processes = list(process_list(user=user).filter(visibility=Process.Visibility.PUBLISHED))
    rows = [(p, process_state(p, phases=p.phases.all())) for p in processes]
    visible = [p.pk for p in processes]
    latest = list(Contribution.objects.filter(process_id__in=visible, is_hidden=False).filter(public_status_q())
                  .select_related("process", "status").order_by("-created_at", "-id")[:5])
    answers = list(OfficialAnswer.objects.filter(contribution__process_id__in=visible, contribution__is_hidden=False)
                   .select_related("contribution").order_by("-updated_at")[:3])
    return {
        "open_processes": [(p, s) for p, s in rows if s.active],
        "upcoming_processes": [(p, s) for p, s in rows if not s.active and s.upcoming],
        "latest_contributions": latest,
        "latest_answers": answers,
    }
