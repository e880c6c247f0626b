"""Isolation cases of the budget module (structure).

The harness's client is anonymous. Public pages of city A's published edition answer 200 on its host;
staff pages look their object up before checking the role, so city A answers with the sign-in redirect
(302) and city B with 404.
"""

from tests.isolation import IsolationCase

TITLE = "Budget isolé de la ville A"
PROJECT = "Projet isolé de la ville A"


def _edition():
    from tenant_apps.budgets.tests.factories import edition_make

    return edition_make(title=TITLE)


def _slug(city):
    return {"slug": _edition().process.slug}, TITLE


def _project_made(with_image=False):
    from tenant_apps.budgets.services.editions import budget_create, project_create, project_put_on_ballot
    from tenant_apps.participation.tests.factories import account

    admin = account("city_admin")
    edition = _edition()
    budget = budget_create(edition=edition, actor=admin, name="Enveloppe isolée", amount=100_000)
    project = project_create(edition=edition, actor=admin, title=PROJECT, cost=10_000, budget=budget)
    project = project_put_on_ballot(project=project, actor=admin)
    if with_image:
        from tenant_apps.budgets.services.projects import project_image_set
        from tenant_apps.budgets.tests.test_structure_services import png_upload

        project_image_set(project=project, actor=admin, upload=png_upload(), alt="Une place arborée")
    return admin, edition, budget, project


def _project(city):
    _admin, _edition, _budget, project = _project_made()
    return {"pk": project.pk}, PROJECT


def _project_image(city):
    _admin, _edition, _budget, project = _project_made(with_image=True)
    return {"pk": project.pk}, ""


def _budget(city):
    _admin, _edition, budget, _project = _project_made()
    return {"pk": budget.pk}, "Enveloppe isolée"


def _criterion(city):
    from tenant_apps.budgets.services.editions import criterion_save
    from tenant_apps.participation.tests.factories import account

    criterion = criterion_save(edition=_edition(), actor=account("city_admin"), label="Critère isolé de la ville A")
    return {"pk": criterion.pk}, "Critère isolé de la ville A"


def _idea(city):
    from tenant_apps.budgets.common import edition_ensure
    from tenant_apps.participation.tests.factories import contribution, process_in_phase

    process = process_in_phase("budget", "submission", title=TITLE)
    edition_ensure(process)
    idea = contribution(process, title="Idée isolée de la ville A")
    return {"pk": idea.pk}, "Idée isolée de la ville A"


CASES = [
    IsolationCase("budgets:edition", _slug),
    IsolationCase("budgets:rules", _slug),
    IsolationCase("budgets:projects", _slug),
    IsolationCase("budgets:project", _project),
    IsolationCase("budgets:project_image", _project_image),
    IsolationCase("budgets:campaign_edit", _project, status_home=302),
    *[IsolationCase(f"budgets:{name}", _slug, status_home=302)
      for name in ("manage", "settings", "envelopes", "criteria", "review", "projects_manage", "project_create")],
    *[IsolationCase(f"budgets:{name}", _budget, status_home=302)
      for name in ("envelope_edit", "envelope_delete", "draw")],
    IsolationCase("budgets:criterion_edit", _criterion, status_home=302),
    *[IsolationCase(f"budgets:{name}", _idea, status_home=302)
      for name in ("idea_review", "idea_admissibility", "idea_feasibility")],
    *[IsolationCase(f"budgets:{name}", _project, status_home=302) for name in ("project_edit", "project_ballot")],
]
EXEMPT = {}
