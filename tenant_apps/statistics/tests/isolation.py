"""Cross-collectivity isolation cases for the statistics pages (see tests/isolation.py)."""

from tests.isolation import IsolationCase


def _process(city):
    from tenant_apps.participation.tests.factories import process_in_phase

    process = process_in_phase("ideas", "submission", title="Statistiques isolées de la ville A")
    # The harness is anonymous: the process is looked up before the role check, so city A answers
    # with the sign-in redirect and city B with 404.
    return {"pk": process.pk}, ""


CASES = [
    IsolationCase("statistics:process", _process, status_home=302, status_elsewhere=404),
]

EXEMPT = {
    "statistics:compare": "takes a process kind from the fixed list of blueprints, not an object of a collectivity",
}
