"""The template schema: an empty collectivity schema kept migrated, cloned to create new ones in
well under a second. `migrate_schemas` migrates it with every run (see the command's override)."""

from django.core.management import call_command
from django.db import connection
from django_tenants.clone import CloneSchema
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import schema_exists

TEMPLATE_SCHEMA = "parvis_template"


class TemplateStale(RuntimeError):
    """The template schema lacks migrations the code has: cloning it would create an outdated city."""


_known_migrations: set[tuple[str, str]] | None = None


def known_migrations() -> set[tuple[str, str]]:
    """Every migration of the code, read from disk once per process."""
    global _known_migrations  # noqa: PLW0603
    if _known_migrations is None:
        from django.db.migrations.loader import MigrationLoader  # noqa: PLC0415

        _known_migrations = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    return _known_migrations


def schema_unapplied_migrations(schema_name: str) -> list[str]:
    """Migrations of the code not recorded in that schema (one query once the code's list is known)."""
    with connection.cursor() as cursor:
        _check_schema_name(schema_name)  # a validated identifier, quoted: safe to interpolate
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')  # noqa: S608
        applied = set(cursor.fetchall())
    return sorted(f"{app}.{name}" for app, name in known_migrations() - applied)


def schema_migrate(schema_name: str, *, verbosity: int = 0) -> None:
    _check_schema_name(schema_name)
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
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # django-tenants' clone_schema() PL/pgSQL function: installed once, not at every clone.
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'clone_schema'")
        if cursor.fetchone() is None:
            CloneSchema()._create_clone_schema_function()
        cursor.execute("SELECT clone_schema(%s, %s, 'DATA')", [TEMPLATE_SCHEMA, schema_name])


# --- Spare schemas ----------------------------------------------------------------------------------
# Clones of the template made ahead of time, so that provisioning only renames one (constant time,
# whatever the size of the catalogue). A background task refills the pool after each take.
SPARE_PREFIX = "parvis_spare_"
_SPARE_LOCK = 7_262_021  # pg advisory lock key: one take at a time


def spare_schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY nspname",
                       [SPARE_PREFIX])
        return [row[0] for row in cursor.fetchall()]


def spare_drop(schema_name: str) -> None:
    if not schema_name.startswith(SPARE_PREFIX):
        raise ValueError(schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


def spare_fill(count: int) -> int:
    """Clone the template until `count` fresh spares exist; drop stale ones. Returns how many were made."""
    import uuid  # noqa: PLC0415

    made = 0
    for index, name in enumerate(spare_schemas()):
        if index >= count or schema_unapplied_migrations(name):
            spare_drop(name)
    while len(spare_schemas()) < count:
        schema_clone_from_template(f"{SPARE_PREFIX}{uuid.uuid4().hex[:12]}")
        made += 1
    return made


def spare_take(schema_name: str) -> bool:
    """Rename a fresh spare to `schema_name`; False when the pool is empty (the caller clones)."""
    from django.db import transaction  # noqa: PLC0415

    _check_schema_name(schema_name)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SPARE_LOCK])
        for name in spare_schemas():
            if schema_unapplied_migrations(name):
                spare_drop(name)
                continue
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER SCHEMA "{name}" RENAME TO "{schema_name}"')
            return True
    return False
