"""Counting a budget's ballots with the engine, publishing one result per budget, comparing methods, and
the sentences that explain to the public why each project won or lost.

Counting is allowed once the vote is closed (or on a budget that only holds imported ballots: a past vote
loaded for comparison has nothing left to close). The engine is pure code; this module turns the
database into an `Election` and a `counting.Outcome` back into a `Result` row.
"""

import inspect
import json
import time
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets.common import money, vote_closed, vote_phase
from tenant_apps.budgets.counting import CountingError, Election, Outcome, tally
from tenant_apps.budgets.counting import Project as EngineProject
from tenant_apps.budgets.counting import sentence as engine_sentence
from tenant_apps.budgets.models import (
    Ballot,
    BallotKind,
    Budget,
    Channel,
    CountingRule,
    Edition,
    PaperEntry,
    Project,
    Result,
)
from tenant_apps.participation.models import Status
from tenant_apps.participation.permissions import staff_check
from tenant_apps.participation.state import process_state

# Projects that were on the ballot (their state changes to winner / not selected when a result is published).
COUNTED_STATES = (Project.State.ON_BALLOT, Project.State.WINNER, Project.State.NOT_SELECTED)

# Methods a staff member can compare for each kind of ballot.
RULES_FOR_KIND = {
    BallotKind.MAJORITY_JUDGMENT: (CountingRule.MAJORITY_JUDGMENT,),
}
DEFAULT_RULES = (CountingRule.GREEDY, CountingRule.GREEDY_NO_SKIP, CountingRule.GREEDY_THRESHOLD, CountingRule.MES,
                 CountingRule.MES_ADD1, CountingRule.MES_ADD1_UTILITARIAN, CountingRule.MES_ADD1_COMPARISON)

METHOD_EXPLANATIONS = {
    CountingRule.GREEDY: gettext_lazy(
        "Projects are taken from the most supported to the least supported. Each one is funded if what is left "
        "of the envelope is enough for it; a project that no longer fits is skipped and counting goes on with "
        "the next ones."),
    CountingRule.GREEDY_NO_SKIP: gettext_lazy(
        "Projects are taken from the most supported to the least supported and funded one after the other. "
        "Counting stops at the first project that does not fit in what is left of the envelope."),
    CountingRule.GREEDY_THRESHOLD: gettext_lazy(
        "Projects are taken from the most supported to the least supported. Only projects that reached the "
        "minimum number of votes can be funded; each one is funded if what is left of the envelope is enough."),
    CountingRule.MES: gettext_lazy(
        "Method of Equal Shares: the envelope is shared equally between the voters. A project is funded when its "
        "supporters, paying together from their shares, can cover its cost; the projects that cost each supporter "
        "the least are funded first. A group of voters gets a part of the envelope in proportion to its size."),
    CountingRule.MES_ADD1: gettext_lazy(
        "Method of Equal Shares: the envelope is shared equally between the voters, and a project is funded when "
        "its supporters can pay for it together. To use as much of the envelope as possible, each voter's share "
        "is then raised one euro at a time, as long as the selected projects still fit in the envelope."),
    CountingRule.MES_ADD1_UTILITARIAN: gettext_lazy(
        "Method of Equal Shares, with each voter's share raised one euro at a time to use more of the envelope; "
        "the money still left is then spent on the most supported projects that fit."),
    CountingRule.MES_ADD1_COMPARISON: gettext_lazy(
        "Method of Equal Shares, with each voter's share raised one euro at a time; its result is then compared "
        "with the result by number of votes, and the one more voters prefer is kept."),
    CountingRule.MAJORITY_JUDGMENT: gettext_lazy(
        "Majority judgment: every voter grades each project. Projects are ranked by their majority grade (the "
        "grade that at least half of the voters gave or bettered), then funded in that order while the envelope "
        "allows."),
}

ENGINE_ERRORS = {
    "unknown_project": gettext_lazy("A ballot names a project that is not on this budget's ballot."),
    "invalid_value": gettext_lazy("A ballot holds a value that this kind of ballot does not allow."),
    "rule_not_for_ballot": gettext_lazy("This counting method cannot count this kind of ballot."),
    "grades_missing": gettext_lazy("This budget has no list of grades."),
    "unknown_rule": gettext_lazy("Unknown counting method."),
}


# ---------------------------------------------------------------------------------------------------------
# The engine's view of a budget


