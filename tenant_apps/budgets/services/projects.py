"""Review of ideas (admissibility, then feasibility) and projects made from them, with their kernel statuses.

Every decision moves the idea's kernel status through `contribution_status_change`, so the author (and
the followers) are told through the notifications app, with the reasoned answer as the message.

Statuses of source ideas (decided for this module):
- a project made from one idea leaves it "feasible" until the project goes on the ballot;
- a project made from several ideas gives each of them "merged" (the message names the project), so
  every author learns where their idea went;
- when the project goes on the ballot, every source idea becomes "on_ballot"; taken off the ballot,
  they go back to "merged" (several ideas) or "feasible" (one idea).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets.common import BUDGET_KIND, edition_ensure, vote_closed
from tenant_apps.budgets.models import Edition, IdeaReview, Project
from tenant_apps.budgets.services.editions import project_create, project_put_on_ballot, project_update
from tenant_apps.participation.models import Contribution, Status
from tenant_apps.participation.permissions import staff_check
from tenant_apps.participation.richtext import html_clean, html_is_empty, plain_text
from tenant_apps.participation.services import contribution_status_change

CAMPAIGN_MAX = 20_000


def _status(key: str) -> Status:
    status = Status.objects.filter(process_kind=BUDGET_KIND, key=key).first()
    if status is None:
        raise Invalid("status_missing", _("The status “%(key)s” of participatory budgets is missing: restore it in "
                                          "the statuses of the back-office.") % {"key": key})
    return status


def _status_move(idea: Contribution, key: str, *, actor, message: str = "") -> None:
    """Move the idea to the status `key`, unless it is there already (nobody is told twice)."""
    status = _status(key)
    if idea.status_id != status.pk:
        contribution_status_change(contribution=idea, status=status, actor=actor, message=message)
        idea.status = status


def _idea_of_edition(idea: Contribution, edition: Edition | None = None) -> None:
    if idea.process.kind != BUDGET_KIND:
        raise Invalid("not_budget", _("This contribution is not an idea of a participatory budget."))
    if edition is not None and idea.process_id != edition.process_id:
        raise Invalid("idea_elsewhere", _("An idea belongs to another process."))
    if idea.merged_into_id:
        raise Invalid("idea_merged", _("This idea was merged as a duplicate into another one: review that one."))


def _not_in_project(idea: Contribution) -> None:
    if idea.budget_projects.exists():
        raise NotAllowed("idea_in_project", _("This idea is already part of a project: its review can no longer "
                                              "change."))


def idea_admissibility_decide(*, idea: Contribution, actor, checklist: dict, admissible: bool,
                              reason: str = "") -> IdeaReview:
    """Record the checklist and the decision, and tell the author (the reasoned answer is the status message)."""
    staff_check(actor)
    _idea_of_edition(idea)
    reason = plain_text(reason or "")
    edition = edition_ensure(idea.process)
    criteria = {str(c.pk): c for c in edition.criteria.all()}
    answers = {str(k): v for k, v in (checklist or {}).items()}
    if set(answers) - set(criteria):
        raise Invalid("criterion", _("Unknown criterion."))
    missing = [c.label for key, c in criteria.items() if not isinstance(answers.get(key), bool)]
    if missing:
        raise Invalid("checklist_incomplete", _("Answer every criterion of the checklist: %(labels)s.")
                      % {"labels": ", ".join(missing)})
    failed = [criteria[key].label for key, value in answers.items() if value is False]
    if admissible and failed:
        raise Invalid("criterion_failed", _("An idea that does not meet a criterion cannot be admissible: "
                                            "%(labels)s.") % {"labels": ", ".join(failed)})
    if not admissible and not reason:
        raise Invalid("reason_required", _("Explain to the author why the idea is not admissible."))
    if len(reason) > 2000:
        raise Invalid("reason_too_long", _("The reasoned answer is too long (2,000 characters at most)."))
    with transaction.atomic():
        idea = Contribution.objects.select_for_update(of=("self",)).select_related("process", "status").get(pk=idea.pk)
        _not_in_project(idea)
        review, _created = IdeaReview.objects.select_for_update().get_or_create(idea=idea)
        review.checklist = answers
        review.admissibility = IdeaReview.Admissibility.ADMISSIBLE if admissible else \
            IdeaReview.Admissibility.NOT_ADMISSIBLE
        review.admissibility_reason = reason
        review.admissibility_by, review.admissibility_at = actor, timezone.now()
        if not admissible:  # a feasibility study of an inadmissible idea means nothing any more
            review.feasibility, review.feasibility_at, review.feasibility_by = "", None, None
        review.save()
        _status_move(idea, "admissible" if admissible else "not_admissible", actor=actor, message=reason)
        city_audit_record(actor=actor, action="budget.idea.admissibility", target=idea, admissible=admissible,
                          failed=failed)
    return review


def idea_feasibility_decide(*, idea: Contribution, actor, feasible: bool, estimated_cost: int | None = None,
                            delay_months: int | None = None, department=None,
                            technical_opinion: str = "") -> IdeaReview:
    """The departments' study of an admissible idea: cost, delay, department, opinion; tells the author."""
    staff_check(actor)
    _idea_of_edition(idea)
    opinion = plain_text(technical_opinion or "")
    if feasible and (not isinstance(estimated_cost, int) or isinstance(estimated_cost, bool) or estimated_cost <= 0):
        raise Invalid("cost_required", _("Give the cost estimate of a feasible idea, in whole euros."))
    if estimated_cost is not None and (not isinstance(estimated_cost, int) or estimated_cost < 0):
        raise Invalid("cost", _("The cost must be a positive whole number of euros."))
    if delay_months is not None and (not isinstance(delay_months, int) or not 0 <= delay_months <= 240):
        raise Invalid("delay", _("The time to build must be between 0 and 240 months."))
    if not feasible and not opinion:
        raise Invalid("opinion_required", _("Explain to the author why the idea is not feasible."))
    if len(opinion) > 5000:
        raise Invalid("opinion_too_long", _("The technical opinion is too long (5,000 characters at most)."))
    with transaction.atomic():
        idea = Contribution.objects.select_for_update(of=("self",)).select_related("process", "status").get(pk=idea.pk)
        _not_in_project(idea)
        review = IdeaReview.objects.select_for_update().filter(idea=idea).first()
        if review is None or review.admissibility != IdeaReview.Admissibility.ADMISSIBLE:
            raise NotAllowed("not_admissible", _("Only an admissible idea can be studied for feasibility."))
        review.feasibility = IdeaReview.Feasibility.FEASIBLE if feasible else IdeaReview.Feasibility.NOT_FEASIBLE
        review.estimated_cost, review.delay_months = estimated_cost, delay_months
        review.department, review.technical_opinion = department, opinion
        review.feasibility_by, review.feasibility_at = actor, timezone.now()
        review.save()
        _status_move(idea, "feasible" if feasible else "not_feasible", actor=actor, message=opinion)
        city_audit_record(actor=actor, action="budget.idea.feasibility", target=idea, feasible=feasible,
                          cost=estimated_cost)
    return review


