"""Structuring an edition: scope, rules, envelopes and their ballots, projects on the ballot, the drawn order.

Everything that shapes the vote is refused once voting has opened (the rules are frozen); the
drawn order that breaks ties is drawn once, before counting, and published on the rules page.
"""

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets.common import rules_frozen
from tenant_apps.budgets.models import AdmissibilityCriterion, BallotKind, Budget, CountingRule, Edition, Project
from tenant_apps.participation.models import Contribution, District
from tenant_apps.participation.permissions import staff_check
from tenant_apps.participation.richtext import html_clean

BUDGET_FIELDS = ("name", "district", "amount", "ballot_kind", "min_choices", "max_choices", "max_points_per_project",
                 "max_total_points", "points_by_rank", "grades", "min_share_percent", "counting_rule", "threshold")
DEFAULT_GRADES = ("Très bien", "Bien", "Assez bien", "Passable", "Insuffisant", "À rejeter")
DEFAULT_POINTS_BY_RANK = (3, 2, 1)


def _admin_check(actor) -> None:
    staff_check(actor)
    if actor.role != "city_admin":
        raise NotAllowed("admins_only", _("Only the city's administrators can do this."))


def _not_frozen(edition: Edition) -> None:
    if rules_frozen(edition):
        raise NotAllowed("rules_frozen", _("Voting has opened: the rules of this edition can no longer change."))


