"""The vote's public pages (the person's budgets, the ballot, the confirmation) and the staff's voting desk.

Views with an id look the object up first (404 in another collectivity, and kernel visibility rules for
the process), then the role. The ballot page works without JavaScript: the gauge of the basket is
computed here, a small script only keeps it up to date while boxes are ticked.
"""

import uuid

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shared_apps.core.errors import ApplicationError, Invalid
from tenant_apps.backoffice.access import refusal
from tenant_apps.budgets import voting_selectors as selectors
from tenant_apps.budgets.ballots import ballot_projects, choices_summary
from tenant_apps.budgets.common import edition_get_for_user, vote_closed, vote_phase
from tenant_apps.budgets.forms.voting import ballot_rows, choices_from_post, field_id, submission_token
from tenant_apps.budgets.models import BallotKind, Budget
from tenant_apps.budgets.services.voting import ballot_of, ballot_submit, receipt_code
from tenant_apps.participation.permissions import capability_decision
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.state import process_state


def budget_get_for_user(pk, user) -> Budget:
    """The budget `pk` if its process may be seen by `user` (drafts: staff only), else 404."""
    budget = get_object_or_404(Budget.objects.select_related("edition__process", "district"), pk=pk)
    budget.edition = edition_get_for_user(slug=budget.edition.process.slug, user=user)
    return budget


def _gauge(budget: Budget, projects, choices: dict) -> dict | None:
    if budget.ballot_kind not in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        return None
    used = sum(p.cost for p in projects if choices.get(str(p.pk)) == 1)
    return {"used": used, "amount": budget.amount, "left": budget.amount - used, "over": used > budget.amount,
            "overflow": max(used - budget.amount, 0), "hard": budget.ballot_kind == BallotKind.KNAPSACK}


def vote(request, slug):
    """The budgets this person may vote in, and what they did."""
    edition = edition_get_for_user(slug=slug, user=request.user)
    state = process_state(edition.process)
    rows = selectors.voter_budgets(edition=edition, user=request.user)
    is_open = state.is_open(Capability.BALLOT)
    tallies = []
    if is_open and selectors.tallies_visible(edition=edition, user=request.user):
        tallies = [{"budget": row["budget"], "rows": selectors.tallies(budget=row["budget"])} for row in rows]
    return render(request, "budgets/voting/vote.html", {
        "edition": edition, "process": edition.process, "rows": rows, "is_open": is_open,
        "phase": vote_phase(state), "closed": vote_closed(edition, state),
        "turnout": selectors.public_turnout(edition=edition) if is_open else None, "tallies": tallies,
    })


def ballot(request, pk):
    budget = budget_get_for_user(pk, request.user)
    edition = budget.edition
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    projects = ballot_projects(budget)
    problems, refused, status = [], "", 200
    choices, raw = None, None
    if request.method == "POST":
        # The service checks everything again under lock; what the page shows is worked out only when it is
        # shown again (a refusal), so that an accepted ballot costs as few queries as possible on vote day.
        raw = request.POST
        choices, problems = choices_from_post(budget, projects, request.POST)
        if not problems:
            try:
                ballot_submit(budget=budget, voter=request.user, choices=choices, projects=projects,
                              submission_token=submission_token(request.POST.get("submission_token")))
            except Invalid as error:
                problems, status = list(error.extra.get("problems") or []), 400
                if not problems:
                    refused = error.message
            except ApplicationError as error:
                refused, status = error.message, error.status
            else:
                done = HttpResponseRedirect(reverse("budgets:ballot_done", kwargs={"pk": budget.pk}))
                done.status_code = 303  # "see other": a reload of the confirmation never re-posts the ballot
                return done
        else:
            status = 400
    state = process_state(edition.process)
    decision = capability_decision(user=request.user, process=edition.process, capability=Capability.BALLOT,
                                   state=state)
    current = ballot_of(budget=budget, voter=request.user)
    row = next((r for r in selectors.voter_budgets(edition=edition, user=request.user)
                if r["budget"].pk == budget.pk), None)
    if choices is None:
        choices = dict(current.choices) if current else {}
    errors = [{"message": p.message, "anchor": field_id(budget, p.project_id) if p.project_id else "choices"}
              for p in problems]
    phase = vote_phase(state)
    return render(request, "budgets/voting/ballot.html", {
        "budget": budget, "edition": edition, "process": edition.process, "decision": decision,
        "rows": ballot_rows(budget, projects, choices, raw), "gauge": _gauge(budget, projects, choices),
        "errors": errors, "refused": refused, "current": current, "row": row, "phase": phase,
        "token": uuid.uuid4(), "kind": budget.ballot_kind,
        "may_vote": bool(decision) and (row is None or row["may_vote"]),
    }, status=status)


def ballot_done(request, pk):
    budget = budget_get_for_user(pk, request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    current = ballot_of(budget=budget, voter=request.user)
    if current is None:
        return redirect("budgets:ballot", pk=budget.pk)
    state = process_state(budget.edition.process)
    return render(request, "budgets/voting/ballot_done.html", {
        "budget": budget, "edition": budget.edition, "process": budget.edition.process, "ballot": current,
        "receipt": receipt_code(current), "summary": choices_summary(budget, current.choices),
        "phase": vote_phase(state), "is_open": state.is_open(Capability.BALLOT),
        "email": request.user.email,
    })


def voting_desk(request, slug):
    """Live turnout for the staff, refreshed every 30 seconds (htmx), with links to the paper pages."""
    edition = edition_get_for_user(slug=slug, user=request.user)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    state = process_state(edition.process)
    tallies = [{"budget": b, "rows": selectors.tallies(budget=b)} for b in selectors.edition_budgets(edition)]
    context = {"edition": edition, "process": edition.process, "turnout": selectors.turnout(edition=edition),
               "tallies": tallies, "phase": vote_phase(state), "is_open": state.is_open(Capability.BALLOT),
               "closed": vote_closed(edition, state)}
    if request.headers.get("HX-Request"):
        return render(request, "budgets/voting/_turnout.html", context)
    return render(request, "budgets/voting/desk.html", context)


def refusal_message(error: ApplicationError) -> str:
    return _("Nothing was recorded: %(reason)s") % {"reason": error.message}
