"""Isolation cases of eligibility and desk verification (picked up by tests/isolation.py).

The harness's client is anonymous. These views look their object up before checking the role: on
city B the object is not found (404); on city A the sign-in redirect (302) proves the URL is real.
"""

from tests.isolation import IsolationCase


def _process(city):
    from tenant_apps.participation.tests.factories import process_in_phase

    process = process_in_phase("ideas", "submission", publish=False, title="Démarche à l'éligibilité isolée")
    return {"pk": process.pk}, "Démarche à l'éligibilité isolée"


def _person(city):
    from tenant_apps.participation.tests.factories import account

    # A few accounts first: the id must not be one city B also has (each city numbers its own accounts).
    for _n in range(3):
        account()
    person = account(email="guichet-isole@ville-a.example", full_name="Guichet Isolé")
    return {"pk": person.pk}, "guichet-isole@ville-a.example"


CASES = [
    IsolationCase("identity:eligibility_edit", _process, status_home=302),
    IsolationCase("identity:desk_person", _person, status_home=302),
]
