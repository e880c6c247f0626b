"""Reads of the structure part of the budget module: editions for the staff, ideas under review, projects
and what the public may see of them, and the rules of an edition in plain words."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tenant_apps.budgets.common import BUDGET_KIND, edition_ensure, money, vote_phase
from tenant_apps.budgets.models import BallotKind, Budget, CountingRule, Edition, IdeaReview, Project
from tenant_apps.participation.models import Contribution, Phase, Process
from tenant_apps.participation.permissions import is_staff
from tenant_apps.participation.selectors import modules_enabled
from tenant_apps.participation.state import ProcessState

# --- Editions ---------------------------------------------------------------------------------------------


def edition_list_for_staff() -> list[Process]:
    """Every budget process of the city (drafts too), newest first, with its phases and a few counts."""
    return list(Process.objects.filter(kind=BUDGET_KIND, module__in=modules_enabled())
                .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_at", "position")))
                .annotate(budget_count=Count("budget_edition__budgets", distinct=True),
                          project_count=Count("budget_edition__projects", distinct=True),
                          idea_count=Count("contributions", distinct=True,
                                           filter=Q(contributions__merged_into__isnull=True)))
                .order_by("-created_at", "-id"))


def edition_get_for_staff(*, slug: str) -> Edition:
    """The edition at `slug` whatever its visibility (the caller checks the role after), else 404."""
    process = Process.objects.filter(slug=slug, kind=BUDGET_KIND, module__in=modules_enabled()).first()
    if process is None:
        raise Http404
    return edition_ensure(process)


def budgets_of(edition: Edition) -> list[Budget]:
    return list(edition.budgets.select_related("district").order_by("position", "id"))


def edition_counts(edition: Edition, *, user) -> dict:
    """How many ideas and projects (on the ballot) the edition has, as the public may count them."""
    ideas = Contribution.objects.filter(process_id=edition.process_id, merged_into__isnull=True, is_hidden=False)
    if not is_staff(user):
        ideas = ideas.filter(Q(status__isnull=True) | Q(status__is_public=True))
    projects = project_queryset(edition, user=user)
    return {"ideas": ideas.count(), "projects": projects.count(),
            "on_ballot": projects.filter(state=Project.State.ON_BALLOT).count()}


# --- Review -----------------------------------------------------------------------------------------------

REVIEW_FILTERS = {
    "pending": Q(budget_review__isnull=True) | Q(budget_review__admissibility=""),
    "admissible": Q(budget_review__admissibility=IdeaReview.Admissibility.ADMISSIBLE),
    "not_admissible": Q(budget_review__admissibility=IdeaReview.Admissibility.NOT_ADMISSIBLE),
    "to_study": Q(budget_review__admissibility=IdeaReview.Admissibility.ADMISSIBLE, budget_review__feasibility=""),
    "feasible": Q(budget_review__feasibility=IdeaReview.Feasibility.FEASIBLE),
    "not_feasible": Q(budget_review__feasibility=IdeaReview.Feasibility.NOT_FEASIBLE),
    "in_project": Q(budget_projects__isnull=False),
    "without_project": Q(budget_review__feasibility=IdeaReview.Feasibility.FEASIBLE, budget_projects__isnull=True),
}


def idea_review_list(*, edition: Edition, state: str = "", district: str = "", q: str = "") -> QuerySet:
    """The edition's ideas (not duplicates, not hidden) with their review and project, oldest first."""
    qs = (Contribution.objects.filter(process_id=edition.process_id, merged_into__isnull=True, is_hidden=False)
          .select_related("status", "district", "author", "budget_review", "budget_review__department")
          .prefetch_related(Prefetch("budget_projects", queryset=Project.objects.only("id", "title", "edition_id"))))
    if state in REVIEW_FILTERS:
        qs = qs.filter(REVIEW_FILTERS[state]).distinct()
    if district:
        qs = qs.filter(district__slug=district)
    if q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(pk=int(q)) if q.strip().isdigit()
                       else Q(title__icontains=q.strip()))
    return qs.order_by("created_at", "id")