def project_from_ideas(*, edition: Edition, actor, ideas, title: str, cost: int, budget=None, summary: str = "",
                       body: str = "", **extra) -> Project:
    """A project from feasible ideas of the edition; several ideas are "merged" into it, every author credited."""
    staff_check(actor)
    ideas = list(ideas)
    if not ideas:
        raise Invalid("ideas_required", _("Choose at least one feasible idea."))
    if len({idea.pk for idea in ideas}) != len(ideas):
        raise Invalid("ideas_twice", _("An idea is chosen twice."))
    with transaction.atomic():
        locked = list(Contribution.objects.select_for_update(of=("self",)).select_related("process", "status")
                      .filter(pk__in=[idea.pk for idea in ideas]).order_by("pk"))
        reviews = {r.idea_id: r for r in IdeaReview.objects.filter(idea__in=locked)}
        for idea in locked:
            _idea_of_edition(idea, edition)
            review = reviews.get(idea.pk)
            if review is None or review.feasibility != IdeaReview.Feasibility.FEASIBLE:
                raise Invalid("idea_not_feasible", _("“%(title)s” is not feasible (or not studied yet).")
                              % {"title": idea.title})
            if idea.budget_projects.exists():
                raise Invalid("idea_in_project", _("“%(title)s” is already part of a project.") % {"title": idea.title})
        project = project_create(edition=edition, actor=actor, title=title, cost=cost, ideas=locked, budget=budget,
                                 summary=summary, body=body, **extra)
        if len(locked) > 1:
            message = _("Your idea is merged with others into the project “%(title)s”; every author is credited.") \
                % {"title": project.title}
            for idea in locked:
                _status_move(idea, "merged", actor=actor, message=message)
    return project


