"""Budget editions for tests, set up through the real services, then moved in time to the wanted phase.

The rules freeze when voting opens, so everything is built while the edition is in review; the phases
are then shifted (a plain date change, as staff would do in the back-office) to put it in `phase`.
"""

import datetime as dt

from django.utils import timezone

from tenant_apps.budgets.common import edition_ensure
from tenant_apps.budgets.models import BallotKind, Budget, CountingRule, Edition, Project
from tenant_apps.budgets.services.editions import (
    budget_create,
    drawn_order_draw,
    edition_update,
    project_create,
    project_put_on_ballot,
)
from tenant_apps.participation.models import Phase
from tenant_apps.participation.tests.factories import account, process_in_phase


def phases_shift_to(edition: Edition, type_key_or_index: str | int) -> Edition:
    """Shift the edition's phases so that the given one (type key or index) started a day ago."""
    phases = list(edition.process.phases.order_by("position"))
    if isinstance(type_key_or_index, str):
        target = next(p for p in phases if p.type_key == type_key_or_index)
    else:
        target = phases[type_key_or_index]
    delta = (timezone.now() - dt.timedelta(days=1)) - target.starts_at
    for phase in phases:
        Phase.objects.filter(pk=phase.pk).update(starts_at=phase.starts_at + delta, ends_at=phase.ends_at + delta)
    edition.process.refresh_from_db()
    return edition


def edition_past(edition: Edition) -> Edition:
    """Move every phase of the edition into the past (its last phase ended a day ago)."""
    phases = list(edition.process.phases.order_by("position"))
    delta = (timezone.now() - dt.timedelta(days=1)) - max(p.ends_at for p in phases)
    for phase in phases:
        Phase.objects.filter(pk=phase.pk).update(starts_at=phase.starts_at + delta, ends_at=phase.ends_at + delta)
    edition.process.refresh_from_db()
    return edition


def vote_closed(edition: Edition) -> Edition:
    """Put the edition just after its vote (realisation phase started a day ago)."""
    return phases_shift_to(edition, "follow_up")


def edition_make(*, admin=None, voting_scope: str = Edition.VotingScope.ONE_DISTRICT, title: str = "",
                 **edition_fields) -> Edition:
    admin = admin or account("city_admin")
    process = process_in_phase("budget", "review", actor=admin, title=title or "Budget participatif test")
    edition = edition_ensure(process)
    edition_update(edition=edition, actor=admin, voting_scope=voting_scope, **edition_fields)
    edition.refresh_from_db()
    return edition


def budget_make(edition: Edition, *, admin=None, name: str = "Budget de la ville", amount: int = 100_000,
                ballot_kind: str = BallotKind.APPROVAL, counting_rule: str = CountingRule.GREEDY,
                costs=(40_000, 30_000, 50_000, 20_000), **values) -> tuple[Budget, list[Project]]:
    """A budget with projects of the given costs on its ballot (and the tie order drawn)."""
    admin = admin or account("city_admin")
    budget = budget_create(edition=edition, actor=admin, name=name, amount=amount, ballot_kind=ballot_kind,
                           counting_rule=counting_rule, **values)
    projects = []
    for n, cost in enumerate(costs, start=1):
        project = project_create(edition=edition, actor=admin, title=f"{name} — projet {n}", cost=cost,
                                 budget=budget, summary=f"Résumé du projet {n}")
        projects.append(project_put_on_ballot(project=project, actor=admin))
    drawn_order_draw(budget=budget, actor=admin)
    budget.refresh_from_db()
    return budget, projects


def edition_voting(**kwargs) -> tuple[Edition, Budget, list[Project]]:
    """An edition whose vote is open now, with one city-wide approval budget of four projects."""
    budget_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in {
        "amount", "ballot_kind", "counting_rule", "costs", "min_choices", "max_choices", "max_points_per_project",
        "max_total_points", "points_by_rank", "grades", "min_share_percent", "threshold", "district", "name"}}
    edition = edition_make(**kwargs)
    budget, projects = budget_make(edition, **budget_kwargs)
    phases_shift_to(edition, "budget_vote")
    return edition, budget, projects
