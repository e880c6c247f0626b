"""Pages of the follow-up of the winners: the public list, news photos, and the staff's follow-up pages.

Views with an id or a slug look their object up first (404 on another collectivity's host), then check
the method (POST-only actions answer 405 to a GET), then the role. Services decide; a refusal comes
back as a form error or a message, never as a 500.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice.access import refusal
from tenant_apps.budgets.common import BUDGET_KIND, edition_ensure, edition_get_for_user
from tenant_apps.budgets.evaluation import followed_projects, followup_totals, project_followup
from tenant_apps.budgets.forms.realisation import (
    FollowupFilterForm,
    InlineRealisationForm,
    MilestoneForm,
    NewsForm,
    RealisationForm,
)
from tenant_apps.budgets.models import Budget, Milestone, Project, ProjectNews
from tenant_apps.budgets.services import realisation as services
from tenant_apps.participation.models import District, Process
from tenant_apps.participation.selectors import process_get_for_user
from tenant_apps.participation.state import process_state


def _see_other(url: str):
    response = redirect(url)
    response.status_code = 303
    return response


# --- Public -------------------------------------------------------------------------------------------


def realisation(request, slug):
    """Every winning project of the edition and where it stands, filtered by budget or district."""
    edition = edition_get_for_user(slug=slug, user=request.user)
    request.visited_process_id = edition.process_id
    budgets = list(Budget.objects.filter(edition=edition).select_related("district").order_by("position", "id"))
    district_ids = {b.district_id for b in budgets if b.district_id} | set(
        Project.objects.filter(edition=edition, state=Project.State.WINNER, district__isnull=False)
        .values_list("district_id", flat=True))
    districts = list(District.objects.filter(pk__in=district_ids))
    form = FollowupFilterForm(request.GET or None, budgets=budgets, districts=districts)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    budget = next((b for b in budgets if str(b.pk) == filters.get("budget")), None)
    district = next((d for d in districts if str(d.pk) == filters.get("district")), None)
    projects = followed_projects(edition=edition, budget=budget, district=district)
    return render(request, "budgets/realisation/realisation.html", {
        "edition": edition, "process": edition.process, "state": process_state(edition.process), "form": form,
        "projects": projects, "totals": followup_totals(projects), "filtered": bool(budget or district),
    })


def news_photo(request, pk):
    """The photo of a piece of news, only where and to whom its edition is visible (never a public media URL)."""
    news = get_object_or_404(ProjectNews.objects.select_related("project__edition__process"), pk=pk)
    process = news.project.edition.process
    process_get_for_user(slug=process.slug, user=request.user)  # 404 unless this person may see the edition
    if not news.photo or news.project.state != Project.State.WINNER:
        raise Http404
    try:
        handle = news.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Staff --------------------------------------------------------------------------------------------


def _staff_edition(slug):
    process = get_object_or_404(Process, slug=slug, kind=BUDGET_KIND)
    return edition_ensure(process)


def _staff_project(pk) -> Project:
    return get_object_or_404(Project.objects.select_related("edition__process", "budget"), pk=pk)


def _staff_milestone(pk) -> Milestone:
    return get_object_or_404(Milestone.objects.select_related("project__edition__process"), pk=pk)


def _edit_url(project) -> str:
    return reverse("budgets:realisation_edit", kwargs={"pk": project.pk})


@require_http_methods(["GET", "POST"])
def realisation_manage(request, slug):
    """The winners of an edition, each with its state, progress and money spent editable on its row."""
    edition = _staff_edition(slug)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    projects = followed_projects(edition=edition)
    status = 200
    sent = None
    if request.method == "POST":
        row = request.POST.get("project", "")
        sent = InlineRealisationForm(request.POST, auto_id=f"row{row if row.isdigit() else ''}_%s")
        project = None
        if sent.is_valid():
            project = next((p for p in projects if p.pk == sent.cleaned_data["project"]), None)
        if project is None:
            messages.error(request, _("Nothing was changed: check the row you sent."))
            status = 400
        else:
            data = sent.cleaned_data
            try:
                services.project_realisation_update(project=project, actor=request.user,
                                                    realisation=data["realisation"], progress=data["progress"],
                                                    spent=data["spent"])
            except ApplicationError as error:
                messages.error(request, _("“%(title)s” was not changed: %(reason)s")
                               % {"title": project.title, "reason": error.message})
                status = error.status
            else:
                messages.success(request, _("“%(title)s” is updated.") % {"title": project.title})
                return _see_other(reverse("budgets:realisation_manage", kwargs={"slug": slug}))
    for project in projects:
        bound = sent if sent is not None and sent.data.get("project") == str(project.pk) else None
        project.row_form = bound or InlineRealisationForm(
            auto_id=f"row{project.pk}_%s",
            initial={"project": project.pk, "realisation": project.realisation, "progress": project.progress,
                     "spent": project.spent})
    return render(request, "budgets/realisation/manage.html", {
        "edition": edition, "process": edition.process, "projects": projects, "totals": followup_totals(projects),
    }, status=status)


def _edit_page(request, project, *, realisation_form=None, milestone_form=None, news_form=None, status=200):
    followed = project_followup(project) or project
    return render(request, "budgets/realisation/edit.html", {
        "project": followed, "edition": project.edition, "process": project.edition.process,
        "is_winner": project.state == Project.State.WINNER,
        "realisation_form": realisation_form or RealisationForm(auto_id="realisation_%s", initial={
            "realisation": project.realisation, "progress": project.progress, "spent": project.spent}),
        "milestone_form": milestone_form or MilestoneForm(auto_id="milestone_%s"),
        "news_form": news_form or NewsForm(auto_id="news_%s"),
    }, status=status)


_PHOTO_ERRORS = frozenset({"file_type", "file_damaged", "file_too_large", "file_empty", "image_too_large"})


def _edit_submit(request, project, key: str, form, action, success, *, anchor: str = "", error_field=None):
    """One form of the follow-up page: run `action` on the valid data and come back to the page, or show the page
    again with this form, its errors and the right status."""
    if not form.is_valid():
        return _edit_page(request, project, status=400, **{key: form})
    try:
        done = action(form.cleaned_data)
    except ApplicationError as error:
        form.add_error(error_field(error) if error_field else None, error.message)
        return _edit_page(request, project, status=error.status, **{key: form})
    messages.success(request, success(done))
    return _see_other(_edit_url(project) + anchor)


@require_http_methods(["GET", "POST"])
def realisation_edit(request, pk):
    """A winning project's follow-up: its state, milestones and news."""
    project = _staff_project(pk)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    if request.method != "POST":
        return _edit_page(request, project)
    return _edit_submit(
        request, project, "realisation_form", RealisationForm(request.POST, auto_id="realisation_%s"),
        lambda data: services.project_realisation_update(project=project, actor=request.user, **data),
        lambda _done: _("The follow-up of the project is saved."))