def counted_ballots(budget: Budget):
    """Online and imported ballots, and paper ballots whose two entries agreed (void and disputed ones never)."""
    confirmed = PaperEntry.State.CONFIRMED
    return (Ballot.objects.filter(budget=budget)
            .exclude(channel=Channel.PAPER, paper_entry__isnull=False, paper_entry__state__in=[
                s for s in PaperEntry.State.values if s != confirmed]))


def budget_projects(budget: Budget) -> list[Project]:
    """The projects that were on the budget's ballot, in ballot order."""
    return list(Project.objects.filter(budget=budget, state__in=COUNTED_STATES).order_by("number", "id"))


def budget_election(budget: Budget, projects: list[Project] | None = None) -> Election:
    """The budget as the engine counts it: its ballot's projects, its ballots (identical ones grouped with a
    weight, which makes counting a 100 000-ballot vote fast) and its ballot rules."""
    projects = budget_projects(budget) if projects is None else projects
    groups: Counter = Counter()
    for choices in counted_ballots(budget).values_list("choices", flat=True).iterator(chunk_size=5000):
        groups[tuple(sorted((str(k), int(v)) for k, v in (choices or {}).items()))] += 1
    ballots = [dict(key) for key in groups]
    kind = budget.ballot_kind
    cumulative = kind == BallotKind.CUMULATIVE
    return Election(
        budget=int(budget.amount),
        projects=tuple(EngineProject(id=str(p.pk), cost=int(p.cost), name=p.title) for p in projects),
        kind=kind,
        ballots=ballots,
        weights=list(groups.values()),
        min_length=budget.min_choices or None,
        max_length=budget.max_choices or None,
        max_points_per_project=budget.max_points_per_project if cumulative else None,
        max_total_points=budget.max_total_points if cumulative else None,
        points_by_rank=tuple(budget.points_by_rank) if kind == BallotKind.ORDINAL and budget.points_by_rank
        else None,
        grades=tuple(budget.grades) if kind == BallotKind.MAJORITY_JUDGMENT and budget.grades else None,
        min_share=budget.min_share_percent / 100 if kind == BallotKind.KNAPSACK and budget.min_share_percent
        else None,
    )


def rules_for(budget: Budget) -> tuple[str, ...]:
    return RULES_FOR_KIND.get(budget.ballot_kind, DEFAULT_RULES)


# ---------------------------------------------------------------------------------------------------------
# Counting and publishing


def _admin_check(actor) -> None:
    staff_check(actor)
    if actor.role != "city_admin":
        raise NotAllowed("admins_only", _("Only the city's administrators can do this."))


def only_imported(budget: Budget) -> bool:
    """A budget holding imported ballots only: a past vote loaded for comparison, countable at any time."""
    ballots = Ballot.objects.filter(budget=budget)
    return ballots.exists() and not ballots.exclude(channel=Channel.IMPORT).exists()


def _closed_check(budget: Budget) -> None:
    edition = budget.edition
    if vote_closed(edition) or only_imported(budget):
        return
    phase = vote_phase(process_state(edition.process))
    if phase is None:
        raise NotAllowed("no_vote_phase", _("This edition has no vote phase: there is nothing to count."))
    raise NotAllowed("vote_not_closed", _("The vote closes on %(date)s: ballots can only be counted after that.")
                     % {"date": timezone.localtime(phase.ends_at).strftime("%d/%m/%Y %H:%M")})


def _seal(edition: Edition, actor) -> None:
    """Cut the link between online ballots and their voters before anything is counted (voting part)."""
    try:
        from tenant_apps.budgets.services.voting import ballots_seal
    except ImportError:
        return
    params = inspect.signature(ballots_seal).parameters
    ballots_seal(edition=edition, **({"actor": actor} if "actor" in params else {}))


def _plain(value):
    """JSON-ready copy (numpy numbers from the engine become Python numbers)."""
    return json.loads(json.dumps(value, default=lambda o: o.item() if hasattr(o, "item") else str(o)))


def _tally(budget: Budget, election: Election, rule: str, threshold: int) -> tuple[Outcome, float]:
    started = time.perf_counter()
    try:
        outcome = tally(election, rule, threshold=threshold, drawn_order=[str(pk) for pk in budget.drawn_order])
    except CountingError as error:
        message = ENGINE_ERRORS.get(error.code)
        raise Invalid(error.code, str(message) if message else _("These ballots cannot be counted: %(detail)s")
                      % {"detail": error}) from None
    return outcome, time.perf_counter() - started


