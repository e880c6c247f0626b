"""Reads of the last two phases of an edition: the follow-up of the winners and the evaluation.

Only reads live here (the writes are in services/realisation.py). Every figure is computed by the
database in a fixed number of queries, whatever the size of the edition.

Choices the evaluation makes, so that its figures can be checked:
- A voter is a person who has a "has voted" mark, counted once across the edition's budgets: known by
  their identity key when they have one (paper and verified online votes), else by their account.
  Imported marks identify nobody: each counts as one voter.
- Turnout by district counts the marks of each district's budget, that is where people chose to vote.
  The district where they live is optional profile data most voters never give; a mark in a district
  budget exists for every vote. City-wide budgets have their own row in the turnout by budget.
- Turnout by age range uses the age range kept with each mark (never linked to a ballot); a mark
  without one falls in the "not given" bucket.
- The funnel counts ideas for its first three steps and projects for the last three (several ideas
  can make one project). An idea counts as admissible (feasible) when its review says so or, with no
  decision recorded in a review, when its kernel status is one that comes after that step.
"""

from dataclasses import dataclass

from django.db.models import CharField, Count, Prefetch, Q, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenant_apps.budgets.common import BUDGET_KIND, vote_phase
from tenant_apps.budgets.models import (
    Ballot,
    Budget,
    Channel,
    Edition,
    IdeaReview,
    Milestone,
    Project,
    ProjectNews,
    SatisfactionAnswer,
    VoterMark,
)
from tenant_apps.participation.models import Contribution, District
from tenant_apps.participation.permissions import is_staff
from tenant_apps.participation.selectors import process_list
from tenant_apps.participation.state import ProcessState, process_state
from tenant_apps.statistics.models import CitizenProfile

Realisation = Project.Realisation
ON_BALLOT_STATES = (Project.State.ON_BALLOT, Project.State.WINNER, Project.State.NOT_SELECTED)
# Kernel statuses an idea reaches only after being found admissible (resp. feasible).
AFTER_ADMISSIBLE = ("admissible", "feasible", "not_feasible", "on_ballot", "winner", "not_selected", "in_progress",
                    "done")
AFTER_FEASIBLE = ("feasible", "on_ballot", "winner", "not_selected", "in_progress", "done")
FUNNEL_STEPS = (
    ("submitted", gettext_lazy("Ideas submitted")),
    ("admissible", gettext_lazy("Ideas found admissible")),
    ("feasible", gettext_lazy("Ideas found feasible")),
    ("on_ballot", gettext_lazy("Projects on the ballot")),
    ("winners", gettext_lazy("Winning projects")),
    ("delivered", gettext_lazy("Projects delivered")),
)


# --- The follow-up of the winners -----------------------------------------------------------------------


def _with_followup(projects: list[Project]) -> list[Project]:
    """Attach `next_milestone` and `latest_news` to projects whose milestones and news are prefetched."""
    for project in projects:
        milestones = list(project.milestones.all())
        open_ones = [m for m in milestones if m.done_on is None]
        dated = sorted((m for m in open_ones if m.due_on), key=lambda m: (m.due_on, m.position, m.pk))
        project.next_milestone = dated[0] if dated else (open_ones[0] if open_ones else None)
        news = list(project.news.all())
        project.latest_news = news[0] if news else None
    return projects


def _followup_prefetches() -> tuple[Prefetch, Prefetch]:
    return (Prefetch("milestones", queryset=Milestone.objects.order_by("position", "due_on", "id")),
            Prefetch("news", queryset=ProjectNews.objects.order_by("-created_at", "-id")))


def followed_projects(*, edition: Edition, budget: Budget | None = None,
                      district: District | None = None) -> list[Project]:
    """The edition's winning projects with what the follow-up shows (three queries whatever their number)."""
    qs = (Project.objects.filter(edition=edition, state=Project.State.WINNER)
          .select_related("budget__district", "district")
          .prefetch_related(*_followup_prefetches())
          .order_by("budget__position", "budget_id", "number", "id"))
    if budget is not None:
        qs = qs.filter(budget=budget)
    if district is not None:
        qs = qs.filter(Q(district=district) | Q(budget__district=district))
    return _with_followup(list(qs))


def project_followup(project: Project) -> Project | None:
    """A winning project with its milestones and news for its public sheet, else None."""
    if project.state != Project.State.WINNER:
        return None
    return _with_followup([Project.objects.prefetch_related(*_followup_prefetches()).get(pk=project.pk)])[0]


def followup_totals(projects: list[Project]) -> dict:
    return {"count": len(projects), "cost": sum(p.cost for p in projects), "spent": sum(p.spent for p in projects),
            "delivered": sum(1 for p in projects if p.realisation == Realisation.DELIVERED)}


# --- When the evaluation is public ---------------------------------------------------------------------


def evaluation_phase(state: ProcessState):
    """The evaluation phase: the first "information" phase after the realisation (else after the vote)."""
    phases = sorted((*state.past, *state.active, *state.upcoming), key=lambda p: p.position)
    anchors = [p for p in phases if p.type_key == "follow_up"] or [p for p in [vote_phase(state)] if p]
    if not anchors:
        return None
    after = anchors[-1].position
    return next((p for p in phases if p.position > after and p.type_key == "information"), None)