def milestone_add(request, pk):
    project = _staff_project(pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    return _edit_submit(
        request, project, "milestone_form", MilestoneForm(request.POST, auto_id="milestone_%s"),
        lambda data: services.milestone_save(project=project, actor=request.user, **data),
        lambda _done: _("The milestone is added."), anchor="#jalons")


@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk):
    milestone = _staff_milestone(pk)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    project = milestone.project
    form = MilestoneForm(request.POST or None, initial={"title": milestone.title, "due_on": milestone.due_on,
                                                        "done_on": milestone.done_on})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.milestone_save(project=project, actor=request.user, milestone=milestone, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The milestone is saved."))
                return _see_other(_edit_url(project) + "#jalons")
        else:
            status = 400
    return render(request, "budgets/realisation/milestone_form.html", {
        "milestone": milestone, "project": project, "edition": project.edition, "form": form}, status=status)


def milestone_reach(request, pk):
    milestone = _staff_milestone(pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    try:
        services.milestone_reach(milestone=milestone, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(title)s” is marked as reached.") % {"title": milestone.title})
    return _see_other(_edit_url(milestone.project) + "#jalons")


@require_http_methods(["GET", "POST"])
def milestone_delete(request, pk):
    milestone = _staff_milestone(pk)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    if request.method == "POST":
        try:
            services.milestone_delete(milestone=milestone, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The milestone is deleted."))
        return _see_other(_edit_url(milestone.project) + "#jalons")
    return render(request, "budgets/realisation/milestone_delete.html", {
        "milestone": milestone, "project": milestone.project, "edition": milestone.project.edition})


def news_publish(request, pk):
    project = _staff_project(pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    return _edit_submit(
        request, project, "news_form", NewsForm(request.POST, request.FILES, auto_id="news_%s"),
        lambda data: services.project_news_publish(
            project=project, actor=request.user, title=data["title"], body=data["body"],
            photo=data.get("photo") or None, photo_alt=data.get("photo_alt", "")),
        lambda news: ngettext("The news is published and sent to %(n)s person.",
                              "The news is published and sent to %(n)s people.",
                              news.recipients) % {"n": news.recipients},
        anchor="#actualites", error_field=lambda error: "photo" if error.code in _PHOTO_ERRORS else None)
