"""The vote URLs act on a contribution: city B's host must not find one of city A's."""

from tests.isolation import IsolationCase


def _contribution(city):
    from tenant_apps.participation.tests.factories import contribution, process_in_phase

    process = process_in_phase("ideas", "submission", title="Boîte à idées isolation-votes")
    made = contribution(process, title="Idée isolation-votes")
    return {"pk": made.pk}, "Idée isolation-votes"


# The views answer POST only: a GET on city A's own host is refused with 405 once the contribution is found.
CASES = [
    IsolationCase("votes:cast", _contribution, status_home=405),
    IsolationCase("votes:withdraw", _contribution, status_home=405),
]
