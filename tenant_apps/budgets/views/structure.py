"""Pages of the structure part of the budget module: the staff's hub and settings, envelopes, checklist,
projects; the public hub, rules, projects and project sheets, and the holders' campaign page.

Views with an id or a slug look their object up first (404 on another collectivity's host), then check the
role (`access.refusal`), then the method. Services decide; a refusal comes back as a message or form error.
"""

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice.access import refusal, staff_required
from tenant_apps.budgets import projects_selectors as selectors
from tenant_apps.budgets.common import edition_get_for_user, rules_frozen, vote_closed
from tenant_apps.budgets.forms.structure import (
    BudgetForm,
    CampaignForm,
    CriterionForm,
    EditionSettingsForm,
    ProjectCreateForm,
    ProjectFilterForm,
    ProjectForm,
)
from tenant_apps.budgets.models import AdmissibilityCriterion, Budget, IdeaReview, Project
from tenant_apps.budgets.services import editions as edition_services
from tenant_apps.budgets.services import projects as project_services
from tenant_apps.participation.models import Contribution, District
from tenant_apps.participation.permissions import capability_decision, is_staff
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.state import process_state


def _frozen_reason(edition) -> str:
    if rules_frozen(edition):
        return _("Voting has opened: the rules of this edition can no longer change.")
    return ""


def _staff_edition(request, slug, roles="staff"):
    """(edition, None) when the person may go on, else (edition, the response); 404 before the role check."""
    edition = selectors.edition_get_for_staff(slug=slug)
    return edition, refusal(request, roles)


def _apply(request, call, success: str, form=None) -> bool:
    """Run a service call; report success as a message, a refusal as a form error (or a message)."""
    try:
        call()
    except ApplicationError as error:
        if form is not None:
            form.add_error(None, error.message)
        else:
            messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def _rules_post(request, form, reason: str, call, success: str, done_url: str):
    """The POST of a form that changes the edition's rules: the service runs on valid input while the rules may
    still change (else the form says why). Returns (redirect or None, status of the page shown again)."""
    if request.method != "POST":
        return None, 200
    if form.is_valid() and not reason:
        if _apply(request, call, success, form):
            return redirect(done_url), 200
    elif reason:
        form.add_error(None, reason)
    return None, 400


# --- Staff: editions and their hub ------------------------------------------------------------------------


@staff_required
def manage_list(request):
    processes = selectors.edition_list_for_staff()
    rows = [(p, process_state(p, phases=p.phases.all())) for p in processes]
    return render(request, "budgets/structure/manage_list.html", {"rows": rows})


def manage(request, slug):
    edition, denied = _staff_edition(request, slug)
    if denied:
        return denied
    state = process_state(edition.process)
    budgets = selectors.budgets_of(edition)
    reviews = IdeaReview.objects.filter(idea__process_id=edition.process_id)
    return render(request, "budgets/structure/manage.html", {
        "edition": edition, "process": edition.process, "state": state, "budgets": budgets,
        "frozen": rules_frozen(edition, state), "closed": vote_closed(edition, state),
        "counts": {**selectors.edition_counts(edition, user=request.user),
                   "admissible": reviews.filter(admissibility=IdeaReview.Admissibility.ADMISSIBLE).count(),
                   "feasible": reviews.filter(feasibility=IdeaReview.Feasibility.FEASIBLE).count(),
                   "criteria": edition.criteria.count()},
        "totals": selectors.budget_totals(edition),
    })


@require_http_methods(["GET", "POST"])
def settings(request, slug):
    edition, denied = _staff_edition(request, slug, "admin")
    if denied:
        return denied
    reason = _frozen_reason(edition)
    initial = {"voting_scope": edition.voting_scope, "rules_text": edition.rules_text,
               "show_tallies_during_vote": edition.show_tallies_during_vote,
               "show_turnout_publicly": edition.show_turnout_publicly, "satisfaction_open": edition.satisfaction_open}
    form = EditionSettingsForm(request.POST or None, initial=initial, frozen_reason=reason)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if not form.fields[k].disabled}
            if _apply(request, lambda: edition_services.edition_update(edition=edition, actor=request.user, **fields),
                      _("The settings of the edition are saved."), form):
                return redirect("budgets:settings", slug=edition.process.slug)
        status = 400
    return render(request, "budgets/structure/settings.html",
                  {"edition": edition, "process": edition.process, "form": form, "frozen_reason": reason},
                  status=status)


