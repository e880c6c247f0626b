"""Provisioning benchmark: clone of the template schema vs. running migrations, with 10, 100 and 500
collectivities already present, and a no-op `migrate_schemas` across all of them.

Writes bench/results/provisioning.json and the table of docs/benchmarks.md. Everything it creates
(collectivities `bench-*`) is removed at the end. Sizes can be lowered with BENCH_LEVELS=10,50.
"""

import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

from provisioning.services import collectivity_provision
from provisioning.tasks import spare_schemas_refill
from provisioning.template_schema import spare_fill
from tenants.models import Collectivity

ROOT = Path(__file__).resolve().parent.parent
LEVELS = [int(x) for x in os.environ.get("BENCH_LEVELS", "10,100,500").split(",")]
CLONE_SAMPLES = int(os.environ.get("BENCH_CLONE_SAMPLES", "15"))
MIGRATION_SAMPLES = int(os.environ.get("BENCH_MIGRATION_SAMPLES", "5"))


def _provision(slug: str, *, method: str) -> float:
    """Wall time of a full provisioning (validation, row, all steps) by `method`: spare, clone, migrations."""
    overrides = {"spare": {"PARVIS_SPARE_SCHEMAS": 1},
                 "clone": {"PARVIS_SPARE_SCHEMAS": 0},
                 "migrations": {"PARVIS_PROVISION_BY_CLONING": False, "PARVIS_SPARE_SCHEMAS": 0}}[method]
    if method == "spare":
        spare_fill(1)  # the worker's refill, between two provisionings: not timed
    # The refill after a take is the worker's background job: not part of the provisioning time.
    with override_settings(**overrides), mock.patch.object(spare_schemas_refill, "delay", lambda: None):
        started = time.perf_counter()
        job = collectivity_provision(slug=slug, name=slug, kind="commune", admin_email=f"admin@{slug}.example",
                                     run_now=True)
        seconds = time.perf_counter() - started
    assert job.status == "done", job.error
    assert job.method == method, job.method
    return seconds


def _drop(slugs) -> None:
    for collectivity in Collectivity.objects.filter(slug__in=list(slugs)):
        collectivity.delete(force_drop=True)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_s": round(statistics.median(values), 4), "p95_s": round(_p95(values), 4),
            "max_s": round(max(values), 4)}


def run() -> dict:
    connection.set_schema_to_public()
    call_command("migrate_schemas", verbosity=0)
    _drop(Collectivity.objects.filter(slug__startswith="bench-").values_list("slug", flat=True))
    fillers: list[str] = []
    levels = []
    serial = 0
    try:
        for level in LEVELS:
            existing = Collectivity.objects.exclude(schema_name="public").count()
            while existing < level:
                slug = f"bench-f{len(fillers):04d}"
                _provision(slug, method="clone")
                fillers.append(slug)
                existing += 1
            samples = {"spare": [], "clone": [], "migrations": []}
            measured = []
            for method, count in (("spare", CLONE_SAMPLES), ("clone", CLONE_SAMPLES),
                                  ("migrations", MIGRATION_SAMPLES)):
                for _ in range(count):
                    serial += 1
                    slug = f"bench-{method[0]}{serial:04d}"
                    samples[method].append(_provision(slug, method=method))
                    measured.append(slug)
            _drop(measured)
            p50 = {method: statistics.median(values) for method, values in samples.items()}
            entry = {"existing_collectivities": existing,
                     **{method: _summary(values) for method, values in samples.items()},
                     "speedup_p50_spare": round(p50["migrations"] / p50["spare"], 2),
                     "speedup_p50_clone": round(p50["migrations"] / p50["clone"], 2)}
            levels.append(entry)
            print(json.dumps(entry))
        started = time.perf_counter()
        call_command("migrate_schemas", verbosity=0)
        noop = time.perf_counter() - started
        count = Collectivity.objects.exclude(schema_name="public").count()
    finally:
        _drop(fillers)
        spare_fill(0)
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "postgres": _server_version(), "database": "embedded" if not os.environ.get("DATABASE_URL")
                    else "DATABASE_URL"},
        "levels": levels,
        "noop_migrate_schemas": {"collectivities": count, "seconds": round(noop, 2),
                                 "per_collectivity_s": round(noop / max(count, 1), 4)},
        "target": "provisioning p95 < 1 s, flat from 10 to 500, >= 5x faster than migrations (p50)",
        "methods": {"spare": "rename a clone of the template made ahead of time (the default)",
                    "clone": "clone the template on demand (no spare ready)",
                    "migrations": "create the schema and run every migration (fallback)"},
    }


def _server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def write(results: dict) -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "provisioning.json").write_text(json.dumps(results, indent=2) + "\n")
    rows = "\n".join(
        f"| {lv['existing_collectivities']} | {lv['spare']['p50_s']:.3f} | {lv['spare']['p95_s']:.3f} | "
        f"{lv['clone']['p50_s']:.3f} | {lv['clone']['p95_s']:.3f} | "
        f"{lv['migrations']['p50_s']:.3f} | {lv['migrations']['p95_s']:.3f} | "
        f"{lv['speedup_p50_spare']:.1f}× | {lv['speedup_p50_clone']:.1f}× |"
        for lv in results["levels"]
    )
    noop = results["noop_migrate_schemas"]
    table = (
        "| existing | spare p50 (s) | spare p95 (s) | clone p50 (s) | clone p95 (s) | migrations p50 (s) "
        "| migrations p95 (s) | speed-up spare | speed-up clone |\n|---|---|---|---|---|---|---|---|---|\n"
        + rows + "\n\n"
        f"No-op `migrate_schemas` across {noop['collectivities']} collectivities: {noop['seconds']} s "
        f"({noop['per_collectivity_s']} s each).\n"
    )
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text() if doc.exists() else ""
    start, end = "<!-- provisioning:start -->", "<!-- provisioning:end -->"
    machine = results["machine"]
    block = (f"{start}\nMeasured {results['measured_at']} on {machine['cores']} cores, Python {machine['python']}, "
             f"{machine['database']} PostgreSQL {machine['postgres']}.\n\n{table}{end}")
    if start in text:
        text = text.split(start)[0] + block + text.split(end)[1]
    else:
        text += "\n" + block + "\n"
    doc.write_text(text)


def main() -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    results = run()
    write(results)
    print(json.dumps(results, indent=2))
