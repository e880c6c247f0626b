"""Export a collectivity to one archive (its schema and its files) and restore it under a new slug.

An archive is a `.tar.gz` holding `manifest.json` (the Collectivity row and its domains), `schema.sql`
(a plain `pg_dump` of the collectivity's schema only) and `media/` (its uploaded files). Restoring runs
the dump with psql in one transaction that lets the dump create the original schema name, then renames
it to the new one; an original schema that still exists is moved aside for the duration of that
transaction and put back before it commits, so other sessions never see it change.

The dump is executed as SQL: restore only archives that Parvis produced.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context, schema_exists

from billing.models import ModuleLicence
from tenants.models import Collectivity, Domain
from tenants.validators import DNS_LABEL_RE, validate_slug

FORMAT_VERSION = 1
PARVIS_VERSION = "0.1.0"
MANIFEST_NAME = "manifest.json"
DUMP_NAME = "schema.sql"
MEDIA_DIR = "media"

# Not carried over to a restored collectivity: identity, lifecycle and timestamps belong to the original.
_NOT_RESTORED = frozenset({"id", "slug", "schema_name", "status", "deletion_due_at", "created_at", "updated_at"})


class BackupError(RuntimeError):
    """pg_dump or psql failed, or the archive could not be written; the message says which and why."""


@dataclass(frozen=True)
class _Archive:
    manifest: dict
    dump: Path
    media: Path | None


# --- Shared helpers -------------------------------------------------------------------------------

def collectivity_media_root(schema_name: str) -> Path:
    """Where TenantFileSystemStorage keeps the files of a schema (MEDIA_ROOT/<schema> here)."""
    relative = getattr(settings, "MULTITENANT_RELATIVE_MEDIA_ROOT", "%s")
    relative = relative % schema_name if "%s" in relative else os.path.join(relative, schema_name)
    return Path(settings.MEDIA_ROOT) / relative


def _postgres_binary(name: str) -> str:
    # pgserver ships PostgreSQL 16 client binaries, which can dump and restore servers up to 16.
    try:
        from pgserver._commands import POSTGRES_BIN_PATH  # noqa: PLC0415

        candidate = Path(POSTGRES_BIN_PATH) / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install pgserver or the PostgreSQL client programs")
    return found


def _connection_arguments() -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment for pg_dump/psql, from the live connection settings."""
    db = connection.settings_dict
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(command: list[str], *, env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")
    return result


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _applied_migrations(schema_name: str) -> list[list[str]]:
    with schema_context(schema_name):
        applied = MigrationRecorder(connection).applied_migrations()
    return [list(key) for key in sorted(applied)]


# --- Export ---------------------------------------------------------------------------------------

def _manifest(collectivity: Collectivity, *, dump: Path) -> dict:
    fields = json.loads(serializers.serialize("json", [collectivity]))[0]["fields"]
    version = _run([_postgres_binary("pg_dump"), "--version"], env=dict(os.environ), what="pg_dump --version")
    return {
        "format_version": FORMAT_VERSION,
        "parvis_version": PARVIS_VERSION,
        "created_at": timezone.now().astimezone(UTC).isoformat(),
        "slug": collectivity.slug,
        "schema_name": collectivity.schema_name,
        "name": collectivity.name,
        "kind": collectivity.kind,
        "fields": {key: value for key, value in fields.items() if key not in ("slug", "schema_name")},
        "domains": [
            {"domain": domain.domain, "is_primary": domain.is_primary}
            for domain in Domain.objects.filter(tenant=collectivity).order_by("-is_primary", "domain")
        ],
        "migrations": _applied_migrations(collectivity.schema_name),
        # The licence travels with the data, so a restored collectivity keeps the modules it used.
        "licences": [
            {"module": licence.module, "is_allowed": licence.is_allowed, "is_enabled": licence.is_enabled}
            for licence in ModuleLicence.objects.filter(collectivity=collectivity).order_by("module")
        ],
        "schema_sql_sha256": _sha256(dump),
        "pg_dump": version.stdout.strip(),
    }


def _archive_path(destination_dir: Path, slug: str) -> Path:
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = destination_dir / f"{slug}-{stamp}.tar.gz"
    counter = 2
    while path.exists():
        path = destination_dir / f"{slug}-{stamp}-{counter}.tar.gz"
        counter += 1
    return path


def collectivity_export(*, collectivity: Collectivity, destination_dir: Path | None = None) -> Path:
    """Write a `.tar.gz` of the collectivity (manifest, schema dump, uploaded files); return its path."""
    connection.set_schema_to_public()
    if collectivity.is_public or not schema_exists(collectivity.schema_name):
        raise ValidationError(_("“%(slug)s” has no schema to export."), code="no_schema",
                              params={"slug": collectivity.slug})
    destination_dir = Path(destination_dir or settings.PARVIS_EXPORT_DIR)
    destination_dir.mkdir(parents=True, exist_ok=True)
    args, env = _connection_arguments()
    with tempfile.TemporaryDirectory(prefix="parvis-export-") as workdir:
        dump = Path(workdir) / DUMP_NAME
        _run(
            [_postgres_binary("pg_dump"), *args, "--format=plain", "--no-owner", "--no-privileges",
             "--strict-names", f"--schema={_quote(collectivity.schema_name)}", f"--file={dump}"],
            env=env, what="pg_dump",
        )
        manifest_file = Path(workdir) / MANIFEST_NAME
        manifest_file.write_text(
            json.dumps(_manifest(collectivity, dump=dump), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        media = collectivity_media_root(collectivity.schema_name)
        path = _archive_path(destination_dir, collectivity.slug)
        # Written under a temporary name, then renamed: a half-written archive never looks complete.
        partial = path.with_name(f".{path.name}.partial")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(manifest_file, arcname=MANIFEST_NAME)
                tar.add(dump, arcname=DUMP_NAME)
                if media.is_dir():
                    tar.add(media, arcname=MEDIA_DIR)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return path


# --- Restore --------------------------------------------------------------------------------------

def _check_target(slug: str) -> None:
    validate_slug(slug)
    if Collectivity.objects.filter(slug__iexact=slug).exists() or Collectivity.objects.filter(
        schema_name__iexact=slug
    ).exists():
        raise ValidationError(_("A collectivity with the slug “%(slug)s” already exists."), code="slug_taken",
                              params={"slug": slug})
    if schema_exists(slug):
        raise ValidationError(_("A database schema named “%(slug)s” already exists."), code="schema_taken",
                              params={"slug": slug})
    host = f"{slug}.{settings.PARVIS_ROOT_DOMAIN}"
    if Domain.objects.filter(domain=host).exists():
        raise ValidationError(_("The host name “%(host)s” is already in use."), code="host_taken",
                              params={"host": host})
    media = collectivity_media_root(slug)
    if media.exists() and (not media.is_dir() or any(media.iterdir())):
        raise ValidationError(
            _("Files of a former collectivity remain in %(path)s: move them away before restoring as “%(slug)s”."),
            code="media_taken", params={"path": media, "slug": slug},
        )


def _open_archive(archive: Path, workdir: Path) -> _Archive:
    archive = Path(archive)
    if not archive.is_file():
        raise ValidationError(_("No archive at %(path)s."), code="no_archive", params={"path": archive})
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, links and members outside the target folder.
            tar.extractall(workdir, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _bad_archive(archive, exc) from exc
    try:
        manifest = json.loads((workdir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _bad_archive(archive, f"no valid {MANIFEST_NAME}") from exc
    if not isinstance(manifest, dict):
        raise _bad_archive(archive, f"no valid {MANIFEST_NAME}")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValidationError(
            _("%(path)s has the archive format %(found)s; this version of Parvis reads the format %(expected)s."),
            code="bad_format",
            params={"path": archive, "found": manifest.get("format_version"), "expected": FORMAT_VERSION},
        )
    dump = workdir / DUMP_NAME
    if not dump.is_file():
        raise _bad_archive(archive, f"no {DUMP_NAME}")
    expected = manifest.get("schema_sql_sha256")
    if not expected or _sha256(dump) != expected:
        raise ValidationError(_("%(path)s is damaged: its database dump does not match its checksum."),
                              code="damaged_archive", params={"path": archive})
    source = manifest.get("schema_name")
    # A collectivity's schema is its slug; anything else (public, pg_*) is not a collectivity's dump.
    if not isinstance(source, str) or not DNS_LABEL_RE.match(source) or source == settings.PUBLIC_SCHEMA_NAME:
        raise _bad_archive(archive, f"the manifest names no collectivity schema ({source!r})")
    media = workdir / MEDIA_DIR
    return _Archive(manifest=manifest, dump=dump, media=media if media.is_dir() else None)


def _bad_archive(archive: Path, reason) -> ValidationError:
    return ValidationError(_("%(path)s is not a readable Parvis archive (%(reason)s)."), code="bad_archive",
                           params={"path": archive, "reason": reason})


def _check_migrations(manifest: dict) -> None:
    # A schema migrated further than this code knows could not be served; an older one is migrated.
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in manifest.get("migrations", []) if (app, name) not in known)
    if unknown:
        raise ValidationError(
            _("The archive comes from a newer version of Parvis: migrations unknown here (%(migrations)s)."),
            code="newer_archive", params={"migrations": ", ".join(unknown[:5])},
        )


def _collectivity_from_manifest(manifest: dict, *, slug: str, name: str | None) -> Collectivity:
    values = {}
    fields = manifest.get("fields", {})
    for field in Collectivity._meta.concrete_fields:
        if field.name in _NOT_RESTORED or field.is_relation or not field.editable or field.name not in fields:
            continue
        values[field.name] = field.to_python(fields[field.name])
    values["kind"] = manifest.get("kind", values.get("kind"))
    values["name"] = name or manifest.get("name") or values.get("name")
    collectivity = Collectivity(**values, slug=slug, schema_name=slug, status=Collectivity.Status.ACTIVE)
    collectivity.full_clean()
    return collectivity


# Run by psql around the dump, with the names passed as psql variables (:'x' quotes a literal, :"x" an
# identifier). The original schema, if it still exists, is moved aside, then put back before the commit.
_HOLD_ORIGINAL = """
SELECT pg_catalog.format('ALTER SCHEMA %I RENAME TO %I', :'source', :'hold')
 WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = :'source') \\gexec
"""
_RENAME_AND_GIVE_BACK = """
ALTER SCHEMA :"source" RENAME TO :"target";
SELECT pg_catalog.format('ALTER SCHEMA %I RENAME TO %I', :'hold', :'source')
 WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = :'hold') \\gexec
"""


def _restore_schema(dump: Path, *, source: str, target: str, workdir: Path) -> None:
    """Run the dump in one psql transaction so that its objects end up in `target`."""
    files = [dump]
    if source != target:
        before, after = workdir / "before.sql", workdir / "after.sql"
        before.write_text(_HOLD_ORIGINAL, encoding="utf-8")
        after.write_text(_RENAME_AND_GIVE_BACK, encoding="utf-8")
        files = [before, dump, after]
    hold = f"parvis_hold_{uuid.uuid4().hex[:16]}"  # underscores: never a collectivity's slug
    args, env = _connection_arguments()
    command = [_postgres_binary("psql"), *args, "--no-psqlrc", "--quiet", "--single-transaction",
               "--set", "ON_ERROR_STOP=1", "--set", f"source={source}", "--set", f"target={target}",
               "--set", f"hold={hold}"]
    for file in files:
        command += ["--file", str(file)]
    _run(command, env=env, what="psql (restoring the schema)")


def _drop_schema(schema_name: str) -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {_quote(schema_name)} CASCADE")


def collectivity_restore(*, archive: Path, slug: str, name: str | None = None, actor=None) -> Collectivity:
    """Restore an archive as a new collectivity `slug` (active, on `<slug>.<root>`); all or nothing."""
    connection.set_schema_to_public()
    _check_target(slug)
    with tempfile.TemporaryDirectory(prefix="parvis-restore-") as tmp:
        workdir = Path(tmp)
        content = _open_archive(Path(archive), workdir)
        manifest = content.manifest
        _check_migrations(manifest)
        collectivity = _collectivity_from_manifest(manifest, slug=slug, name=name)
        source = manifest["schema_name"]
        if connection.in_atomic_block:
            # psql commits the schema in its own session: a caller's transaction rolled back later would
            # leave that schema without its row, so the restore must run outside any transaction.
            raise RuntimeError("collectivity_restore commits its work: call it outside transaction.atomic()")
        _restore_schema(content.dump, source=source, target=slug, workdir=workdir)
        media = collectivity_media_root(slug)
        media_existed = media.exists()
        try:
            _migrate_if_needed(slug)
            connection.set_schema_to_public()
            with transaction.atomic():
                # The schema exists already: saving must not create (or migrate) one.
                collectivity.auto_create_schema = False
                collectivity.save()
                Domain.objects.create(domain=collectivity.host, tenant=collectivity, is_primary=True)
                for licence in manifest.get("licences", []):
                    ModuleLicence.objects.create(collectivity=collectivity, **licence)
                _audit(actor=actor, slug=slug, source=manifest.get("slug", source), archive=Path(archive).name)
                if content.media is not None:
                    shutil.copytree(content.media, media, dirs_exist_ok=True)
        except BaseException:
            if not media_existed:
                shutil.rmtree(media, ignore_errors=True)
            _drop_schema(slug)
            raise
    return collectivity


def _migrate_if_needed(schema_name: str) -> None:
    from provisioning.template_schema import schema_migrate, schema_unapplied_migrations  # noqa: PLC0415

    if schema_unapplied_migrations(schema_name):
        schema_migrate(schema_name)


def _audit(*, actor, slug: str, source: str, archive: str) -> None:
    from shared_apps.audit.services import audit_record  # noqa: PLC0415

    audit_record(actor=actor, action="collectivity.restore", collectivity_slug=slug, source=source, archive=archive)