def _result_from(budget: Budget, outcome: Outcome, *, rule: str, threshold: int, seconds: float,
                 ballots: int, actor) -> Result:
    return Result(
        budget=budget, rule=rule, threshold=threshold, ballots_counted=ballots,
        selected=[int(pid) for pid in outcome.selected], spent=int(outcome.spent),
        projects=_plain({pid: {"selected": r.selected, "rank": r.rank, "score": r.score, "supporters": r.supporters,
                               "reason": r.reason, "params": r.params} for pid, r in outcome.results.items()}),
        details=_plain(outcome.details), drawn_order=list(budget.drawn_order), seconds=round(seconds, 4),
        computed_by=actor)


def result_compute(*, budget: Budget, actor, rule: str | None = None, threshold: int | None = None,
                   save: bool = True) -> Result:
    """Count the budget's ballots (after the vote closes) with its method, or `rule`; saved unpublished."""
    _admin_check(actor)
    budget = Budget.objects.select_related("edition__process").get(pk=budget.pk)
    _closed_check(budget)
    rule = rule or budget.counting_rule
    if rule not in CountingRule.values or rule not in rules_for(budget):
        raise Invalid("counting_rule", _("This counting method cannot count this budget's ballots."))
    threshold = budget.threshold if threshold is None else int(threshold)
    if vote_closed(budget.edition):  # an imported budget counted before the vote has nothing to seal
        _seal(budget.edition, actor)
    election = budget_election(budget)
    outcome, seconds = _tally(budget, election, rule, threshold)
    result = _result_from(budget, outcome, rule=rule, threshold=threshold, seconds=seconds,
                          ballots=sum(election.weights or ()), actor=actor)
    if save:
        with transaction.atomic():
            result.save()
            city_audit_record(actor=actor, action="budget.result.compute", target=budget, result=result.pk,
                              rule=rule, selected=result.selected, spent=result.spent,
                              ballots=result.ballots_counted)
    return result


def results_compare(*, budget: Budget, actor) -> list[dict]:
    """Every method that can count this budget, in memory (nothing saved): winners and money spent of each."""
    staff_check(actor)
    budget = Budget.objects.select_related("edition__process").get(pk=budget.pk)
    _closed_check(budget)
    projects = budget_projects(budget)
    titles = {str(p.pk): p for p in projects}
    election = budget_election(budget, projects)
    rows = []
    for rule in rules_for(budget):
        row = {"rule": rule, "label": CountingRule(rule).label, "is_budget_rule": rule == budget.counting_rule}
        try:
            outcome, seconds = _tally(budget, election, rule, budget.threshold)
        except Invalid as error:
            row["error"] = error.message
        else:
            row.update(selected=[titles[pid] for pid in outcome.selected], spent=outcome.spent, seconds=seconds,
                       left=budget.amount - outcome.spent)
        rows.append(row)
    return rows


def _idea_statuses() -> dict[str, Status]:
    return {s.key: s for s in Status.objects.filter(process_kind="budget", key__in=("winner", "not_selected"))}


def result_publish(*, result: Result, actor) -> Result:
    """Publish a result (replacing the budget's published one): projects become winners or not selected, and
    the authors of their ideas are told. All or nothing."""
    from tenant_apps.participation.services import contribution_status_change

    _admin_check(actor)
    with transaction.atomic():
        # One publication at a time per budget: the lock orders two admins publishing at once.
        budget = Budget.objects.select_for_update().select_related("edition__process").get(pk=result.budget_id)
        result = Result.objects.select_for_update().get(pk=result.pk)
        _closed_check(budget)
        previous = Result.objects.filter(budget=budget, is_published=True).exclude(pk=result.pk)
        replaced = list(previous.values_list("pk", flat=True))
        previous.update(is_published=False, published_at=None)
        result.is_published, result.published_at = True, timezone.now()
        result.save(update_fields=["is_published", "published_at"])

        selected = {int(pk) for pk in result.selected}
        projects = list(Project.objects.filter(budget=budget, state__in=COUNTED_STATES).prefetch_related("ideas"))
        for project in projects:
            project.state = Project.State.WINNER if project.pk in selected else Project.State.NOT_SELECTED
        Project.objects.bulk_update(projects, ["state"])

        # An idea merged into several projects follows its best outcome.
        outcome: dict[int, tuple] = {}
        for project in projects:
            for idea in project.ideas.all():
                won = project.pk in selected
                if idea.pk not in outcome or (won and not outcome[idea.pk][1]):
                    outcome[idea.pk] = (idea, won, project)
        statuses = _idea_statuses()
        for idea, won, project in outcome.values():
            status = statuses.get("winner" if won else "not_selected")
            if status is None or idea.status_id == status.pk:
                continue
            message = (_("The project “%(title)s”, made from this idea, is among the winners of the vote.")
                       if won else
                       _("The project “%(title)s”, made from this idea, was not selected by the vote."))
            contribution_status_change(contribution=idea, status=status, actor=actor,
                                       message=message % {"title": project.title})
        city_audit_record(actor=actor, action="budget.result.publish", target=budget, result=result.pk,
                          replaced=replaced, selected=result.selected)
    return result


