"""`migrate_schemas` for hundreds of collectivities: the template schema first, then each collectivity
with progress, going on past a failing one and exiting non-zero with the list of failures."""

import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from provisioning.template_schema import (
    TEMPLATE_SCHEMA,
    schema_unapplied_migrations,
    spare_fill,
    template_migrate,
)
from tenants.selectors import collectivity_list


class Command(MigrateSchemasCommand):
    help = "Migrate the public schema, the template schema and every collectivity, reporting failures at the end."

    def handle(self, *args, **options):
        targeted = options.get("schema_name") or options.get("app_label") or options.get("plan") \
            or options.get("check_unapplied") or options.get("fake") or options.get("executor") \
            not in (None, "standard")
        if targeted:
            return super().handle(*args, **options)
        verbosity = options.get("verbosity", 1)
        quiet = {**options, "verbosity": max(0, verbosity - 1)}
        if not options.get("tenant"):
            super().handle(*args, **{**quiet, "shared": True, "tenant": False})
        if options.get("shared") and not options.get("tenant"):
            return None

        template_migrate(verbosity=max(0, verbosity - 1))
        # Spares are clones of the previous template: drop the stale ones and make fresh ones.
        spare_fill(settings.PARVIS_SPARE_SCHEMAS)
        schemas = list(collectivity_list().order_by("schema_name").values_list("schema_name", flat=True))
        failures: list[tuple[str, str]] = []
        for index, schema in enumerate(schemas, start=1):
            started = time.perf_counter()
            try:
                with transaction.atomic():  # a failing schema must not poison the next ones' queries
                    unapplied = schema_unapplied_migrations(schema)
                if unapplied:
                    super().handle(*args, **{**quiet, "schema_name": schema, "shared": False, "tenant": True})
                    outcome = "ok"
                else:  # one query instead of loading the migration graph for a schema already up to date
                    outcome = "ok (up to date)"
            except Exception as exc:  # noqa: BLE001 — one broken collectivity must not stop the others
                failures.append((schema, f"{exc.__class__.__name__}: {exc}"))
                outcome = "FAILED"
            finally:
                connection.set_schema_to_public()
            if verbosity:
                seconds = time.perf_counter() - started
                self.stdout.write(f"[{index}/{len(schemas)}] {schema}: {outcome} ({seconds:.2f} s)")
        if verbosity:
            self.stdout.write(f"template schema {TEMPLATE_SCHEMA}: ok; {len(schemas) - len(failures)} of "
                              f"{len(schemas)} collectivities migrated")
        if failures:
            for schema, error in failures:
                self.stderr.write(f"{schema}: {error}")
            raise CommandError(f"{len(failures)} collectivities failed to migrate: "
                               + ", ".join(schema for schema, _ in failures))
        return None