def evaluation_is_public(edition: Edition, state: ProcessState | None = None) -> bool:
    """Public once the evaluation phase has started or the edition is over."""
    state = state or process_state(edition.process)
    if state.is_finished:
        return True
    phase = evaluation_phase(state)
    return phase is not None and phase.starts_at <= state.at


def evaluation_visible(*, edition: Edition, user, state: ProcessState | None = None) -> bool:
    """Staff see the evaluation at any time (to prepare it); the public once it is public."""
    return is_staff(user) or evaluation_is_public(edition, state)


# --- Turnout --------------------------------------------------------------------------------------------


def _person():
    return Coalesce("identity_key", Cast("account_id", CharField()))


def _voters(marks) -> int:
    counts = marks.aggregate(people=Count(_person(), distinct=True),
                             unknown=Count("id", filter=Q(identity_key__isnull=True, account__isnull=True)))
    return counts["people"] + counts["unknown"]


def age_ranges() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in CitizenProfile.AgeRange.choices]


def turnout(edition: Edition) -> dict:
    """Voters of the edition in all, by budget, by district, by age range and by channel."""
    marks = VoterMark.objects.filter(edition=edition)
    voters = _voters(marks)
    budgets = list(Budget.objects.filter(edition=edition).select_related("district").order_by("position", "id"))
    per_budget = dict(marks.values("budget_id").annotate(n=Count("id")).values_list("budget_id", "n"))
    by_budget = [{"budget": b, "label": b.name, "district": b.district, "marks": per_budget.get(b.pk, 0)}
                 for b in budgets]
    by_district = [{"label": row["district"].name, "district": row["district"], "marks": row["marks"]}
                   for row in by_budget if row["district"] is not None]

    age_rows = dict(marks.exclude(identity_key__isnull=True, account__isnull=True).values("age_range")
                    .annotate(n=Count(_person(), distinct=True)).values_list("age_range", "n"))
    for key, n in (marks.filter(identity_key__isnull=True, account__isnull=True).values("age_range")
                   .annotate(n=Count("id")).values_list("age_range", "n")):
        age_rows[key] = age_rows.get(key, 0) + n
    known = age_ranges()
    by_age = [{"key": key, "label": label, "voters": age_rows.get(key, 0)} for key, label in known]
    unknown = sum(n for key, n in age_rows.items() if key not in dict(known))
    by_age.append({"key": "", "label": _("Not given"), "voters": unknown})

    per_channel = dict(marks.values("channel").annotate(n=Count("id")).values_list("channel", "n"))
    by_channel = [{"key": key, "label": str(label), "marks": per_channel.get(key, 0)}
                  for key, label in Channel.choices]

    from tenants.selectors import collectivity_current  # noqa: PLC0415  (public schema, read only)

    collectivity = collectivity_current()
    population = getattr(collectivity, "population", None) or 0
    return {
        "voters": voters, "marks": sum(per_channel.values()),
        "ballots": Ballot.objects.filter(budget__edition=edition).count(),
        "population": population,
        "rate": round(100 * voters / population, 1) if population else None,
        "by_budget": by_budget, "by_district": by_district, "by_age": by_age, "by_channel": by_channel,
    }


# --- Funnel ---------------------------------------------------------------------------------------------


def funnel(edition: Edition) -> list[dict]:
    """From ideas submitted to projects delivered (see the module's docstring for what counts)."""
    reviewed = IdeaReview.Admissibility
    studied = IdeaReview.Feasibility
    ideas = Contribution.objects.filter(process_id=edition.process_id)
    decided_admissibility = Q(budget_review__admissibility__in=[reviewed.ADMISSIBLE, reviewed.NOT_ADMISSIBLE])
    decided_feasibility = Q(budget_review__feasibility__in=[studied.FEASIBLE, studied.NOT_FEASIBLE])
    idea_counts = ideas.aggregate(
        submitted=Count("id", distinct=True),
        admissible=Count("id", distinct=True, filter=Q(budget_review__admissibility=reviewed.ADMISSIBLE)
                         | (~decided_admissibility & Q(status__key__in=AFTER_ADMISSIBLE))),
        # An idea found not admissible is never feasible, whatever status it was moved to afterwards.
        feasible=Count("id", distinct=True, filter=Q(budget_review__feasibility=studied.FEASIBLE)
                       | (~decided_feasibility & ~Q(budget_review__admissibility=reviewed.NOT_ADMISSIBLE)
                          & Q(status__key__in=AFTER_FEASIBLE))),
    )
    project_counts = Project.objects.filter(edition=edition).aggregate(
        on_ballot=Count("id", filter=Q(state__in=ON_BALLOT_STATES)),
        winners=Count("id", filter=Q(state=Project.State.WINNER)),
        delivered=Count("id", filter=Q(state=Project.State.WINNER, realisation=Realisation.DELIVERED)),
    )
    counts = {**idea_counts, **project_counts}
    return [{"key": key, "label": str(label), "count": counts[key]} for key, label in FUNNEL_STEPS]