def idea_get_for_review(*, pk: int) -> Contribution:
    """An idea of a budget process by id (404 if none here); the caller checks the role after."""
    idea = (Contribution.objects.filter(pk=pk, process__kind=BUDGET_KIND)
            .select_related("process", "status", "district", "author", "budget_review").first())
    if idea is None:
        raise Http404
    return idea


def idea_review_of(idea: Contribution) -> IdeaReview | None:
    try:
        return idea.budget_review
    except IdeaReview.DoesNotExist:
        return None


# --- Projects ---------------------------------------------------------------------------------------------


def project_queryset(edition: Edition, *, user) -> QuerySet:
    qs = Project.objects.filter(edition=edition)
    if not is_staff(user):
        qs = qs.exclude(state=Project.State.DRAFT)  # drafts are the staff's work in progress
    return qs


def project_list(*, edition: Edition, user, budget: str = "", district: str = "") -> QuerySet:
    """The projects `user` may see in `edition`, by budget then ballot number."""
    qs = project_queryset(edition, user=user).select_related("budget", "district")
    if budget:
        qs = qs.filter(budget_id=budget)
    if district:
        qs = qs.filter(district__slug=district)
    return qs.order_by("budget__position", "budget_id", "number", "id")


def projects_by_budget(edition: Edition) -> list[dict]:
    """The staff's view: each budget with its projects and their total cost, then the projects without one."""
    projects = list(Project.objects.filter(edition=edition).select_related("budget", "district")
                    .annotate(idea_count=Count("ideas")).order_by("number", "id"))
    groups = []
    for budget in budgets_of(edition):
        rows = [p for p in projects if p.budget_id == budget.pk]
        on_ballot = [p for p in rows if p.state != Project.State.DRAFT]
        groups.append({"budget": budget, "projects": rows, "total": sum(p.cost for p in rows),
                       "on_ballot_total": sum(p.cost for p in on_ballot), "on_ballot_count": len(on_ballot)})
    loose = [p for p in projects if p.budget_id is None]
    if loose:
        groups.append({"budget": None, "projects": loose, "total": sum(p.cost for p in loose),
                       "on_ballot_total": 0, "on_ballot_count": 0})
    return groups


def _process_visible(process: Process, user) -> bool:
    if process.module not in modules_enabled():
        return False
    if process.visibility in (Process.Visibility.PUBLISHED, Process.Visibility.ARCHIVED):
        return True
    return process.visibility == Process.Visibility.DRAFT and is_staff(user)


def project_get_for_user(*, pk: int, user) -> Project:
    """Project `pk` if `user` may see it (its edition visible; drafts: staff and holders), else 404."""
    project = (Project.objects.filter(pk=pk)
               .select_related("edition__process", "budget", "district", "department").first())
    if project is None or not _process_visible(project.edition.process, user):
        raise Http404
    if project.state == Project.State.DRAFT and not is_staff(user) and not (
            user is not None and user.is_authenticated and project.holders.filter(pk=user.pk).exists()):
        raise Http404  # a project being prepared is seen by the staff and its holders (to write the campaign)
    return project


def project_get_for_staff(*, pk: int) -> Project:
    project = Project.objects.filter(pk=pk).select_related("edition__process", "budget", "district").first()
    if project is None or project.edition.process.module not in modules_enabled():
        raise Http404
    return project


def project_ideas(project: Project, *, user) -> list[Contribution]:
    """The ideas the project comes from that `user` may open (public status, not hidden)."""
    qs = project.ideas.select_related("author").order_by("created_at", "id")
    if not is_staff(user):
        qs = qs.filter(Q(status__isnull=True) | Q(status__is_public=True), is_hidden=False)
    return list(qs)


def project_credits(project: Project) -> list[str]:
    """Who the project credits: the authors (and co-authors) of its ideas, by the name they show.

    An author who published anonymously is credited as "a resident", never by name; co-authors, who
    chose to join an idea under their name, are named.
    """
    ideas = list(project.ideas.select_related("author").prefetch_related("coauthors").order_by("created_at", "id"))
    holder_ids = set(project.holders.values_list("pk", flat=True))
    names, seen = [], set()
    anonymous = 0
    for idea in ideas:
        people = [(idea.author, idea.is_anonymous)] if idea.author_id else []
        people += [(person, False) for person in idea.coauthors.all()]
        for person, hidden in people:
            if person.pk in seen or person.pk not in holder_ids:
                continue
            seen.add(person.pk)
            if hidden:
                anonymous += 1
            else:
                names.append(person.full_name or _("a participant"))
    return names + [_("a resident")] * anonymous


