"""Cross-collectivity isolation cases for moderation (see tests/isolation.py).

The "flag" page sends anonymous visitors to sign in once the target is found, so at home it answers 302
(and 404 elsewhere). "act" and "account" are POST-only: at home a GET finds the object, then answers 405.

Accounts exist per city and their ids repeat across cities (each schema has its own sequence), so the
account case creates its user with an explicit id far above any sequence of the test cities: city B cannot
hold an account with that id, and its 404 proves the lookup stays in the current city.
"""

from tests.isolation import IsolationCase

ISOLATED_ACCOUNT_ID = 987_654_321


def _contribution(city):
    from tenant_apps.participation.tests.factories import contribution, process_in_phase

    process = process_in_phase("ideas", "submission", title="Processus modéré de la ville A")
    return contribution(process, title="Contribution signalable de la ville A")


def _flag(city):
    item = _contribution(city)
    return {"kind": "contribution", "pk": item.pk}, item.title


def _act(city):
    item = _contribution(city)
    return {"kind": "contribution", "pk": item.pk, "action": "hide"}, item.title


def _account(city):
    from shared_apps.accounts.models import User

    user = User.objects.create_user(id=ISOLATED_ACCOUNT_ID, email="isolation-moderation@ville-a.example",
                                    password="x-very-long-pw", full_name="Bastien Bloquable")
    return {"pk": user.pk, "action": "block"}, user.email


CASES = [
    IsolationCase("moderation:flag", _flag, status_home=302),
    IsolationCase("moderation:act", _act, status_home=405),
    IsolationCase("moderation:account", _account, status_home=405),
]
