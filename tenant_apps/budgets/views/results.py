"""Results pages: the public results of an edition, "why won / why lost" per project, the open-data file; and the
staff page to count, compare methods, publish and import a pabulib file.

Views with an id or a slug look their object up first (404 in another city, or when hidden), then check the role.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice.access import is_city_admin, refusal
from tenant_apps.budgets import pb_io
from tenant_apps.budgets.common import edition_get_for_user, vote_closed, vote_phase
from tenant_apps.budgets.forms.results import ComputeForm, PbImportForm, PublishForm
from tenant_apps.budgets.models import BallotKind, Budget, Project, Result
from tenant_apps.budgets.services import results as services
from tenant_apps.participation.state import process_state


def _sentences(result: Result, rows: list[dict]) -> list[dict]:
    titles = {str(row["project"].pk): row["project"].title for row in rows}
    unit = services.score_unit(result)
    for row in rows:
        data = result.projects.get(str(row["project"].pk), {})
        row["sentence"] = services.reason_sentence(
            reason=data.get("reason", ""), params=data.get("params", {}), project=row["project"],
            score=data.get("score", 0), supporters=data.get("supporters", 0), unit=unit, titles=titles)
    return rows


def _vote_end(edition):
    phase = vote_phase(process_state(edition.process))
    return phase.ends_at if phase else None


def results(request, slug):
    edition = edition_get_for_user(slug=slug, user=request.user)
    budgets = services.results_of_edition(edition)
    for item in budgets:
        result = item["result"]
        if result is not None:
            item["winners"] = [row for row in item["rows"] if row["selected"]]
            item["unit"] = services.score_unit(result)
            item["method"] = services.method_explanation(result.rule)
            item["open_data"] = item["budget"].ballot_kind != BallotKind.MAJORITY_JUDGMENT
    return render(request, "budgets/results/results.html", {
        "edition": edition, "process": edition.process, "budgets": budgets, "vote_ends_at": _vote_end(edition),
        "vote_closed": vote_closed(edition), "any_published": any(item["result"] for item in budgets),
    })


def project_why(request, pk):
    project = get_object_or_404(Project.objects.select_related("edition__process", "budget"), pk=pk,
                                state__in=services.COUNTED_STATES, budget__isnull=False)
    edition = edition_get_for_user(slug=project.edition.process.slug, user=request.user)
    result = services.result_published(project.budget)
    context = {"edition": edition, "process": edition.process, "project": project, "budget": project.budget,
               "result": result, "vote_ends_at": _vote_end(edition)}
    if result is not None and str(project.pk) in result.projects:
        projects = services.budget_projects(project.budget)
        rows = _sentences(result, services.result_rows(result, projects))
        row = next(r for r in rows if r["project"].pk == project.pk)
        context.update(row=row, unit=services.score_unit(result), method=services.method_explanation(result.rule),
                       open_data=project.budget.ballot_kind != BallotKind.MAJORITY_JUDGMENT)
    return render(request, "budgets/results/project_why.html", context)


def results_pb(request, pk):
    budget = get_object_or_404(Budget.objects.select_related("edition__process", "district"), pk=pk)
    edition_get_for_user(slug=budget.edition.process.slug, user=request.user)
    try:
        filename, text = pb_io.budget_pb_export(budget=budget)
    except ApplicationError:
        raise Http404 from None
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------------
# Staff


def _manage_url(edition, **query) -> str:
    url = reverse("budgets:results_manage", kwargs={"slug": edition.process.slug})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def results_manage(request, slug):
    edition = edition_get_for_user(slug=slug, user=request.user)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    budgets = list(edition.budgets.select_related("district"))
    all_results = list(Result.objects.filter(budget__edition=edition).select_related("computed_by"))
    sections = []
    for budget in budgets:
        mine = [r for r in all_results if r.budget_id == budget.pk]
        sections.append({"budget": budget, "results": mine[:10], "published": next((r for r in mine if r.is_published),
                                                                                  None),
                         "ballots": services.counted_ballots(budget).count(),
                         "open_data": budget.ballot_kind != BallotKind.MAJORITY_JUDGMENT})
    context = {"edition": edition, "process": edition.process, "sections": sections, "is_admin": is_city_admin(
        request.user), "vote_closed": vote_closed(edition), "vote_ends_at": _vote_end(edition),
        "compute_form": ComputeForm(budgets=budgets, auto_id="compute_%s"),
        "import_form": PbImportForm(auto_id="import_%s")}
    compare_id = request.GET.get("compare", "")
    if compare_id.isdigit():
        budget = next((b for b in budgets if b.pk == int(compare_id)), None)
        if budget is not None:
            try:
                context["comparison"] = {"budget": budget, "rows": services.results_compare(budget=budget,
                                                                                           actor=request.user)}
            except ApplicationError as error:
                messages.error(request, error.message)
    result_id = request.GET.get("result", "")
    if result_id.isdigit():
        result = next((r for r in all_results if r.pk == int(result_id)), None)
        if result is not None:
            budget = next(b for b in budgets if b.pk == result.budget_id)
            rows = _sentences(result, services.result_rows(result, services.budget_projects(budget)))
            context["detail"] = {"result": result, "budget": budget, "rows": rows,
                                 "unit": services.score_unit(result),
                                 "method": services.method_explanation(result.rule)}
    return render(request, "budgets/results/manage.html", context)


def _admin_post(request, slug):
    """(edition, None) when the POST may go on, else (edition, the response to return)."""
    edition = edition_get_for_user(slug=slug, user=request.user)
    if request.method != "POST":
        return edition, HttpResponseNotAllowed(["POST"])
    return edition, refusal(request, "admin")


def result_compute(request, slug):
    edition, stop = _admin_post(request, slug)
    if stop is not None:
        return stop
    budgets = list(edition.budgets.all())
    form = ComputeForm(request.POST, budgets=budgets)
    if not form.is_valid():
        messages.error(request, _("Choose a budget and a counting method."))
        return redirect(_manage_url(edition))
    budget = next(b for b in budgets if b.pk == form.cleaned_data["budget"])
    try:
        result = services.result_compute(budget=budget, actor=request.user, rule=form.cleaned_data["rule"] or None)
    except ApplicationError as error:
        messages.error(request, _("Nothing was counted: %(reason)s") % {"reason": error.message})
        return redirect(_manage_url(edition))
    messages.success(request, _("The ballots of “%(budget)s” are counted. Check the result below, then publish it.")
                     % {"budget": budget.name})
    return redirect(_manage_url(edition, result=result.pk) + "#detail-title")


def result_publish(request, slug):
    edition, stop = _admin_post(request, slug)
    if stop is not None:
        return stop
    form = PublishForm(request.POST)
    result = None
    if form.is_valid():
        result = Result.objects.filter(pk=form.cleaned_data["result"], budget__edition=edition).first()
    if result is None:
        messages.error(request, _("Unknown result."))
        return redirect(_manage_url(edition))
    try:
        services.result_publish(result=result, actor=request.user)
    except ApplicationError as error:
        messages.error(request, _("Nothing was published: %(reason)s") % {"reason": error.message})
    else:
        messages.success(request, _("The result is published; the authors of the ideas are told."))
    return redirect(_manage_url(edition, result=result.pk))


def pb_import(request, slug):
    edition = edition_get_for_user(slug=slug, user=request.user)
    denied = refusal(request, "admin")
    if denied is not None:
        return denied
    form = PbImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            text = pb_io.decode_upload(form.cleaned_data["file"])
            made = pb_io.pb_import(edition=edition, actor=request.user, text=text, name=form.cleaned_data["name"])
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The budget “%(name)s” is imported: %(projects)s projects, %(ballots)s "
                                        "ballots.") % {"name": made.budget.name, "projects": len(made.projects),
                                                       "ballots": made.ballots})
            return redirect(_manage_url(edition))
    try:
        pb_io.import_allowed(edition)
        refused = ""
    except ApplicationError as error:
        refused = error.message
    return render(request, "budgets/results/pb_import.html", {
        "edition": edition, "process": edition.process, "form": form, "refused": refused},
        status=400 if request.method == "POST" else 200)
