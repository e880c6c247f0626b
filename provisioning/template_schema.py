"""The template schema: an empty collectivity schema kept migrated, cloned to create new ones in
well under a second. `migrate_schemas` migrates it with every run (see the command's override)."""

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists

TEMPLATE_SCHEMA = "parvis_template"


class TemplateStale(RuntimeError):
    """The template schema lacks migrations the code has: cloning it would create an outdated city."""


def schema_unapplied_migrations(schema_name: str) -> list[str]:
    with schema_context(schema_name):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def schema_migrate(schema_name: str, *, verbosity: int = 0) -> None:
    if not schema_exists(schema_name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    call_command("migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()


def template_migrate(*, verbosity: int = 0) -> None:
    schema_migrate(TEMPLATE_SCHEMA, verbosity=verbosity)


def template_is_fresh() -> bool:
    return schema_exists(TEMPLATE_SCHEMA) and not schema_unapplied_migrations(TEMPLATE_SCHEMA)


def schema_clone_from_template(schema_name: str) -> None:
    """Clone the template into `schema_name` in one statement (all or nothing). Refuses a stale template."""
    if not schema_exists(TEMPLATE_SCHEMA):
        raise TemplateStale("the template schema does not exist; run migrate_schemas")
    missing = schema_unapplied_migrations(TEMPLATE_SCHEMA)
    if missing:
        raise TemplateStale(f"the template schema lacks {len(missing)} migrations ({missing[0]}, ...)")
    CloneSchema().clone_schema(TEMPLATE_SCHEMA, schema_name, "DATA")
    connection.set_schema_to_public()