# --- Staff: envelopes ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def envelopes(request, slug):
    """The edition's envelopes; POST adds one."""
    edition, denied = _staff_edition(request, slug, "admin")
    if denied:
        return denied
    reason = _frozen_reason(edition)
    form = BudgetForm(request.POST or None, frozen_reason=reason)
    done, status = _rules_post(
        request, form, reason, lambda: edition_services.budget_create(edition=edition, actor=request.user,
                                                                      **form.values()),
        _("The budget is added."), reverse("budgets:envelopes", kwargs={"slug": edition.process.slug}))
    if done:
        return done
    return render(request, "budgets/structure/envelopes.html", {
        "edition": edition, "process": edition.process, "form": form, "frozen_reason": reason,
        "totals": selectors.budget_totals(edition)}, status=status)


def _budget(pk) -> Budget:
    budget = Budget.objects.filter(pk=pk).select_related("edition__process", "district").first()
    if budget is None:
        raise Http404
    return budget


@require_http_methods(["GET", "POST"])
def envelope_edit(request, pk):
    budget = _budget(pk)
    denied = refusal(request, "admin")
    if denied:
        return denied
    edition = budget.edition
    reason = _frozen_reason(edition)
    form = BudgetForm(request.POST or None, initial=BudgetForm.initial_for(budget), frozen_reason=reason)
    done, status = _rules_post(
        request, form, reason, lambda: edition_services.budget_update(budget=budget, actor=request.user,
                                                                      **form.values()),
        _("The budget is saved."), reverse("budgets:envelopes", kwargs={"slug": edition.process.slug}))
    if done:
        return done
    return render(request, "budgets/structure/envelope_edit.html", {
        "edition": edition, "process": edition.process, "budget": budget, "form": form, "frozen_reason": reason},
        status=status)


def envelope_delete(request, pk):
    budget = _budget(pk)
    denied = refusal(request, "admin")
    if denied:
        return denied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    slug = budget.edition.process.slug
    _apply(request, lambda: edition_services.budget_delete(budget=budget, actor=request.user),
           _("The budget “%(name)s” is deleted.") % {"name": budget.name})
    return redirect("budgets:envelopes", slug=slug)


def draw(request, pk):
    """Draw the order that breaks the last ties (once, among the projects on the ballot)."""
    budget = _budget(pk)
    denied = refusal(request, "admin")
    if denied:
        return denied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _apply(request, lambda: edition_services.drawn_order_draw(budget=budget, actor=request.user),
           _("The tie-break order of “%(name)s” is drawn and published on the rules page.") % {"name": budget.name})
    return redirect("budgets:projects_manage", slug=budget.edition.process.slug)


# --- Staff: admissibility checklist ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def criteria(request, slug):
    edition, denied = _staff_edition(request, slug, "admin")
    if denied:
        return denied
    reason = _frozen_reason(edition)
    form = CriterionForm(request.POST or None, frozen_reason=reason)
    done, status = _rules_post(
        request, form, reason, lambda: edition_services.criterion_save(
            edition=edition, actor=request.user, **form.cleaned_data),
        _("The criterion is added."), reverse("budgets:criteria", kwargs={"slug": edition.process.slug}))
    if done:
        return done
    return render(request, "budgets/structure/criteria.html", {
        "edition": edition, "process": edition.process, "form": form, "frozen_reason": reason,
        "criteria": list(edition.criteria.all())}, status=status)


@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk):
    criterion = AdmissibilityCriterion.objects.filter(pk=pk).select_related("edition__process").first()
    if criterion is None:
        raise Http404
    denied = refusal(request, "admin")
    if denied:
        return denied
    edition = criterion.edition
    reason = _frozen_reason(edition)
    form = CriterionForm(request.POST or None, initial={"label": criterion.label, "help_text": criterion.help_text},
                         frozen_reason=reason)
    done, status = _rules_post(
        request, form, reason, lambda: edition_services.criterion_save(
            edition=edition, actor=request.user, criterion=criterion, **form.cleaned_data),
        _("The criterion is saved."), reverse("budgets:criteria", kwargs={"slug": edition.process.slug}))
    if done:
        return done
    return render(request, "budgets/structure/criterion_edit.html", {
        "edition": edition, "process": edition.process, "criterion": criterion, "form": form,
        "frozen_reason": reason}, status=status)


# --- Staff: projects --------------------------------------------------------------------------------------


def projects_manage(request, slug):
    edition, denied = _staff_edition(request, slug)
    if denied:
        return denied
    state = process_state(edition.process)
    return render(request, "budgets/structure/projects_manage.html", {
        "edition": edition, "process": edition.process, "groups": selectors.projects_by_budget(edition),
        "frozen": rules_frozen(edition, state), "is_admin": request.user.role == "city_admin"})


def _free_feasible_ideas(edition):
    return (Contribution.objects.filter(process_id=edition.process_id, merged_into__isnull=True, is_hidden=False,
                                        budget_review__feasibility=IdeaReview.Feasibility.FEASIBLE,
                                        budget_projects__isnull=True)
            .select_related("budget_review").order_by("created_at", "id"))


