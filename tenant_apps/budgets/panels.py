"""The budget panel of the kernel's process page: links to the edition's pages, and "Vote" while voting is open."""

from django.urls import NoReverseMatch, reverse

from tenant_apps.budgets.common import BUDGET_KIND
from tenant_apps.participation.phases import Capability


def _url(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # a part of the module not installed yet
        return None


def process_panel(*, process, user, state) -> dict:
    """Links for budget processes only; other kinds get an empty context and the template renders nothing."""
    if process.kind != BUDGET_KIND:
        return {}
    slug = process.slug
    return {
        "show": True,
        "edition_url": _url("budgets:edition", slug=slug),
        "rules_url": _url("budgets:rules", slug=slug),
        "projects_url": _url("budgets:projects", slug=slug),
        "vote_url": _url("budgets:vote", slug=slug) if state.is_open(Capability.BALLOT) else None,
    }


def ready_panels() -> None:
    from tenant_apps.participation.panels import Panel, panel_register, process_panels

    panel_register(process_panels, Panel("budget", "budgets/structure/_process_panel.html", process_panel,
                                         position=20))