# ---------------------------------------------------------------------------------------------------------
# Reads (kept here: the results part has no selectors module of its own)


def result_published(budget: Budget) -> Result | None:
    return Result.objects.filter(budget=budget, is_published=True).first()


def results_of_edition(edition: Edition) -> list[dict]:
    """Per budget of the edition: the budget, its published result (or None) and its projects with outcomes."""
    budgets = list(edition.budgets.select_related("district"))
    published = {r.budget_id: r for r in Result.objects.filter(budget__edition=edition, is_published=True)}
    projects_by_budget: dict[int, list[Project]] = {}
    for project in Project.objects.filter(budget__edition=edition, state__in=COUNTED_STATES).order_by("number", "id"):
        projects_by_budget.setdefault(project.budget_id, []).append(project)
    return [{"budget": b, "result": published.get(b.pk),
             "rows": result_rows(published[b.pk], projects_by_budget.get(b.pk, [])) if b.pk in published else []}
            for b in budgets]


def result_rows(result: Result, projects: list[Project]) -> list[dict]:
    """The projects of a result in its order (rank), each with its outcome."""
    rows = []
    top = max([int(v.get("score") or 0) for v in result.projects.values()] or [0])
    for project in projects:
        data = result.projects.get(str(project.pk))
        if data is None:
            continue
        rows.append({"project": project, "selected": data["selected"], "rank": data["rank"],
                     "score": data["score"], "supporters": data["supporters"], "reason": data["reason"],
                     "bar": round(100 * int(data["score"] or 0) / top) if top and score_unit(result) != "grade"
                     else None})
    rows.sort(key=lambda r: (not r["selected"], r["rank"]))
    return rows


def score_unit(result: Result) -> str:
    return (result.details or {}).get("score_unit", "votes")


# ---------------------------------------------------------------------------------------------------------
# Explanations in plain words


def _french() -> bool:
    return (get_language() or "fr").startswith("fr")


def number(value) -> str:
    """1 204 (narrow no-break space) in French, 1,204 in English."""
    text = f"{int(round(float(value))):,}"
    return text.replace(",", "\u202f") if _french() else text


def amount(value) -> str:
    """An amount in euros; shares under 100 € keep their cents (1 190 €, 12,35 €)."""
    value = float(value or 0)
    if abs(value) >= 100 or value == int(value):
        return money(round(value))
    text = f"{value:.2f}"
    return (text.replace(".", ",") if _french() else text) + "\u00a0€"


def ordinal(position) -> str:
    n = int(position)
    if _french():
        return "1er" if n == 1 else f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def score_text(score, unit: str) -> str:
    n = int(round(float(score or 0)))
    if unit == "points":
        return ngettext("%(n)s point", "%(n)s points", n) % {"n": number(n)}
    return ngettext("%(n)s vote", "%(n)s votes", n) % {"n": number(n)}


