"""Result parts shown on other pages (the project sheet). Owned by the results part of the module."""

from django import template
from django.template.loader import render_to_string

from tenant_apps.budgets.models import Project, Result
from tenant_apps.budgets.services import results as services

register = template.Library()


@register.filter
def thousands(value):
    """`{{ 1204|thousands }}` → `1 204` (narrow no-break space) in French."""
    try:
        return services.number(value)
    except (TypeError, ValueError):
        return value


def _published(context, budget_id: int) -> Result | None:
    # One query per budget per page, even on a list of project sheets.
    cache = context.render_context.setdefault("budgets_results_published", {})
    if budget_id not in cache:
        cache[budget_id] = Result.objects.filter(budget_id=budget_id, is_published=True).first()
    return cache[budget_id]


@register.simple_tag(takes_context=True)
def project_result(context, project):
    """The outcome of `project` once results are published (why it won or lost), else nothing."""
    if not isinstance(project, Project) or project.budget_id is None:
        return ""
    result = _published(context, project.budget_id)
    data = result.projects.get(str(project.pk)) if result is not None else None
    if data is None:
        return ""
    titles = {}
    if data.get("reason") == "stopped_at_first_unfit":
        titles = {str(pk): title for pk, title in Project.objects.filter(budget_id=project.budget_id)
                      .values_list("pk", "title")}
    sentence = services.reason_sentence(reason=data.get("reason", ""), params=data.get("params", {}), project=project,
                                        score=data.get("score", 0), supporters=data.get("supporters", 0),
                                        unit=services.score_unit(result), titles=titles)
    return render_to_string("budgets/results/project_result.html", {
        "project": project, "row": {"selected": data.get("selected"), "sentence": sentence}},
        request=context.get("request"))