def project_review_facts(project: Project) -> dict:
    """Feasibility facts to show on the sheet: the technical opinions of its ideas."""
    reviews = list(IdeaReview.objects.filter(idea__in=project.ideas.all(), feasibility=IdeaReview.Feasibility.FEASIBLE)
                   .exclude(technical_opinion="").select_related("department").order_by("idea_id"))
    return {"opinions": [r.technical_opinion for r in reviews]}


def budget_totals(edition: Edition) -> dict:
    budgets = budgets_of(edition)
    total = sum(b.amount for b in budgets)
    city_wide = sum(b.amount for b in budgets if b.is_city_wide)
    return {"budgets": budgets, "total": total, "city_wide": city_wide, "districts": total - city_wide,
            "spent_projects": Project.objects.filter(edition=edition).aggregate(s=Sum("cost"))["s"] or 0}


# --- Rules in plain words ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetRules:
    budget: Budget
    ballot: list[str]
    counting: str
    threshold: str
    drawn: list[str]


def ballot_rules(budget: Budget) -> list[str]:
    """What a voter must do on this budget's ballot, one plain sentence each."""
    lines = []
    kind = budget.ballot_kind
    low, high = budget.min_choices or 0, budget.max_choices or 0
    if kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        if high and low == high:
            lines.append(ngettext("Choose exactly %(n)s project.", "Choose exactly %(n)s projects.", high)
                         % {"n": high})
        elif high and low:
            lines.append(_("Choose from %(min)s to %(max)s projects.") % {"min": low, "max": high})
        elif high:
            lines.append(ngettext("Choose at most %(n)s project.", "Choose at most %(n)s projects.", high)
                         % {"n": high})
        elif low:
            lines.append(ngettext("Choose at least %(n)s project.", "Choose at least %(n)s projects.", low)
                         % {"n": low})
        else:
            lines.append(_("Choose as many projects as you like."))
    if kind == BallotKind.KNAPSACK:
        lines.append(_("Your basket must not exceed %(amount)s.") % {"amount": money(budget.amount)})
        if budget.min_share_percent:
            lines.append(_("Your basket must use at least %(percent)s %% of the envelope, that is %(amount)s.")
                         % {"percent": budget.min_share_percent,
                            "amount": money(budget.amount * budget.min_share_percent // 100)})
    elif kind == BallotKind.CUMULATIVE:
        lines.append(ngettext("Share out up to %(total)s point among the projects.",
                              "Share out up to %(total)s points among the projects.", budget.max_total_points)
                     % {"total": budget.max_total_points})
        lines.append(ngettext("Give a project %(n)s point at most.", "Give a project %(n)s points at most.",
                              budget.max_points_per_project) % {"n": budget.max_points_per_project})
    elif kind == BallotKind.ORDINAL:
        points = list(budget.points_by_rank or ())
        lines.append(ngettext("Rank your favourite project.", "Rank up to %(n)s projects, your favourite first.",
                              len(points)) % {"n": len(points)})
        lines.append(_("Points by rank: %(points)s.") % {"points": ", ".join(
            _("%(points)s for rank %(rank)s") % {"points": p, "rank": r} for r, p in enumerate(points, start=1))})
    elif kind == BallotKind.MAJORITY_JUDGMENT:
        lines.append(_("Give every project a grade: %(grades)s.") % {"grades": ", ".join(
            f"« {g} »".replace("« ", "«\u00a0").replace(" »", "\u00a0»") for g in budget.grades or ())})
    return lines


COUNTING_EXPLANATIONS = {
    CountingRule.GREEDY: _("Projects are ranked by number of votes. Starting from the most voted, each project is "
                           "funded if it still fits in what is left of the envelope; a project too expensive for "
                           "what is left is skipped and the next ones are considered."),
    CountingRule.GREEDY_NO_SKIP: _("Projects are ranked by number of votes. Starting from the most voted, projects "
                                   "are funded in that order; counting stops at the first project that no longer "
                                   "fits in what is left of the envelope."),
    CountingRule.GREEDY_THRESHOLD: _("Projects are ranked by number of votes. Only projects that reach the minimum "
                                     "number of votes can be funded; starting from the most voted, each is funded if "
                                     "it still fits in what is left of the envelope."),
    CountingRule.MES: _("Method of Equal Shares: the envelope is shared equally among the voters. A project is "
                        "funded when its supporters can pay for it together from their shares; projects that "
                        "give the most to each euro of their supporters come first. Groups of voters thus get "
                        "projects in proportion to their size."),
    CountingRule.MES_ADD1: _("Method of Equal Shares: the envelope is shared equally among the voters, and a "
                             "project is funded when its supporters can pay for it together from their shares. If "
                             "money is left, each voter's share is raised one euro at a time and the method run "
                             "again, as long as the result stays within the envelope."),
    CountingRule.MES_ADD1_UTILITARIAN: _("Method of Equal Shares, completed by raising each voter's share one euro "
                                         "at a time; what is still left is then given to the most voted projects "
                                         "that fit."),
    CountingRule.MES_ADD1_COMPARISON: _("Method of Equal Shares, completed by raising each voter's share one euro at "
                                        "a time, then compared with funding the most voted projects first: if a "
                                        "majority of voters prefers the latter, it is kept."),
    CountingRule.MAJORITY_JUDGMENT: _("Each project gets the grade that a majority of voters gave it or better (its "
                                      "majority grade). Projects are ranked by majority grade, ties broken by the "
                                      "usual majority judgment rule, then funded in that order while they fit in "
                                      "the envelope."),
}

TIE_RULE = _("When two projects are tied, the less expensive one comes first; if they cost the same, the one with "
             "more votes; if they are still tied, the order drawn by lot before the count, shown below.")


def rules_for(edition: Edition, budgets: list[Budget], *, titles: dict[int, str]) -> list[BudgetRules]:
    items = []
    for budget in budgets:
        threshold = ""
        if budget.threshold:
            threshold = ngettext("A project needs at least %(n)s vote to be funded.",
                                 "A project needs at least %(n)s votes to be funded.", budget.threshold) \
                % {"n": budget.threshold}
        drawn = [titles.get(pk, "") for pk in budget.drawn_order or () if pk in titles]
        items.append(BudgetRules(budget, ballot_rules(budget), str(COUNTING_EXPLANATIONS.get(budget.counting_rule, "")),
                                 threshold, drawn))
    return items


def frozen_sentence(state: ProcessState) -> str:
    """"These rules are frozen since the vote opened on …", or what will freeze them and when."""
    phase = vote_phase(state)
    if phase is None:
        return ""
    day = date_format(localtime(phase.starts_at), "j F Y")
    if phase.starts_at <= state.at:
        return _("These rules are frozen since the vote opened on %(date)s.") % {"date": day}
    return _("These rules may still change until the vote opens on %(date)s; they are then frozen.") % {"date": day}


def who_may_vote(edition: Edition, state: ProcessState) -> list[str]:
    """Who may vote, from the identity app's rules when it is installed, and the scope of the vote."""
    lines = []
    phase = vote_phase(state)
    try:
        from tenant_apps.identity.eligibility import eligibility_summary
    except ImportError:  # the identity app is optional for this module
        lines.append(_("Anyone with an account can take part."))
    else:
        lines.extend(eligibility_summary(edition.process, phase))
    if edition.voting_scope == Edition.VotingScope.ONE_DISTRICT:
        lines.append(_("You vote in every city-wide budget and in the budget of one district of your choice."))
    else:
        lines.append(_("You may vote in every budget: city-wide and every district."))
    lines.append(_("One ballot per person and per budget, online or on paper at a polling place; you can change "
                   "your online ballot until the vote closes."))
    return lines
