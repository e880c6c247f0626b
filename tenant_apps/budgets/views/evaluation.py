"""Pages of the evaluation of an edition: the figures, their PDF report and the satisfaction survey.

The satisfaction survey: the issue asks for it "through the survey module when present". That module
is not part of Parvis yet, so this built-in form (one answer per person, score, would take part
again, comment) is the fallback; it can be replaced by a survey of that module once it exists.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shared_apps.core.errors import ApplicationError
from tenant_apps.budgets.common import edition_get_for_user
from tenant_apps.budgets.evaluation import (
    evaluation_get,
    evaluation_is_public,
    evaluation_phase,
    evaluation_visible,
    satisfaction_answered,
)
from tenant_apps.budgets.forms.realisation import SatisfactionForm
from tenant_apps.budgets.report_pdf import evaluation_pdf as pdf_build
from tenant_apps.budgets.services.realisation import satisfaction_answer
from tenant_apps.participation.state import process_state
from tenant_apps.statistics.charts import horizontal


def _charts(evaluation) -> dict:
    turnout = evaluation.turnout
    charts = {
        "funnel": horizontal(id="entonnoir", caption=_("From ideas to delivered projects"), label_header=_("Step"),
                             value_header=_("Number"),
                             items=[(step["label"], step["count"]) for step in evaluation.funnel]),
        "budgets": horizontal(id="votes-par-budget", caption=_("Votes by budget"), label_header=_("Budget"),
                              value_header=_("Votes"),
                              items=[(row["label"], row["marks"]) for row in turnout["by_budget"]]),
        "ages": horizontal(id="votants-par-age", caption=_("Voters by age range"), label_header=_("Age range"),
                           value_header=_("Voters"),
                           items=[(row["label"], row["voters"]) for row in turnout["by_age"]]),
        "channels": horizontal(id="votes-par-canal", caption=_("Votes by channel"), label_header=_("Channel"),
                               value_header=_("Votes"),
                               items=[(row["label"], row["marks"]) for row in turnout["by_channel"]]),
        "editions": horizontal(id="votants-par-edition", caption=_("Voters by edition"), label_header=_("Edition"),
                               value_header=_("Voters"),
                               items=[(row["title"], row["voters"]) for row in evaluation.comparison]),
    }
    if turnout["by_district"]:
        charts["districts"] = horizontal(
            id="votes-par-quartier", caption=_("Votes in each district's budget"), label_header=_("District"),
            value_header=_("Votes"), items=[(row["label"], row["marks"]) for row in turnout["by_district"]])
    if evaluation.satisfaction["count"]:
        charts["satisfaction"] = horizontal(
            id="satisfaction", caption=_("Answers by score (5: very satisfied)"), label_header=_("Score"),
            value_header=_("Answers"),
            items=[(str(row["score"]), row["count"]) for row in evaluation.satisfaction["by_score"]])
    return charts


def evaluation(request, slug):
    edition = edition_get_for_user(slug=slug, user=request.user)
    request.visited_process_id = edition.process_id
    state = process_state(edition.process)
    context = {"edition": edition, "process": edition.process, "state": state,
               "is_public": evaluation_is_public(edition, state), "phase": evaluation_phase(state)}
    if not evaluation_visible(edition=edition, user=request.user, state=state):
        return render(request, "budgets/realisation/evaluation.html", context)
    report = evaluation_get(edition=edition, user=request.user)
    return render(request, "budgets/realisation/evaluation.html", {
        **context, "evaluation": report, "charts": _charts(report), "figures": report.key_figures,
        "answered": satisfaction_answered(edition=edition, user=request.user),
    })


def evaluation_pdf(request, slug):
    edition = edition_get_for_user(slug=slug, user=request.user)
    state = process_state(edition.process)
    if not evaluation_visible(edition=edition, user=request.user, state=state):
        return render(request, "budgets/realisation/evaluation.html", {
            "edition": edition, "process": edition.process, "state": state, "is_public": False,
            "phase": evaluation_phase(state)}, status=403)
    report = evaluation_get(edition=edition, user=request.user)
    content = pdf_build(report, city_name=request.tenant.name)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"evaluation-{slugify(edition.process.slug)[:80] or edition.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def satisfaction(request, slug):
    """The satisfaction survey of an edition: one answer per signed-in person while it is open."""
    edition = edition_get_for_user(slug=slug, user=request.user)
    url = reverse("budgets:satisfaction", kwargs={"slug": slug})
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={url}")
    answered = satisfaction_answered(edition=edition, user=request.user)
    form = SatisfactionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                satisfaction_answer(edition=edition, respondent=request.user, score=data["score"],
                                    would_take_part_again=data["again"] == "yes", comment=data["comment"])
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Thank you, your answer is recorded."))
                response = redirect(url)
                response.status_code = 303
                return response
        else:
            status = 400
    return render(request, "budgets/realisation/satisfaction.html", {
        "edition": edition, "process": edition.process, "form": form, "answered": answered,
        "login_url": f"{reverse('account_login')}?next={url}",
    }, status=status)