def edition_update(*, edition: Edition, actor, **fields) -> Edition:
    """Scope of the vote, rules text and what the public sees; scope and rules freeze when voting opens."""
    _admin_check(actor)
    allowed = {"voting_scope", "rules_text", "show_tallies_during_vote", "show_turnout_publicly", "satisfaction_open"}
    unknown = set(fields) - allowed
    if unknown:
        raise Invalid("unknown_field", _("Unknown setting(s): %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if {"voting_scope", "rules_text"} & {k for k, v in fields.items() if getattr(edition, k) != v}:
            _not_frozen(edition)
        if "voting_scope" in fields and fields["voting_scope"] not in Edition.VotingScope.values:
            raise Invalid("voting_scope", _("Choose who votes in which budget."))
        if "rules_text" in fields:
            fields["rules_text"] = html_clean(fields["rules_text"])
        for name, value in fields.items():
            setattr(edition, name, value)
        edition.save()
        city_audit_record(actor=actor, action="budget.edition.update", target=edition.process,
                          fields=sorted(fields))
    return edition


def _budget_clean(edition: Edition, values: dict, *, instance: Budget | None = None) -> dict:
    values = {k: v for k, v in values.items() if k in BUDGET_FIELDS}
    merged = {f: getattr(instance, f) if instance else None for f in BUDGET_FIELDS}
    merged.update(values)
    if not (merged.get("name") or "").strip():
        raise Invalid("name_required", _("Give the budget a name."))
    amount = merged.get("amount")
    if not isinstance(amount, int) or amount <= 0:
        raise Invalid("amount", _("The envelope must be a positive whole number of euros."))
    district = merged.get("district")
    if district is not None and not isinstance(district, District):
        raise Invalid("district", _("Unknown district."))
    kind = merged.get("ballot_kind") or BallotKind.APPROVAL
    if kind not in BallotKind.values:
        raise Invalid("ballot_kind", _("Unknown kind of ballot."))
    rule = merged.get("counting_rule") or CountingRule.GREEDY
    if rule not in CountingRule.values:
        raise Invalid("counting_rule", _("Unknown counting method."))
    if (kind == BallotKind.MAJORITY_JUDGMENT) != (rule == CountingRule.MAJORITY_JUDGMENT):
        raise Invalid("counting_rule", _("Majority judgment ballots are counted by majority judgment, and only "
                                         "they are."))
    min_choices, max_choices = merged.get("min_choices"), merged.get("max_choices")
    if min_choices is not None and max_choices and min_choices > max_choices:
        raise Invalid("choices", _("The minimum number of projects is above the maximum."))
    if kind == BallotKind.ORDINAL and not merged.get("points_by_rank"):
        values["points_by_rank"] = list(DEFAULT_POINTS_BY_RANK)
    if kind == BallotKind.ORDINAL and any(
            int(a) < int(b) for a, b in zip(values.get("points_by_rank") or merged["points_by_rank"],
                                            (values.get("points_by_rank") or merged["points_by_rank"])[1:],
                                            strict=False)):
        raise Invalid("points_by_rank", _("Points by rank must not increase from one rank to the next."))
    if kind == BallotKind.MAJORITY_JUDGMENT and len(merged.get("grades") or values.get("grades") or []) < 2:
        values["grades"] = list(DEFAULT_GRADES)
    if kind == BallotKind.CUMULATIVE:
        per, total = merged.get("max_points_per_project") or 0, merged.get("max_total_points") or 0
        if per < 1 or total < 1 or per > total:
            raise Invalid("points", _("Points per project must be at least 1 and at most the points to share out."))
    if "name" in values:
        values["name"] = values["name"].strip()
    qs = Budget.objects.filter(edition=edition, district=district) if district else None
    if qs is not None and instance is not None:
        qs = qs.exclude(pk=instance.pk)
    if qs is not None and qs.exists():
        raise Invalid("district_taken", _("This district already has a budget in this edition."))
    return values


def budget_create(*, edition: Edition, actor, **values) -> Budget:
    """Add an envelope (city-wide when no district) with its ballot and counting rules."""
    _admin_check(actor)
    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=edition.pk)
        _not_frozen(edition)
        values = _budget_clean(edition, values)
        position = Budget.objects.filter(edition=edition).count()
        budget = Budget.objects.create(edition=edition, position=position, **values)
        city_audit_record(actor=actor, action="budget.create", target=budget, name=budget.name,
                          amount=budget.amount)
    return budget


def budget_update(*, budget: Budget, actor, **values) -> Budget:
    _admin_check(actor)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().select_related("edition__process").get(pk=budget.pk)
        _not_frozen(budget.edition)
        values = _budget_clean(budget.edition, values, instance=budget)
        for name, value in values.items():
            setattr(budget, name, value)
        budget.save()
        city_audit_record(actor=actor, action="budget.update", target=budget, fields=sorted(values))
    return budget


def budget_delete(*, budget: Budget, actor) -> None:
    _admin_check(actor)
    with transaction.atomic():
        _not_frozen(budget.edition)
        if budget.ballots.exists():
            raise NotAllowed("has_ballots", _("This budget has ballots: it cannot be deleted."))
        city_audit_record(actor=actor, action="budget.delete", target=budget, name=budget.name)
        budget.delete()


def criterion_save(*, edition: Edition, actor, label: str, help_text: str = "",
                   criterion: AdmissibilityCriterion | None = None) -> AdmissibilityCriterion:
    """Add or edit a line of the admissibility checklist (published with the rules)."""
    _admin_check(actor)
    label = (label or "").strip()
    if not label:
        raise Invalid("label_required", _("Write the criterion."))
    with transaction.atomic():
        if criterion is None:
            criterion = AdmissibilityCriterion(edition=edition, position=edition.criteria.count())
        elif criterion.edition_id != edition.pk:
            raise Invalid("criterion", _("Unknown criterion."))
        criterion.label, criterion.help_text = label[:200], (help_text or "").strip()[:400]
        criterion.save()
        city_audit_record(actor=actor, action="budget.criterion.save", target=edition.process, label=label)
    return criterion


def project_create(*, edition: Edition, actor, title: str, cost: int, ideas: Iterable[Contribution] = (),
                   budget: Budget | None = None, summary: str = "", body: str = "", **extra) -> Project:
    """A project from one or several ideas of the edition (or none), crediting their authors and co-authors."""
    staff_check(actor)
    ideas = list(ideas)
    title = (title or "").strip()
    if not title:
        raise Invalid("title_required", _("Give the project a title."))
    if not isinstance(cost, int) or cost <= 0:
        raise Invalid("cost", _("The cost must be a positive whole number of euros."))
    if any(idea.process_id != edition.process_id for idea in ideas):
        raise Invalid("idea_elsewhere", _("An idea belongs to another process."))
    if budget is not None and budget.edition_id != edition.pk:
        raise Invalid("budget", _("This budget belongs to another edition."))
    allowed_extra = {"delay_months", "department", "district", "latitude", "longitude", "image", "image_alt"}
    if set(extra) - allowed_extra:
        raise Invalid("unknown_field", _("Unknown setting(s): %(keys)s.") % {"keys": ", ".join(sorted(extra))})
    with transaction.atomic():
        project = Project.objects.create(edition=edition, budget=budget, title=title[:200], cost=cost,
                                         summary=(summary or "").strip()[:400], body=html_clean(body), **extra)
        project.ideas.set(ideas)
        holders = {idea.author_id for idea in ideas if idea.author_id}
        for idea in ideas:
            holders.update(idea.coauthors.values_list("pk", flat=True))
        project.holders.set(holders)
        city_audit_record(actor=actor, action="budget.project.create", target=project, title=project.title,
                          ideas=[idea.pk for idea in ideas])
    return project


def project_update(*, project: Project, actor, **fields) -> Project:
    """Staff edit a project; what the ballot shows (budget, cost, title) freezes when voting opens."""
    staff_check(actor)
    allowed = {"title", "summary", "body", "cost", "budget", "delay_months", "department", "district", "latitude",
               "longitude", "image", "image_alt"}
    if set(fields) - allowed:
        raise Invalid("unknown_field", _("Unknown setting(s): %(keys)s.")
                      % {"keys": ", ".join(sorted(set(fields) - allowed))})
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("edition__process").get(pk=project.pk)
        changed = {k for k, v in fields.items() if getattr(project, k) != v}
        if changed & {"title", "cost", "budget"} and project.state != Project.State.DRAFT:
            _not_frozen(project.edition)
        if "cost" in fields and (not isinstance(fields["cost"], int) or fields["cost"] <= 0):
            raise Invalid("cost", _("The cost must be a positive whole number of euros."))
        budget = fields.get("budget")
        if budget is not None and budget.edition_id != project.edition_id:
            raise Invalid("budget", _("This budget belongs to another edition."))
        if "body" in fields:
            fields["body"] = html_clean(fields["body"])
        for name, value in fields.items():
            setattr(project, name, value)
        project.save()
        city_audit_record(actor=actor, action="budget.project.update", target=project, fields=sorted(changed))
    return project


def project_put_on_ballot(*, project: Project, actor, on_ballot: bool = True) -> Project:
    """Put a project on its budget's ballot (numbered in order), or take it off before voting opens."""
    staff_check(actor)
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("edition__process").get(pk=project.pk)
        _not_frozen(project.edition)
        if on_ballot:
            if project.budget_id is None:
                raise Invalid("budget_required", _("Choose the budget of this project first."))
            if project.cost > project.budget.amount:
                raise Invalid("over_envelope", _("This project costs more than its budget's envelope."))
            last = (Project.objects.filter(budget=project.budget, number__isnull=False)
                    .order_by("-number").values_list("number", flat=True).first()) or 0
            project.state, project.number = Project.State.ON_BALLOT, project.number or last + 1
        else:
            project.state, project.number = Project.State.DRAFT, None
        project.save(update_fields=["state", "number", "updated_at"])
        city_audit_record(actor=actor, action="budget.project.ballot", target=project, on_ballot=on_ballot)
    return project


def drawn_order_draw(*, budget: Budget, actor) -> Budget:
    """Draw, once, the order that breaks the last ties, among the projects on the ballot; published."""
    _admin_check(actor)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        if budget.drawn_at is not None:
            raise NotAllowed("already_drawn", _("The order was already drawn on %(date)s.")
                             % {"date": timezone.localtime(budget.drawn_at).strftime("%d/%m/%Y %H:%M")})
        ids = list(budget.projects.filter(state=Project.State.ON_BALLOT).values_list("pk", flat=True))
        if not ids:
            raise Invalid("no_projects", _("Put projects on the ballot before drawing their order."))
        rng = secrets.SystemRandom()
        rng.shuffle(ids)
        budget.drawn_order, budget.drawn_at = ids, timezone.now()
        budget.save(update_fields=["drawn_order", "drawn_at"])
        city_audit_record(actor=actor, action="budget.draw", target=budget, order=ids)
    return budget

