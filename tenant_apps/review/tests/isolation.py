"""The review URLs act on a contribution: city B's host must not find one of city A's.

The views look the contribution up before checking the role, so the anonymous client of the check gets
404 on city B's host and, on city A's, the sign-in redirect (pages) or 405 (POST-only actions, to a GET).
"""

from tests.isolation import IsolationCase


def _contribution(city):
    from tenant_apps.participation.tests.factories import contribution, process_in_phase

    process = process_in_phase("ideas", "submission", title="Boîte à idées isolation-instruction")
    made = contribution(process, title="Idée isolation-instruction")
    return {"pk": made.pk}, "Idée isolation-instruction"


CASES = [
    IsolationCase("review:contribution", _contribution, status_home=302),
    *[IsolationCase(f"review:{name}", _contribution, status_home=405)
      for name in ("assign", "note", "status", "answer", "merge")],
]
