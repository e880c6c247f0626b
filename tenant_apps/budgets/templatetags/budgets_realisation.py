"""Realisation parts shown on other pages (the project sheet). Owned by the realisation part of the module."""

from django import template
from django.template.loader import render_to_string

from tenant_apps.budgets.evaluation import project_followup

register = template.Library()


@register.simple_tag(takes_context=True)
def project_realisation(context, project):
    """The follow-up of a winning project (status, progress, money spent, milestones, news), else nothing."""
    followed = project_followup(project)
    if followed is None:
        return ""
    return render_to_string("budgets/realisation/_project_section.html", {"project": followed},
                            request=context.get("request"))


@register.inclusion_tag("budgets/realisation/_badge.html")
def realisation_badge(project):
    """The realisation state of a project as a badge: its words always, a colour only as a reminder."""
    return {"label": project.get_realisation_display(), "state": project.realisation}