def _project_extra(data) -> dict:
    return {"delay_months": data.get("delay_months"), "department": data.get("department"),
            "district": data.get("district"), "latitude": data.get("latitude"), "longitude": data.get("longitude")}


@require_http_methods(["GET", "POST"])
def project_create(request, slug):
    """Make a project from feasible ideas (ticked in the review list); cost pre-filled with their estimates."""
    edition, denied = _staff_edition(request, slug)
    if denied:
        return denied
    candidates = _free_feasible_ideas(edition)
    initial = {}
    chosen = [i for i in request.GET.getlist("ideas") if i.isdigit()]
    if request.method == "GET" and chosen:
        picked = list(candidates.filter(pk__in=chosen))
        initial = {"ideas": [i.pk for i in picked],
                   "cost": sum(i.budget_review.estimated_cost or 0 for i in picked) or None,
                   "title": picked[0].title if len(picked) == 1 else "",
                   "delay_months": max((i.budget_review.delay_months or 0 for i in picked), default=None) or None,
                   "district": picked[0].district_id if len({i.district_id for i in picked}) == 1 else None,
                   "department": picked[0].budget_review.department_id if picked else None}
    form = ProjectCreateForm(request.POST or None, request.FILES or None, initial=initial, edition=edition,
                             ideas=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            made = {}

            def create():
                made["project"] = project_services.project_from_ideas(
                    edition=edition, actor=request.user, ideas=data["ideas"], title=data["title"], cost=data["cost"],
                    budget=data.get("budget"), summary=data.get("summary", ""), body=data.get("body", ""),
                    **_project_extra(data))
                if data.get("photo"):
                    project_services.project_image_set(project=made["project"], actor=request.user,
                                                       upload=data["photo"], alt=data.get("image_alt", ""))

            if _apply(request, create, _("The project is created. Check it, then put it on the ballot."), form):
                return redirect("budgets:project_edit", pk=made["project"].pk)
        status = 400
    return render(request, "budgets/structure/project_create.html", {
        "edition": edition, "process": edition.process, "form": form, "has_candidates": candidates.exists()},
        status=status)


@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = selectors.project_get_for_staff(pk=pk)
    denied = refusal(request, "staff")
    if denied:
        return denied
    edition = project.edition
    reason = _frozen_reason(edition) if project.state != Project.State.DRAFT else ""
    form = ProjectForm(request.POST or None, request.FILES or None, initial=ProjectForm.initial_for(project),
                       edition=edition, frozen_reason=reason)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            fields = {"summary": data.get("summary", ""), "body": data.get("body", ""), **_project_extra(data)}
            for name in ProjectForm.BALLOT_FIELDS:
                if not form.fields[name].disabled:
                    fields[name] = data.get(name)

            def save():
                project_services.project_update(project=project, actor=request.user, **fields)
                if data.get("remove_photo"):
                    project_services.project_image_set(project=project, actor=request.user, remove=True)
                else:
                    project_services.project_image_set(project=project, actor=request.user,
                                                       upload=data.get("photo"), alt=data.get("image_alt", ""))

            def atomic_save():
                with transaction.atomic():  # the texts and the photo are saved together, or not at all
                    save()

            if _apply(request, atomic_save, _("The project is saved."), form):
                return redirect("budgets:project_edit", pk=project.pk)
        status = 400
    return render(request, "budgets/structure/project_edit.html", {
        "edition": edition, "process": edition.process, "project": project, "form": form, "frozen_reason": reason,
        "ideas": list(project.ideas.select_related("status").order_by("created_at", "id")),
        "credits": selectors.project_credits(project), "frozen": bool(_frozen_reason(edition))}, status=status)


def project_ballot(request, pk):
    """POST on=1 puts the project on its budget's ballot; on=0 takes it off (before voting opens)."""
    project = selectors.project_get_for_staff(pk=pk)
    denied = refusal(request, "staff")
    if denied:
        return denied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    on = request.POST.get("on") == "1"
    _apply(request, lambda: project_services.project_ballot_set(project=project, actor=request.user, on_ballot=on),
           _("The project is on the ballot; the authors of its ideas are told.") if on
           else _("The project is taken off the ballot."))
    return redirect("budgets:project_edit", pk=project.pk)


# --- Public pages -----------------------------------------------------------------------------------------


def _url_or_none(name, **kwargs):
    from django.urls import NoReverseMatch

    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def edition(request, slug):
    edition = edition_get_for_user(slug=slug, user=request.user)
    request.visited_process_id = edition.process_id
    state = process_state(edition.process)
    ballot = capability_decision(user=request.user, process=edition.process, capability=Capability.BALLOT,
                                 state=state)
    return render(request, "budgets/structure/edition.html", {
        "edition": edition, "process": edition.process, "state": state,
        "phases": sorted(edition.process.phases.all(), key=lambda p: p.position),
        "totals": selectors.budget_totals(edition), "counts": selectors.edition_counts(edition, user=request.user),
        "ballot_open": state.is_open(Capability.BALLOT), "ballot": ballot,
        "submit_open": state.is_open(Capability.SUBMIT), "closed": vote_closed(edition, state),
        "is_staff": is_staff(request.user),
    })


def rules(request, slug):
    edition = edition_get_for_user(slug=slug, user=request.user)
    request.visited_process_id = edition.process_id
    state = process_state(edition.process)
    totals = selectors.budget_totals(edition)
    titles = dict(Project.objects.filter(edition=edition).exclude(state=Project.State.DRAFT)
                  .values_list("pk", "title"))
    return render(request, "budgets/structure/rules.html", {
        "edition": edition, "process": edition.process, "state": state, "totals": totals,
        "phases": sorted(edition.process.phases.all(), key=lambda p: p.position),
        "who": selectors.who_may_vote(edition, state), "criteria": list(edition.criteria.all()),
        "budget_rules": selectors.rules_for(edition, totals["budgets"], titles=titles),
        "tie_rule": selectors.TIE_RULE, "frozen_sentence": selectors.frozen_sentence(state),
    })


def projects(request, slug):
    edition = edition_get_for_user(slug=slug, user=request.user)
    request.visited_process_id = edition.process_id
    budgets = selectors.budgets_of(edition)
    districts = list(District.objects.filter(pk__in=[b.district_id for b in budgets if b.district_id])
                     .order_by("position", "name")) or list(District.objects.order_by("position", "name"))
    form = ProjectFilterForm(request.GET or None, budgets=budgets, districts=districts)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    items = list(selectors.project_list(edition=edition, user=request.user, budget=filters.get("budget", ""),
                                        district=filters.get("district", "")))
    return render(request, "budgets/structure/projects.html", {
        "edition": edition, "process": edition.process, "form": form, "projects": items,
        "filtered": bool(filters and any(filters.values())), "is_staff": is_staff(request.user)})


def project(request, pk):
    project = selectors.project_get_for_user(pk=pk, user=request.user)
    edition = project.edition
    request.visited_process_id = edition.process_id
    state = process_state(edition.process)
    ideas = selectors.project_ideas(project, user=request.user)
    is_holder = request.user.is_authenticated and project.holders.filter(pk=request.user.pk).exists()
    point = None
    if project.latitude is not None and project.longitude is not None:
        from tenant_apps.participation.maps import map_build

        class _Point:  # map_build draws anything with a location, a title and a link
            has_location = True
            latitude, longitude, title = project.latitude, project.longitude, project.title

            @staticmethod
            def get_absolute_url():
                return project.get_absolute_url()

        point = map_build(contributions=[_Point()], districts=[])
    return render(request, "budgets/structure/project.html", {
        "project": project, "edition": edition, "process": edition.process, "state": state, "ideas": ideas,
        "credits": selectors.project_credits(project), "facts": selectors.project_review_facts(project),
        "is_holder": is_holder, "can_campaign": is_holder and not vote_closed(edition, state)
        and project.state in (Project.State.DRAFT, Project.State.ON_BALLOT),
        "map": point, "is_staff": is_staff(request.user),
    })


def project_image(request, pk):
    project = selectors.project_get_for_user(pk=pk, user=request.user)
    if not project.image:
        raise Http404
    try:
        handle = project.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    project = selectors.project_get_for_user(pk=pk, user=request.user)
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    edition = project.edition
    is_holder = project.holders.filter(pk=request.user.pk).exists()
    refusal_reason = ""
    if not is_holder:
        refusal_reason = _("Only the holders of this project can write its campaign.")
    elif vote_closed(edition) or project.state not in (Project.State.DRAFT, Project.State.ON_BALLOT):
        refusal_reason = _("The vote is closed: the campaign can no longer change.")
    if refusal_reason:
        return render(request, "budgets/structure/campaign_refused.html",
                      {"project": project, "edition": edition, "reason": refusal_reason}, status=403)
    form = CampaignForm(request.POST or None, initial={"campaign_text": project.campaign_text})
    status = 200
    if request.method == "POST":
        if form.is_valid() and _apply(request, lambda: project_services.campaign_update(
                project=project, actor=request.user, text=form.cleaned_data["campaign_text"]),
                _("Your campaign text is published on the project's page."), form):
            return redirect(project)
        status = 400
    return render(request, "budgets/structure/campaign_edit.html",
                  {"project": project, "edition": edition, "form": form}, status=status)