def reason_sentence(*, reason: str, params: dict, project: Project, score, supporters: int, unit: str = "votes",
                    titles: dict | None = None) -> str:
    """The public sentence that says why `project` won or lost, with its numbers."""
    p = params or {}
    position = ordinal(p.get("position", 0)) if p.get("position") else ""
    values = {"score": score_text(p.get("score", score), unit), "position": position, "cost": amount(project.cost),
              "supporters": number(p.get("supporters", supporters))}
    if reason == "selected_by_score":
        return _("This project received %(score)s (%(position)s). When its turn came, %(remaining)s was left in "
                 "the envelope: enough for its %(cost)s, so it was funded.") % {
            **values, "remaining": amount(p.get("remaining_before", 0))}
    if reason == "did_not_fit":
        return _("This project received %(score)s (%(position)s). When its turn came, only %(remaining)s was left "
                 "in the envelope: not enough for its %(cost)s, so it was not funded and counting went on with the "
                 "next projects.") % {**values, "remaining": amount(p.get("remaining", 0))}
    if reason == "stopped_at_first_unfit":
        blocking = (titles or {}).get(str(p.get("blocking_project")), "")
        return _("This project received %(score)s (%(position)s). Counting stopped before its turn, at the project "
                 "“%(blocking)s”, the first that did not fit in what was left of the envelope: the rules of this "
                 "budget stop at the first project that does not fit.") % {**values, "blocking": blocking}
    if reason == "below_threshold":
        return _("This project received %(score)s, fewer than the %(threshold)s a project needs to be funded.") % {
            **values, "threshold": number(p.get("threshold", 0))}
    if reason == "no_support":
        return _("Nobody voted for this project, so it could not be funded.")
    if reason in ("mes_selected", "mes_selected_by_completion"):
        values.update(round=number(p.get("round", 0)), share=amount(p.get("share", 0)),
                      payment=amount(p.get("per_supporter_payment", 0)), base_share=amount(p.get("base_share", 0)))
        if reason == "mes_selected":
            return _("The envelope was shared equally between the voters: %(share)s each. In round %(round)s, the "
                     "%(supporters)s supporters of this project could pay its %(cost)s together, each paying at "
                     "most %(payment)s from their share, so it was funded.") % values
        return _("Each voter's share was raised from %(base_share)s to %(share)s so as to use more of the envelope. "
                 "In round %(round)s, the %(supporters)s supporters of this project could then pay its %(cost)s "
                 "together, each paying at most %(payment)s, so it was funded.") % values
    if reason in ("mes_supporters_short", "mes_short_and_did_not_fit"):
        values.update(money=amount(p.get("supporters_money", 0)), share=amount(p.get("share", 0)))
        text = _("Each voter had a share of %(share)s. After paying for projects they had supported and that were "
                 "funded first, the %(supporters)s supporters of this project had %(money)s left in total, less "
                 "than its cost of %(cost)s: it was not funded.") % values
        if reason == "mes_short_and_did_not_fit":
            text += " " + _("When the money left was then spent on the projects with the most votes, only "
                            "%(remaining)s was left, not enough for it.") % {"remaining": amount(p.get("remaining", 0))}
        return text
    if reason == "selected_by_utilitarian_completion":
        return _("Equal shares did not fund it, but the money left was then spent on the projects with the most "
                 "votes: it received %(score)s (%(position)s) and %(remaining)s was still available, enough for "
                 "its %(cost)s.") % {**values, "remaining": amount(p.get("remaining_before", 0))}
    if reason == "greedy_outcome_preferred":
        return _("Two results were compared: by equal shares and by number of votes. More voters preferred the "
                 "result by number of votes (%(greedy)s against %(mes)s), so it was kept. This project received "
                 "%(score)s (%(position)s) and fitted in what was left of the envelope.") % {
            **values, "greedy": number(p.get("prefer_greedy", 0)), "mes": number(p.get("prefer_mes", 0))}
    if reason in ("majority_grade", "majority_grade_did_not_fit"):
        values.update(grade=p.get("grade", ""), percent=number(p.get("better_or_equal_percent", 0)))
        if reason == "majority_grade":
            return _("Its majority grade is “%(grade)s”: %(percent)s%% of voters gave it this grade or better. "
                     "Ranked %(position)s, it fitted in the %(remaining)s still available, so it was funded.") % {
                **values, "remaining": amount(p.get("remaining_before", 0))}
        return _("Its majority grade is “%(grade)s”: %(percent)s%% of voters gave it this grade or better. Ranked "
                 "%(position)s, it costs %(cost)s but only %(remaining)s was left, so it was not funded.") % {
            **values, "remaining": amount(p.get("remaining", 0))}
    return engine_sentence(reason, p)


def method_explanation(rule: str) -> str:
    return str(METHOD_EXPLANATIONS.get(rule, ""))
