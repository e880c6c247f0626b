"""Isolation cases of the back-office's processes, phases and statuses (picked up by tests/isolation.py).

The harness's client is anonymous. These views look their object up before checking the role: on
city B the object is not found (404); on city A the sign-in redirect (302) proves the URL is real.
"""

from tests.isolation import IsolationCase


def _process(city):
    from tenant_apps.participation.tests.factories import process_in_phase

    process = process_in_phase("ideas", "submission", publish=False, title="Démarche isolée du back-office")
    return {"pk": process.pk}, "Démarche isolée du back-office"


def _phase(city):
    from tenant_apps.participation.tests.factories import process_in_phase

    process = process_in_phase("ideas", "submission", publish=False, title="Démarche aux phases isolées")
    return {"pk": process.phases.get(position=1).pk}, "Démarche aux phases isolées"


def _status(city):
    from tenant_apps.participation.services import status_create
    from tenant_apps.participation.tests.factories import account

    # A new status: the seeded ones have the same ids in every collectivity.
    status = status_create(process_kind="ideas", label_fr="Statut isolé de la ville A", colour="#1f5f99",
                           actor=account("city_admin"))
    return {"pk": status.pk}, "Statut isolé de la ville A"


CASES = [
    IsolationCase(f"backoffice:{name}", make, status_home=302)
    for name, make in [
        ("process_edit", _process),
        ("process_phases", _process),
        ("process_publish", _process),
        ("process_archive", _process),
        ("process_preview", _process),
        ("process_duplicate", _process),
        ("phase_edit", _phase),
        ("phase_move", _phase),
        ("phase_remove", _phase),
        ("status_edit", _status),
        ("status_delete", _status),
    ]
]

EXEMPT = {
    "backoffice:notification_text_edit": "the parameter is a kind of notification (a code name, the same in "
                                         "every collectivity); each city's texts are rows of its own schema",
}