def project_ballot_set(*, project: Project, actor, on_ballot: bool) -> Project:
    """Put a project on the ballot (its ideas become "on_ballot", their authors told) or take it off."""
    with transaction.atomic():
        project = project_put_on_ballot(project=project, actor=actor, on_ballot=on_ballot)
        ideas = list(project.ideas.select_related("process", "status").order_by("pk"))
        if on_ballot:
            message = _("The project “%(title)s” is on the ballot.") % {"title": project.title}
            for idea in ideas:
                _status_move(idea, "on_ballot", actor=actor, message=message)
        else:
            for idea in ideas:
                _status_move(idea, "merged" if len(ideas) > 1 else "feasible", actor=actor)
    return project


def project_image_set(*, project: Project, actor, upload=None, alt: str = "", remove: bool = False) -> Project:
    """Set (re-encoded, metadata stripped) or remove the project's photo; a photo needs a text alternative."""
    from django.core.files.base import ContentFile

    from tenant_apps.participation.uploads import upload_clean

    staff_check(actor)
    alt = " ".join((alt or "").split())[:250]
    if remove:
        with transaction.atomic():
            project = Project.objects.select_for_update().get(pk=project.pk)
            if project.image:
                project.image.delete(save=False)
            project.image, project.image_alt = "", ""
            project.save(update_fields=["image", "image_alt", "updated_at"])
            city_audit_record(actor=actor, action="budget.project.photo", target=project, removed=True)
        return project
    if upload is None:
        if alt:
            return project_update(project=project, actor=actor, image_alt=alt)
        return project
    clean = upload_clean(upload)
    if clean.kind != "image":
        raise Invalid("file_type", _("The photo must be a JPEG, PNG or WebP image."))
    if not alt:
        raise Invalid("alt_required", _("Describe the photo for people who cannot see it."))
    extension = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}[clean.content_type]
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        old = project.image.name if project.image else ""
        project.image.save(f"projet{extension}", ContentFile(clean.content), save=False)
        project.image_alt = alt
        project.save(update_fields=["image", "image_alt", "updated_at"])
        city_audit_record(actor=actor, action="budget.project.photo", target=project)
    if old:
        project.image.storage.delete(old)
    return project


def campaign_update(*, project: Project, actor, text: str) -> Project:
    """A holder writes the campaign text (sanitised), until the vote closes."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("login_required", _("Sign in to take part."))
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("edition__process").get(pk=project.pk)
        if not project.holders.filter(pk=actor.pk).exists():
            raise NotAllowed("not_holder", _("Only the holders of this project can write its campaign."))
        if project.state not in (Project.State.DRAFT, Project.State.ON_BALLOT):
            raise NotAllowed("campaign_closed", _("The campaign of this project is over."))
        if vote_closed(project.edition):
            raise NotAllowed("campaign_closed", _("The vote is closed: the campaign can no longer change."))
        text = html_clean(text or "")
        if len(text) > CAMPAIGN_MAX:
            raise Invalid("campaign_too_long", _("The campaign text is too long."))
        project.campaign_text = "" if html_is_empty(text) else text
        project.campaign_updated_at = timezone.now()
        project.save(update_fields=["campaign_text", "campaign_updated_at", "updated_at"])
        city_audit_record(actor=actor, action="budget.project.campaign", target=project)
    return project

