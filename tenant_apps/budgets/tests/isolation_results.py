"""Isolation cases of the budget module (results): an edition, project or budget of city A is never found on city
B's host (404), whatever the role; on its own host the public pages answer 200 and the staff ones ask to sign in."""

from tests.isolation import IsolationCase


def _edition(city):
    from tenant_apps.budgets.tests.factories import budget_make, edition_make

    edition = edition_make(title="Budget isolation-resultats")
    budget_make(edition, name="Enveloppe isolation-resultats")
    return {"slug": edition.process.slug}, "Budget isolation-resultats"


def _project(city):
    from tenant_apps.budgets.tests.factories import budget_make, edition_make

    edition = edition_make(title="Budget isolation-pourquoi")
    _budget, projects = budget_make(edition, name="Enveloppe isolation-pourquoi")
    return {"pk": projects[0].pk}, projects[0].title


def _published_budget(city):
    from tenant_apps.budgets.services.results import result_compute, result_publish
    from tenant_apps.budgets.tests.factories import edition_voting, vote_closed
    from tenant_apps.budgets.tests.test_results_helpers import ballots_add
    from tenant_apps.participation.tests.factories import account

    admin = account("city_admin")
    edition, budget, projects = edition_voting(title="Budget isolation-pb", name="Enveloppe isolation-pb")
    ballots_add(budget, [[projects[0].pk, projects[1].pk]] * 3)
    vote_closed(edition)
    result_publish(result=result_compute(budget=budget, actor=admin), actor=admin)
    return {"pk": budget.pk}, projects[0].title


CASES = [
    IsolationCase("budgets:results", _edition),
    IsolationCase("budgets:project_why", _project),
    IsolationCase("budgets:results_pb", _published_budget),
    # Staff pages: an anonymous visitor on city A's host is sent to the sign-in page once the edition is found.
    IsolationCase("budgets:results_manage", _edition, status_home=302),
    IsolationCase("budgets:pb_import", _edition, status_home=302),
    # POST-only actions: a GET on city A's own host is refused with 405 once the edition is found.
    IsolationCase("budgets:result_compute", _edition, status_home=405),
    IsolationCase("budgets:result_publish", _edition, status_home=405),
]
