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
WHICH = os.environ.get("BENCH", "requests,provisioning,counting,voting").split(",")
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


def _idea_path(host: str) -> str:
    from django_tenants.utils import schema_context

    from tenant_apps.participation.models import Contribution

    with schema_context(host.split(".")[0]):
        idea = Contribution.objects.filter(process__kind="ideas").order_by("id").first()
    connection.set_schema_to_public()
    return f"/contributions/{idea.pk}/"


def measure_votes(host: str) -> float:
    """A signed-in citizen changing their vote (for, against, for...): a write through the whole stack."""
    from django_tenants.utils import schema_context

    from shared_apps.accounts.models import User
    from tenant_apps.participation.models import Contribution

    with schema_context(host.split(".")[0]):
        citizen = User.objects.filter(role="citizen", is_active=True).order_by("id").first()
        idea = Contribution.objects.filter(process__kind="ideas").order_by("id").first()
        client = Client(HTTP_HOST=host)
        client.force_login(citizen)
    connection.set_schema_to_public()
    path = f"/contributions/{idea.pk}/vote/"
    values = ["for", "against"]
    client.post(path, {"value": "for"})
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for i in range(REQUESTS):
            response = client.post(path, {"value": values[i % 2]})
        timings.append((time.perf_counter() - start) / REQUESTS)
        assert response.status_code == 302, response.status_code
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
        ("processes page", f"villeneuve.{root}", "/participer/"),
        ("process page (budget)", f"villeneuve.{root}", "/participer/budget-participatif-2027/"),
        ("contribution list (budget)", f"villeneuve.{root}", "/participer/budget-participatif-2027/contributions/"),
        ("contribution map (budget)", f"villeneuve.{root}",
         "/participer/budget-participatif-2027/contributions/?vue=carte"),
        ("contribution page (idea with debate)", f"villeneuve.{root}", _idea_path(f"villeneuve.{root}")),
    ]
    results = [(label, measure(host, path)) for label, host, path in cases]
    results.append(("vote change (POST, signed in)", measure_votes(f"villeneuve.{root}")))
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
    if "counting" in WHICH:
        from benchmarks import counting  # noqa: PLC0415

        counting.main()
    if "voting" in WHICH:
        from benchmarks import voting  # noqa: PLC0415

        voting.main()


if __name__ == "__main__":
    main()
