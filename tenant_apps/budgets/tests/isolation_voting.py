"""Isolation cases of the budget module (voting): city B's host must not find city A's edition, budget,
polling place or paper entry. The isolation client is anonymous: public pages answer 200 at home; pages
needing an account or the staff send to the sign-in page (302) once the object is found."""

from tests.isolation import IsolationCase

TITLE = "Budget isolation-vote"


def _edition():
    from tenant_apps.budgets.tests.factories import edition_voting

    edition, budget, projects = edition_voting(title=TITLE, name="Enveloppe isolation-vote")
    return edition, budget, projects


def _slug(city):
    edition, _budget, _projects = _edition()
    return {"slug": edition.process.slug}, TITLE


def _budget(city):
    _edition_, budget, _projects = _edition()
    return {"pk": budget.pk}, "Enveloppe isolation-vote"


def _place(city):
    from tenant_apps.budgets.models import PollingPlace

    edition, _budget, _projects = _edition()
    place = PollingPlace.objects.create(edition=edition, name="Bureau isolation-vote")
    return place, _budget


def _place_pk(city):
    place, _budget = _place(city)
    return {"pk": place.pk}, ""


def _place_budget(city):
    place, budget = _place(city)
    return {"pk": place.pk, "budget_pk": budget.pk}, ""


def _entry(city):
    from tenant_apps.budgets.models import PaperEntry

    place, budget = _place(city)
    entry = PaperEntry.objects.create(budget=budget, polling_place=place, sheet=7, first_choices={},
                                      state=PaperEntry.State.MISMATCH, second_choices={"x": 1})
    return {"pk": entry.pk}, ""


CASES = [
    IsolationCase("budgets:vote", _slug),
    IsolationCase("budgets:ballot", _budget),
    IsolationCase("budgets:ballot_done", _budget, status_home=302),
    IsolationCase("budgets:voting_desk", _slug, status_home=302),
    IsolationCase("budgets:polling_places", _slug, status_home=302),
    IsolationCase("budgets:paper_mismatches", _slug, status_home=302),
    IsolationCase("budgets:polling_place_edit", _place_pk, status_home=302),
    IsolationCase("budgets:voting_marking", _place_pk, status_home=302),
    IsolationCase("budgets:paper_entry", _place_budget, status_home=302),
    IsolationCase("budgets:paper_resolve", _entry, status_home=302),
]
EXEMPT = {}
