"""Is this ballot valid for this budget? The rules of each kind of ballot, in plain words.

The same check serves the online basket, paper ballots typed in by staff (an invalid paper ballot is
recorded as void, with the reason) and imports. It only knows the projects ON THE BALLOT of the budget:
a project of another budget, withdrawn or never put on the ballot is refused, whatever id is sent.

`ballot_problems()` returns a list of `Problem`s (empty when valid); each names the project it is
about when there is one, so the form can link the message to that project's field.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tenant_apps.budgets.common import money
from tenant_apps.budgets.models import BallotKind, Budget, Project


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    project_id: int | None = None


def ballot_projects(budget: Budget) -> list[Project]:
    """The projects a voter chooses from, in their order on the ballot."""
    return list(Project.objects.filter(budget=budget, state=Project.State.ON_BALLOT).order_by("number", "id"))


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def choices_normalise(choices) -> dict[str, int | None]:
    """{"12": 1, ...} from what a form or a JSON body sent; a value that is not a whole number becomes None."""
    if not isinstance(choices, dict):
        return {}
    return {str(key).strip(): _int(value) for key, value in choices.items()}


def _count_limits(budget: Budget, count: int) -> list[Problem]:
    problems = []
    if budget.min_choices and count < budget.min_choices:
        problems.append(Problem("too_few", ngettext(
            "You chose %(count)s project: choose at least %(min)s.",
            "You chose %(count)s projects: choose at least %(min)s.", count)
            % {"count": count, "min": budget.min_choices}))
    if budget.max_choices and count > budget.max_choices:
        problems.append(Problem("too_many", ngettext(
            "You chose %(count)s project: %(max)s at most.",
            "You chose %(count)s projects: %(max)s at most.", count)
            % {"count": count, "max": budget.max_choices}))
    return problems


def ballot_problems(budget: Budget, choices, projects: list[Project] | None = None) -> list[Problem]:
    """What is wrong with `choices` ({project id: value}) for `budget`; an empty list when the ballot is valid."""
    projects = ballot_projects(budget) if projects is None else projects
    by_id = {str(p.pk): p for p in projects}
    choices = choices_normalise(choices)
    problems: list[Problem] = []
    unknown = [key for key in choices if key not in by_id]
    if unknown:
        problems.append(Problem("unknown_project", _("A chosen project is not on this ballot.")))
    kind = budget.ballot_kind
    # 0 points or an unticked box is "not chosen", not an error.
    zero_is_none = kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK, BallotKind.CUMULATIVE)
    known = {key: value for key, value in choices.items() if key in by_id and not (zero_is_none and value == 0)}

    if kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        if any(value != 1 for value in known.values()):
            problems.append(Problem("invalid_value", _("A project is either chosen or not.")))
        problems += _count_limits(budget, len(known))
        if kind == BallotKind.KNAPSACK:
            total = sum(by_id[key].cost for key in known)
            if total > budget.amount:
                problems.append(Problem("over_budget", _(
                    "Your basket costs %(total)s, which is %(over)s over the envelope of %(amount)s.")
                    % {"total": money(total), "over": money(total - budget.amount), "amount": money(budget.amount)}))
            minimum = -(-budget.amount * budget.min_share_percent // 100)  # rounded up: "at least"
            if budget.min_share_percent and total < minimum:
                problems.append(Problem("under_min_share", _(
                    "Your basket costs %(total)s: it must use at least %(percent)s %% of the envelope, "
                    "that is %(minimum)s.")
                    % {"total": money(total), "percent": budget.min_share_percent, "minimum": money(minimum)}))

    elif kind == BallotKind.CUMULATIVE:
        total = 0
        for key, value in known.items():
            if value is None or value < 0:
                problems.append(Problem("invalid_value", _("“%(title)s”: give a whole number of points.")
                                        % {"title": by_id[key].title}, by_id[key].pk))
                continue
            total += value
            if value > budget.max_points_per_project:
                problems.append(Problem("too_many_points_for_project", ngettext(
                    "“%(title)s”: %(max)s point per project at most.",
                    "“%(title)s”: %(max)s points per project at most.", budget.max_points_per_project)
                    % {"title": by_id[key].title, "max": budget.max_points_per_project}, by_id[key].pk))
        if total > budget.max_total_points:
            problems.append(Problem("too_many_points", _(
                "You gave %(total)s points: you have %(max)s to share out.")
                % {"total": total, "max": budget.max_total_points}))
        if total == 0 and not any(p.code == "invalid_value" for p in problems):
            problems.append(Problem("no_points", _("Give at least one point to a project.")))

    elif kind == BallotKind.ORDINAL:
        ranks = list(known.values())
        if any(value is None or value < 1 for value in ranks):
            problems.append(Problem("invalid_ranks", _("A rank is a whole number from 1 (your first choice).")))
        else:
            seen = sorted(ranks)
            repeated = sorted({r for r in seen if seen.count(r) > 1})
            if repeated:
                problems.append(Problem("repeated_rank", ngettext(
                    "Rank %(ranks)s is given to several projects: give each rank once.",
                    "Ranks %(ranks)s are given to several projects: give each rank once.", len(repeated))
                    % {"ranks": ", ".join(map(str, repeated))}))
            elif seen != list(range(1, len(seen) + 1)):
                missing = min(set(range(1, len(seen) + 1)) - set(seen))
                problems.append(Problem("rank_gap", _(
                    "Rank %(rank)s is missing: number your choices 1, 2, 3… without gaps.") % {"rank": missing}))
        problems += _count_limits(budget, len(known))
        limit = len(budget.points_by_rank or ())
        if limit and len(known) > limit and not (budget.max_choices and budget.max_choices <= limit):
            problems.append(Problem("too_many_ranked", ngettext(
                "Rank %(max)s project at most.", "Rank %(max)s projects at most.", limit) % {"max": limit}))

    elif kind == BallotKind.MAJORITY_JUDGMENT:
        grades = budget.grades or []
        for key, value in known.items():
            if value is None or not 0 <= value < len(grades):
                problems.append(Problem("invalid_grade", _("“%(title)s”: choose one of the grades offered.")
                                        % {"title": by_id[key].title}, by_id[key].pk))
        for project in projects:
            if str(project.pk) not in known:
                problems.append(Problem("ungraded", _("“%(title)s”: give this project a grade.")
                                        % {"title": project.title}, project.pk))
    return problems


def ballot_clean(budget: Budget, choices, projects: list[Project] | None = None) -> dict[str, int]:
    """The choices as stored ({"12": 1}), without unchosen entries (0 points, empty rank); raises nothing."""
    projects = ballot_projects(budget) if projects is None else projects
    known = {str(p.pk) for p in projects}
    cleaned = {}
    for key, value in choices_normalise(choices).items():
        if key not in known or value is None:
            continue
        if budget.ballot_kind in (BallotKind.CUMULATIVE, BallotKind.APPROVAL, BallotKind.KNAPSACK) and value == 0:
            continue  # no points: not chosen
        cleaned[key] = value
    return cleaned


def choices_summary(budget: Budget, choices: dict, projects: list[Project] | None = None) -> list[dict]:
    """The ballot in words for the voter's confirmation page: project, and what they gave it."""
    projects = ballot_projects(budget) if projects is None else projects
    lines = []
    for project in projects:
        value = (choices or {}).get(str(project.pk))
        if value is None:
            continue
        if budget.ballot_kind == BallotKind.CUMULATIVE:
            given = ngettext("%(n)s point", "%(n)s points", value) % {"n": value}
        elif budget.ballot_kind == BallotKind.ORDINAL:
            given = _("rank %(n)s") % {"n": value}
        elif budget.ballot_kind == BallotKind.MAJORITY_JUDGMENT:
            grades = budget.grades or []
            given = grades[value] if 0 <= value < len(grades) else ""
        else:
            given = ""
        lines.append({"project": project, "value": value, "given": given})
    if budget.ballot_kind == BallotKind.ORDINAL:
        lines.sort(key=lambda line: line["value"])
    return lines
