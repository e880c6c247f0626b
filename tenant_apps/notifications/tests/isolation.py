"""Isolation cases of the notifications app (picked up by tests/test_isolation.py).

The follow URLs are POST-only: on their own city a GET finds the object and answers 405; on another
city the object is not found (404). An unsubscribe token of city A is refused on city B with the
"link not valid" page and a 404, like an unknown invitation link (the token's signature includes
the schema, docs/adr/0003).
"""

from tests.isolation import IsolationCase


def _process(city):
    from tenant_apps.participation.tests.factories import process_in_phase

    process = process_in_phase("ideas", "submission", title="Processus suivi isolé")
    return {"slug": process.slug}, "Processus suivi isolé"


def _contribution(city):
    from tenant_apps.participation.tests.factories import contribution, process_in_phase

    item = contribution(process_in_phase("ideas", "submission"), title="Contribution suivie isolée")
    return {"pk": item.pk}, "Contribution suivie isolée"


def _unsubscribe(city):
    from tenant_apps.notifications.services import unsubscribe_token_make
    from tenant_apps.participation.tests.factories import account

    user = account(email="isolation-desabonnement@ville-a.example")
    return {"token": unsubscribe_token_make(user)}, "isolation-desabonnement@ville-a.example"


CASES = [
    IsolationCase("notifications:follow_process", _process, status_home=405),
    IsolationCase("notifications:follow_contribution", _contribution, status_home=405),
    IsolationCase("notifications:unsubscribe", _unsubscribe),
]