# --- Comparison with the other editions ----------------------------------------------------------------


def comparison(*, edition: Edition, user) -> list[dict]:
    """Every budget edition of the city the user may see (this one included), oldest first, side by side."""
    processes = list(process_list(user=user, include_drafts=True).filter(kind=BUDGET_KIND))
    if edition.process_id not in {p.pk for p in processes}:
        processes.append(edition.process)
    ids = [p.pk for p in processes]

    def grouped(qs, key, **aggregates):
        return {row[key]: row for row in qs.values(key).annotate(**aggregates).order_by()}

    ideas = grouped(Contribution.objects.filter(process_id__in=ids), "process_id", n=Count("id"))
    marks = grouped(VoterMark.objects.filter(edition__process_id__in=ids), "edition__process_id",
                    people=Count(_person(), distinct=True),
                    unknown=Count("id", filter=Q(identity_key__isnull=True, account__isnull=True)))
    ballots = grouped(Ballot.objects.filter(budget__edition__process_id__in=ids), "budget__edition__process_id",
                      n=Count("id"))
    envelopes = grouped(Budget.objects.filter(edition__process_id__in=ids), "edition__process_id", total=Sum("amount"))
    projects = grouped(Project.objects.filter(edition__process_id__in=ids), "edition__process_id",
                       winners=Count("id", filter=Q(state=Project.State.WINNER)),
                       delivered=Count("id", filter=Q(state=Project.State.WINNER,
                                                      realisation=Realisation.DELIVERED)))
    rows = []
    for process in processes:
        starts = min((p.starts_at for p in process.phases.all()), default=None)
        voter_row = marks.get(process.pk, {})
        project_row = projects.get(process.pk, {})
        winners, delivered = project_row.get("winners", 0), project_row.get("delivered", 0)
        rows.append({
            "process": process, "title": process.title, "starts_at": starts,
            "is_current": process.pk == edition.process_id,
            "ideas": ideas.get(process.pk, {}).get("n", 0),
            "voters": voter_row.get("people", 0) + voter_row.get("unknown", 0),
            "ballots": ballots.get(process.pk, {}).get("n", 0),
            "envelope": envelopes.get(process.pk, {}).get("total") or 0,
            "winners": winners, "delivered": delivered,
            "delivered_percent": round(100 * delivered / winners) if winners else None,
        })
    rows.sort(key=lambda row: (row["starts_at"] is None, row["starts_at"], row["process"].pk))
    return rows


# --- Satisfaction --------------------------------------------------------------------------------------


def satisfaction_summary(edition: Edition) -> dict:
    answers = SatisfactionAnswer.objects.filter(edition=edition)
    totals = answers.aggregate(count=Count("id"), score_sum=Sum("score"),
                               again=Count("id", filter=Q(would_take_part_again=True)))
    count = totals["count"]
    per_score = dict(answers.values("score").annotate(n=Count("id")).values_list("score", "n"))
    return {
        "count": count,
        "average": round(totals["score_sum"] / count, 1) if count else None,
        "again_percent": round(100 * totals["again"] / count) if count else None,
        "by_score": [{"score": score, "count": per_score.get(score, 0)} for score in range(5, 0, -1)],
    }


def satisfaction_answered(*, edition: Edition, user) -> bool:
    return bool(user and user.is_authenticated
                and SatisfactionAnswer.objects.filter(edition=edition, respondent=user).exists())


# --- Everything the evaluation page and its PDF show --------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    edition: Edition
    turnout: dict
    funnel: list[dict]
    comparison: list[dict]
    satisfaction: dict
    delivered: list[Project]
    key_figures: dict


def evaluation_get(*, edition: Edition, user) -> Evaluation:
    """The whole evaluation of an edition (call `evaluation_visible` first)."""
    figures = turnout(edition)
    steps = funnel(edition)
    money = Project.objects.filter(edition=edition, state=Project.State.WINNER).aggregate(
        cost=Sum("cost"), spent=Sum("spent"))
    envelope = Budget.objects.filter(edition=edition).aggregate(total=Sum("amount"))["total"] or 0
    counts = {step["key"]: step["count"] for step in steps}
    key_figures = {
        "envelope": envelope, "ideas": counts["submitted"], "on_ballot": counts["on_ballot"],
        "voters": figures["voters"], "ballots": figures["ballots"], "winners": counts["winners"],
        "delivered": counts["delivered"], "winners_cost": money["cost"] or 0, "spent": money["spent"] or 0,
    }
    delivered = list(Project.objects.filter(edition=edition, state=Project.State.WINNER,
                                            realisation=Realisation.DELIVERED)
                     .select_related("budget", "district").order_by("budget__position", "number", "id"))
    return Evaluation(edition=edition, turnout=figures, funnel=steps, comparison=comparison(edition=edition, user=user),
                      satisfaction=satisfaction_summary(edition), delivered=delivered, key_figures=key_figures)
