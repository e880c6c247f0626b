"""The staff's review of a budget edition's ideas: the list (with filters, and a selection to make a project)
and one idea's admissibility and feasibility.

Views with an id look the idea up first (404 on another collectivity's host), then check the role, then the
method. The author is told of every decision through the kernel's status change.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice.access import refusal
from tenant_apps.budgets import projects_selectors as selectors
from tenant_apps.budgets.common import edition_ensure
from tenant_apps.budgets.forms.structure import AdmissibilityForm, FeasibilityForm, ReviewFilterForm
from tenant_apps.budgets.models import IdeaReview
from tenant_apps.budgets.services import projects as services
from tenant_apps.participation.models import District, StatusChange

PAGE_SIZE = 50


def review(request, slug):
    edition = selectors.edition_get_for_staff(slug=slug)
    denied = refusal(request, "staff")
    if denied:
        return denied
    districts = list(District.objects.order_by("position", "name"))
    form = ReviewFilterForm(request.GET or None, districts=districts)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    ideas = selectors.idea_review_list(edition=edition, state=filters.get("state", ""),
                                       district=filters.get("district", ""), q=filters.get("q", ""))
    page = Paginator(ideas, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "budgets/structure/review.html", {
        "edition": edition, "process": edition.process, "form": form, "page": page, "query": query.urlencode(),
        "filtered": bool(filters) and any(filters.values()),
    })


def _page(request, idea, *, admissibility_form=None, feasibility_form=None, status=200):
    edition = edition_ensure(idea.process)
    review_row = selectors.idea_review_of(idea)
    criteria = list(edition.criteria.all())
    changes = list(StatusChange.objects.filter(contribution=idea).select_related("to_status", "from_status", "actor")
                   .order_by("created_at", "id"))
    return render(request, "budgets/structure/idea_review.html", {
        "edition": edition, "process": idea.process, "idea": idea, "review": review_row, "criteria": criteria,
        "status_changes": changes, "projects": list(idea.budget_projects.all()),
        "admissibility_form": admissibility_form or AdmissibilityForm(
            auto_id="adm_%s", criteria=criteria, initial=AdmissibilityForm.initial_for(review_row)),
        "feasibility_form": feasibility_form or FeasibilityForm(
            auto_id="feas_%s", initial=FeasibilityForm.initial_for(review_row)),
        "can_study": review_row is not None and review_row.admissibility == IdeaReview.Admissibility.ADMISSIBLE,
    }, status=status)


def idea_review(request, pk):
    idea = selectors.idea_get_for_review(pk=pk)
    denied = refusal(request, "staff")
    if denied:
        return denied
    return _page(request, idea)


def _post(request, pk):
    idea = selectors.idea_get_for_review(pk=pk)
    denied = refusal(request, "staff")
    if denied:
        return idea, denied
    if request.method != "POST":
        return idea, HttpResponseNotAllowed(["POST"])
    return idea, None


def idea_admissibility(request, pk):
    idea, stop = _post(request, pk)
    if stop:
        return stop
    edition = edition_ensure(idea.process)
    form = AdmissibilityForm(request.POST, auto_id="adm_%s", criteria=list(edition.criteria.all()))
    if not form.is_valid():
        return _page(request, idea, admissibility_form=form, status=400)
    try:
        services.idea_admissibility_decide(
            idea=idea, actor=request.user, checklist=form.checklist(),
            admissible=form.cleaned_data["decision"] == IdeaReview.Admissibility.ADMISSIBLE,
            reason=form.cleaned_data.get("reason", ""))
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _page(request, idea, admissibility_form=form, status=error.status)
    messages.success(request, _("The admissibility is recorded; the author is told."))
    return redirect("budgets:idea_review", pk=idea.pk)


def idea_feasibility(request, pk):
    idea, stop = _post(request, pk)
    if stop:
        return stop
    form = FeasibilityForm(request.POST, auto_id="feas_%s")
    if not form.is_valid():
        return _page(request, idea, feasibility_form=form, status=400)
    data = form.cleaned_data
    try:
        services.idea_feasibility_decide(
            idea=idea, actor=request.user, feasible=data["decision"] == IdeaReview.Feasibility.FEASIBLE,
            estimated_cost=data.get("estimated_cost"), delay_months=data.get("delay_months"),
            department=data.get("department"), technical_opinion=data.get("technical_opinion", ""))
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _page(request, idea, feasibility_form=form, status=error.status)
    messages.success(request, _("The feasibility is recorded; the author is told."))
    return redirect("budgets:idea_review", pk=idea.pk)
