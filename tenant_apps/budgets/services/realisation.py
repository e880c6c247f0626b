"""Following the winners once voted: realisation status, progress, money spent, milestones, news, satisfaction.

Only a winning project is followed: the city owes its voters an account of what they chose, and a
project that lost has nothing to build. The source ideas' kernel status follows the works (in
progress, then done) so that their authors and followers hear of it through the kernel's messages.
News goes to the people who carried the project: its holders, and the followers and supporters of
the ideas it was made from.
"""

import datetime as dt
import uuid
from functools import partial

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets.models import Edition, Milestone, Project, ProjectNews, SatisfactionAnswer
from tenant_apps.participation.models import Status
from tenant_apps.participation.permissions import staff_check
from tenant_apps.participation.richtext import html_clean, html_is_empty, plain_text
from tenant_apps.participation.services import contribution_status_change
from tenant_apps.participation.uploads import upload_clean

Realisation = Project.Realisation

# The kernel status the source ideas take for each realisation state (the others leave them as they are).
IDEA_STATUS_BY_REALISATION = {
    Realisation.STUDIES: "in_progress",
    Realisation.WORKS: "in_progress",
    Realisation.DELIVERED: "done",
}
NEWS_KIND = "budget_project_news"
EXCERPT_CHARACTERS = 280


def _winner_check(project: Project) -> None:
    if project.state != Project.State.WINNER:
        raise NotAllowed("not_a_winner", _("Only winning projects are followed after the vote."))


def _whole(value, *, code: str, message: str, low: int = 0, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        raise Invalid(code, message)
    return value


def _ideas_status_move(project: Project, key: str, actor, message: str) -> int:
    status = Status.objects.filter(process_kind=project.edition.process.kind, key=key).first()
    if status is None:  # the city deleted this status: the project is still followed, the ideas stay put
        return 0
    moved = 0
    for idea in project.ideas.exclude(status=status).order_by("pk"):
        contribution_status_change(contribution=idea, status=status, actor=actor, message=message)
        moved += 1
    return moved


def project_realisation_update(*, project: Project, actor, realisation: str | None = None,
                               progress: int | None = None, spent: int | None = None) -> Project:
    """Staff record where a winning project stands; "delivered" means 100 % and the ideas become "done"."""
    staff_check(actor)
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("edition__process").get(pk=project.pk)
        _winner_check(project)
        before = {"realisation": project.realisation, "progress": project.progress, "spent": project.spent}
        if realisation is not None:
            if realisation not in Realisation.values:
                raise Invalid("realisation", _("Choose one of the proposed realisation states."))
            project.realisation = realisation
        if progress is not None:
            project.progress = _whole(progress, code="progress",
                                      message=_("Progress is a whole percentage from 0 to 100."), high=100)
        if spent is not None:
            project.spent = _whole(spent, code="spent",
                                   message=_("The money spent is a whole number of euros, 0 or more."))
        if project.realisation == Realisation.DELIVERED:
            project.progress = 100
        after = {"realisation": project.realisation, "progress": project.progress, "spent": project.spent}
        project.save(update_fields=["realisation", "progress", "spent", "updated_at"])
        city_audit_record(actor=actor, action="budget.project.realisation", target=project,
                          changes={k: [before[k], v] for k, v in after.items() if before[k] != v})
        key = IDEA_STATUS_BY_REALISATION.get(project.realisation)
        if key and project.realisation != before["realisation"]:
            if project.realisation == Realisation.DELIVERED:
                message = _("The project “%(title)s”, made from this idea, is delivered.") % {"title": project.title}
            else:
                message = _("The project “%(title)s”, made from this idea, is being built.") % {"title": project.title}
            _ideas_status_move(project, key, actor, message)
    return project


# --- Milestones ---------------------------------------------------------------------------------------


def _milestone_values(title: str, due_on, done_on) -> tuple[str, dt.date | None, dt.date | None]:
    title = (title or "").strip()
    if not title:
        raise Invalid("title_required", _("Name the milestone."))
    for value in (due_on, done_on):
        if value is not None and not isinstance(value, dt.date):
            raise Invalid("date", _("Enter a valid date."))
    return title[:200], due_on, done_on


def milestone_save(*, project: Project, actor, title: str, due_on: dt.date | None = None,
                   done_on: dt.date | None = None, milestone: Milestone | None = None) -> Milestone:
    """Add a milestone to a winning project's timeline, or edit one of its milestones."""
    staff_check(actor)
    title, due_on, done_on = _milestone_values(title, due_on, done_on)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        _winner_check(project)
        if milestone is None:
            milestone = Milestone(project=project, position=project.milestones.count())
        elif milestone.project_id != project.pk:
            raise Invalid("milestone", _("This milestone belongs to another project."))
        milestone.title, milestone.due_on, milestone.done_on = title, due_on, done_on
        milestone.save()
        city_audit_record(actor=actor, action="budget.milestone.save", target=project, milestone=milestone.pk,
                          title=title)
    return milestone


def milestone_reach(*, milestone: Milestone, actor, done_on: dt.date | None = None) -> Milestone:
    """Mark a milestone as reached (today unless a date is given); reaching it again changes nothing."""
    staff_check(actor)
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
        _winner_check(milestone.project)
        if milestone.done_on is None or done_on is not None:
            milestone.done_on = done_on or timezone.localdate()
            milestone.save(update_fields=["done_on"])
            city_audit_record(actor=actor, action="budget.milestone.reach", target=milestone.project,
                              milestone=milestone.pk, done_on=milestone.done_on.isoformat())
    return milestone


def milestone_delete(*, milestone: Milestone, actor) -> None:
    staff_check(actor)
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
        _winner_check(milestone.project)
        city_audit_record(actor=actor, action="budget.milestone.delete", target=milestone.project,
                          milestone=milestone.pk, title=milestone.title)
        milestone.delete()


# --- News ---------------------------------------------------------------------------------------------


def news_recipient_ids(project: Project, *, exclude: set[int] = frozenset()) -> list[int]:
    """The people a project's news reaches, once each: holders, followers and supporters of its ideas."""
    from tenant_apps.notifications.models import Follow  # noqa: PLC0415  (interaction apps, read only here)
    from tenant_apps.votes.models import Vote  # noqa: PLC0415

    idea_ids = list(project.ideas.values_list("pk", flat=True))
    ids = set(project.holders.values_list("pk", flat=True))
    if idea_ids:
        ids.update(Follow.objects.filter(contribution_id__in=idea_ids).values_list("user_id", flat=True))
        ids.update(Vote.objects.filter(contribution_id__in=idea_ids, mode=Vote.Mode.SUPPORT, voter__isnull=False)
                   .values_list("voter_id", flat=True))
    ids -= set(exclude)
    return sorted(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))


