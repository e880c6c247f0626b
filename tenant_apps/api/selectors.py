"""Reads the city API needs beyond the kernel's selectors: a flat comment list, a contribution's answer
and public history, the districts and themes a process accepts, whether vote results are shown now."""

from django.db.models import QuerySet

from tenant_apps.discussion.models import Comment
from tenant_apps.participation.models import Contribution, District, OfficialAnswer, Process, StatusChange, Theme


def comment_list(*, contribution: Contribution) -> QuerySet[Comment]:
    """Every comment of `contribution` in thread order (deleted and hidden ones keep their place)."""
    return Comment.objects.filter(contribution=contribution).select_related("author").order_by("created_at", "id")


def official_answer_of(*, contribution: Contribution) -> OfficialAnswer | None:
    return OfficialAnswer.objects.filter(contribution=contribution).first()


def status_history(*, contribution: Contribution) -> list[StatusChange]:
    """The public status changes of `contribution`, oldest first (what its page shows)."""
    return list(StatusChange.objects.filter(contribution=contribution, to_status__is_public=True)
                .select_related("to_status").order_by("created_at", "id"))


def district_for_process(*, process: Process, slug: str) -> District | None:
    """The district `slug` if `process` accepts it (its own districts, or every district when it names none)."""
    districts = process.districts.all() if process.districts.exists() else District.objects.all()
    return districts.filter(slug=slug).first()


def themes_for_process(*, process: Process, slugs) -> list[Theme] | None:
    """The themes named by `slugs` that `process` accepts, or None if one of them is unknown to it."""
    wanted = set(slugs)
    themes = process.themes.all() if process.themes.exists() else Theme.objects.all()
    found = list(themes.filter(slug__in=wanted))
    return found if len(found) == len(wanted) else None
