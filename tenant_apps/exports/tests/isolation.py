"""Cross-collectivity isolation cases for exports and open data (see tests/isolation.py).

Staff exports look the process up before checking who asks: an anonymous visitor is sent to sign in
at home (302) and gets a 404 on another city's host. Open data is public: 200 at home (the data set's
page), 404 elsewhere.
"""

from tests.isolation import IsolationCase


def _process(city):
    from tenant_apps.participation.tests.factories import contribution, process_in_phase

    process = process_in_phase("ideas", "submission", title="Démarche exportable de la ville A")
    contribution(process, title="Contribution ouverte de la ville A")
    return process


def _staff_export(city):
    return {"pk": _process(city).pk}, "Démarche exportable de la ville A"


def _open_data(city):
    # Without ?format= the URL is the data set's page, which names the process.
    return {"slug": _process(city).slug}, "Démarche exportable de la ville A"


CASES = [
    *(IsolationCase(f"exports:{name}", _staff_export, status_home=302, status_elsewhere=404)
      for name in ("contributions", "comments", "votes", "process_json")),
    IsolationCase("exports:open_data_process", _open_data),
]
