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

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

from provisioning.services import collectivity_provision
from tenants.models import Collectivity

ROOT = Path(__file__).resolve().parent.parent
LEVELS = [int(x) for x in os.environ.get("BENCH_LEVELS", "10,100,500").split(",")]
CLONE_SAMPLES = int(os.environ.get("BENCH_CLONE_SAMPLES", "15"))
MIGRATION_SAMPLES = int(os.environ.get("BENCH_MIGRATION_SAMPLES", "5"))


def _provision(slug: str, *, by_cloning: bool) -> float:
    with override_settings(PARVIS_PROVISION_BY_CLONING=by_cloning):
        started = time.perf_counter()
        job = collectivity_provision(slug=slug, name=slug, kind="commune", admin_email=f"admin@{slug}.example",
                                     run_now=True)
        seconds = time.perf_counter() - started
    assert job.status == "done", job.error
    assert job.method == ("clone" if by_cloning else "migrations"), job.method
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
                _provision(slug, by_cloning=True)
                fillers.append(slug)
                existing += 1
            clone, migrations, measured = [], [], []
            for _ in range(CLONE_SAMPLES):
                serial += 1
                slug = f"bench-c{serial:04d}"
                clone.append(_provision(slug, by_cloning=True))
                measured.append(slug)
            for _ in range(MIGRATION_SAMPLES):
                serial += 1
                slug = f"bench-m{serial:04d}"
                migrations.append(_provision(slug, by_cloning=False))
                measured.append(slug)
            _drop(measured)
            entry = {"existing_collectivities": existing, "clone": _summary(clone),
                     "migrations": _summary(migrations),
                     "speedup_p50": round(statistics.median(migrations) / statistics.median(clone), 2)}
            levels.append(entry)
            print(json.dumps(entry))
        started = time.perf_counter()
        call_command("migrate_schemas", verbosity=0)
        noop = time.perf_counter() - started
        count = Collectivity.objects.exclude(schema_name="public").count()
    finally:
        _drop(fillers)
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "postgres": _server_version(), "database": "embedded" if not os.environ.get("DATABASE_URL")
                    else "DATABASE_URL"},
        "levels": levels,
        "noop_migrate_schemas": {"collectivities": count, "seconds": round(noop, 2),
                                 "per_collectivity_s": round(noop / max(count, 1), 4)},
        "target": "clone p95 < 1 s, flat from 10 to 500, >= 5x faster than migrations (p50)",
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
        f"| {lv['existing_collectivities']} | {lv['clone']['p50_s']:.3f} | {lv['clone']['p95_s']:.3f} | "
        f"{lv['migrations']['p50_s']:.3f} | {lv['migrations']['p95_s']:.3f} | {lv['speedup_p50']:.1f}× |"
        for lv in results["levels"]
    )
    noop = results["noop_migrate_schemas"]
    table = (
        "| existing collectivities | clone p50 (s) | clone p95 (s) | migrations p50 (s) | migrations p95 (s) "
        "| clone speed-up (p50) |\n|---|---|---|---|---|---|\n" + rows + "\n\n"
        f"No-op `migrate_schemas` across {noop['collectivities']} collectivities: {noop['seconds']} s "
        f"({noop['per_collectivity_s']} s each).\n"
    )
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text() if doc.exists() else ""
    start, end = "<!-- provisioning:start -->", "<!-- provisioning:end -->"
    block = f"{start}\nMeasured {results['measured_at']} ({results['machine']}).\n\n{table}{end}"
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
