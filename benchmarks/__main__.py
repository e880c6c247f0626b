"""`make bench`: request cost of the platform's hot paths, as ratios against a baseline of the same run.

The baseline is `/healthz`, answered by the first middleware without touching the database. Each
other path is measured through the whole stack (tenant lookup, session, locale, template) on the demo
data of `make run` (embedded PostgreSQL unless DATABASE_URL is set). Numbers are medians of several
rounds; compare ratios between runs, not seconds between machines.
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "false"
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
WHICH = os.environ.get("BENCH", "requests,provisioning").split(",")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))


def measure(host: str, path: str) -> float:
    client = Client(HTTP_HOST=host)
    client.get(path)  # warm-up: templates, connection, caches
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(REQUESTS):
            response = client.get(path)
        timings.append((time.perf_counter() - start) / REQUESTS)
        assert response.status_code in (200, 404), (host, path, response.status_code)
        connection.set_schema_to_public()
    return statistics.median(timings)


def requests_bench() -> None:
    call_command("migrate_schemas", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    root = settings.PARVIS_ROOT_DOMAIN
    cases = [
        ("baseline: /healthz (no tenant, no database)", "10.0.0.1", "/healthz"),
        ("control plane home", root, "/"),
        ("city home (villeneuve)", f"villeneuve.{root}", "/"),
        ("city sign-in page", f"villeneuve.{root}", "/comptes/login/"),
        ("unknown host 404", f"inconnue.{root}", "/"),
        ("readiness probe (database, cache, broker)", "10.0.0.1", "/healthz/ready"),
    ]
    results = [(label, measure(host, path)) for label, host, path in cases]
    baseline = results[0][1]
    print(f"{'path':<45} {'ms/request':>11} {'x baseline':>11}")
    for label, seconds in results:
        print(f"{label:<45} {seconds * 1000:>11.3f} {seconds / baseline:>11.1f}")


def main() -> None:
    if "requests" in WHICH:
        requests_bench()
    if "provisioning" in WHICH:
        from benchmarks import provisioning  # noqa: PLC0415

        provisioning.main()


if __name__ == "__main__":
    main()
