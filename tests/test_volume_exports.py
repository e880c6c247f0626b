"""Exports on a collectivity with generated activity: every row, a bounded number of queries.

Lives in tests/ because it borrows the statistics tests' generator (apps do not import each other's tests).
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tenant_apps.participation.tests.factories import city_admin, process_in_phase
from tenant_apps.statistics.tests.test_dashboard import generate

pytestmark = pytest.mark.django_db


def _download(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, url
    return body, len(queries)


def test_exports_carry_thousands_of_rows_with_a_bounded_number_of_queries(in_a, client_a):
    small, large = process_in_phase("ideas", "submission"), process_in_phase("ideas", "submission")
    generate(small, contributions=3, voters_each=2, people=8, comments=2, arguments=1)
    users, _districts = generate(large, contributions=2000, voters_each=5, people=400, comments=300, arguments=100)
    client_a.force_login(city_admin())
    counts = {}
    for name, process in (("small", small), ("large", large)):
        body, counts[(name, "staff")] = _download(
            client_a, reverse("exports:contributions", args=[process.pk]), {"format": "csv"})
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        assert len(rows) - 1 == (3 if name == "small" else 2000)
        body, counts[(name, "open")] = _download(
            client_a, reverse("exports:open_data_process", args=[process.slug]), {"format": "csv"})
        open_rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert len(open_rows) - 1 == (3 if name == "small" else 2000)
        if name == "large":
            text = body.decode("utf-8")
            assert not any(user.email in text or user.full_name in text for user in users[:50])
    # Rows are read in chunks of 500, each chunk fetching its relations once: at most one more query per
    # relation and chunk, never one per row.
    chunks = 2000 // 500
    assert counts[("large", "staff")] - counts[("small", "staff")] <= chunks, counts
    assert counts[("large", "open")] - counts[("small", "open")] <= chunks, counts