def _project_path(project: Project) -> str:
    try:
        return project.get_absolute_url()
    except NoReverseMatch:  # the project sheet belongs to another part of the module
        return reverse("budgets:realisation", kwargs={"slug": project.edition.process.slug})


def _news_notify(*, project: Project, news: ProjectNews, recipient_ids: list[int]) -> None:
    """Site notifications (and e-mails for the "at once" readers) for a piece of news.

    The kernel's events carry no "project news" kind and the notifications listener drops unknown
    events, so the rows are written here, in the notifications app's own shape; its e-mail task
    sends them. The lead is asked to give the kind its own words in notifications/messages.py.
    """
    from tenant_apps.notifications import tasks  # noqa: PLC0415
    from tenant_apps.notifications.models import Notification, NotificationSettings  # noqa: PLC0415

    if not recipient_ids:
        return
    process = project.edition.process
    data = {"title": project.title, "process": process.title, "news": news.title,
            "excerpt": plain_text(news.body)[:EXCERPT_CHARACTERS]}
    rows = Notification.objects.bulk_create([
        Notification(recipient_id=pk, kind=NEWS_KIND, data=data, url=_project_path(project), process=process)
        for pk in recipient_ids
    ])
    later = set(NotificationSettings.objects.filter(user_id__in=recipient_ids).exclude(
        email_frequency=NotificationSettings.Frequency.IMMEDIATE).values_list("user_id", flat=True))
    for row in rows:
        if row.recipient_id not in later:
            transaction.on_commit(partial(tasks.notification_email_send.delay, row.pk))


def project_news_publish(*, project: Project, actor, title: str, body: str, photo=None,
                         photo_alt: str = "") -> ProjectNews:
    """Publish news about a winning project (with an optional photo, stripped of its metadata) to its supporters."""
    staff_check(actor)
    title = (title or "").strip()
    if not title:
        raise Invalid("title_required", _("Give the news a title."))
    body = html_clean(body or "")
    if html_is_empty(body):
        raise Invalid("body_required", _("Write the news."))
    photo_alt = (photo_alt or "").strip()
    clean = None
    if photo is not None:
        if not photo_alt:
            raise Invalid("photo_alt_required", _("Describe the photo for people who cannot see it."))
        clean = upload_clean(photo)
        if clean.kind != "image":
            raise Invalid("file_type", _("%(name)s: only JPEG, PNG and WebP images are accepted.")
                          % {"name": clean.original_name})
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("edition__process").get(pk=project.pk)
        _winner_check(project)
        news = ProjectNews(project=project, title=title[:200], body=body, created_by=actor,
                           photo_alt=photo_alt[:250] if clean else "")
        if clean is not None:
            extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[clean.content_type]
            # A random name: the file's path says nothing about the project or the original file.
            news.photo.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(clean.content), save=False)
        recipient_ids = news_recipient_ids(project, exclude={actor.pk})
        news.recipients = len(recipient_ids)
        news.save()
        _news_notify(project=project, news=news, recipient_ids=recipient_ids)
        city_audit_record(actor=actor, action="budget.project.news", target=project, news=news.pk,
                          recipients=news.recipients)
    return news


# --- Satisfaction -------------------------------------------------------------------------------------


def satisfaction_answer(*, edition: Edition, respondent, score: int, would_take_part_again: bool,
                        comment: str = "") -> SatisfactionAnswer:
    """One answer per person to the edition's satisfaction survey, while it is open."""
    if respondent is None or not respondent.is_authenticated:
        raise NotAllowed("login_required", _("Sign in to answer the survey."))
    if not Edition.objects.filter(pk=edition.pk, satisfaction_open=True).exists():
        raise NotAllowed("survey_closed", _("The satisfaction survey is not open."))
    score = _whole(score, code="score", message=_("Choose a score from 1 to 5."), low=1, high=5)
    if SatisfactionAnswer.objects.filter(edition=edition, respondent=respondent).exists():
        raise NotAllowed("already_answered", _("You have already answered, thank you."))
    try:
        with transaction.atomic():
            return SatisfactionAnswer.objects.create(edition=edition, respondent=respondent, score=score,
                                                     would_take_part_again=bool(would_take_part_again),
                                                     comment=(comment or "").strip()[:2000])
    except IntegrityError:  # the same answer sent twice at once: the database kept the first
        raise NotAllowed("already_answered", _("You have already answered, thank you.")) from None
