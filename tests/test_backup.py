"""Exporting a collectivity to an archive and restoring it as a new collectivity.

pg_dump and psql run in their own processes and only see committed data, so the tests that export and
restore commit real rows (django_db_blocker, no `db` fixture) and remove everything they created.
"""

import json
import shutil
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation
from django_tenants.utils import schema_context

from conftest import HostClient
from provisioning import backup
from provisioning.backup import collectivity_export, collectivity_media_root, collectivity_restore
from shared_apps.accounts.models import User
from shared_apps.accounts.services import account_create
from shared_apps.audit.models import AuditEntry
from tenant_apps.organisation.models import Department
from tenant_apps.organisation.services import department_create
from tenants.models import Collectivity, Domain

COPY = "ville-a-copie"
COPY_NAME = "Ville A (copie)"
MARKER = "sauvegarde-test"  # in the e-mails and names of what the tests add to ville-a


# --- Reading the database as it is -----------------------------------------------------------------

def _query(sql: str, params=()) -> list[tuple]:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _schemas() -> set[str]:
    return {name for (name,) in _query("SELECT nspname FROM pg_namespace")}


def _tables(schema: str) -> list[str]:
    return [name for (name,) in _query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'"
        " ORDER BY table_name", [schema],
    )]


def _rows(schema: str) -> dict[str, list[tuple]]:
    return {table: _query(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1') for table in _tables(schema)}


def _row_counts(schema: str) -> dict[str, int]:
    return {table: _query(f'SELECT count(*) FROM "{schema}"."{table}"')[0][0] for table in _tables(schema)}


def _sequences(schema: str) -> dict[str, tuple]:
    return {name: _query(f'SELECT last_value, is_called FROM "{schema}"."{name}"')[0] for (name,) in _query(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = %s", [schema],
    )}


def _structure(schema: str) -> dict[str, set]:
    """Indexes, constraints and column defaults, with the schema's own name taken out."""
    def strip(text):
        return text.replace(f'"{schema}".', "").replace(f"{schema}.", "")

    # A partial index's predicate comes back equivalent but spelt differently (IN lists become ARRAY casts):
    # compare its table, columns and uniqueness, and that it has a predicate.
    indexes = {
        (name, strip(definition).partition(" WHERE ")[0], " WHERE " in definition)
        for name, definition in _query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s", [schema])
    }
    constraints = {(table, name, strip(definition)) for table, name, definition in _query(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
        " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s", [schema],
    )}
    constraints = {(strip(table), name, definition) for table, name, definition in constraints}
    identities = set(_query(
        "SELECT table_name, column_name, is_identity, column_default FROM information_schema.columns"
        " WHERE table_schema = %s AND (is_identity = 'YES' OR column_default IS NOT NULL)", [schema],
    ))
    return {"indexes": indexes, "constraints": constraints, "identities": identities}


def _media(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        return {}
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def _nothing_exists(slug: str) -> bool:
    connection.set_schema_to_public()
    return (
        not Collectivity.objects.filter(slug=slug).exists()
        and not Domain.objects.filter(domain__startswith=f"{slug}.").exists()
        and slug not in _schemas()
        and not collectivity_media_root(slug).exists()
    )


def _remove_collectivity(slug: str) -> None:
    """Drop what a restore created: schema, row, domains, files, audit entries."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{slug}" CASCADE')
    Domain.objects.filter(tenant__slug=slug).delete()
    Collectivity.objects.filter(slug=slug).delete()
    AuditEntry.objects.filter(collectivity_slug=slug).delete()
    shutil.rmtree(collectivity_media_root(slug), ignore_errors=True)


# --- Fixtures -------------------------------------------------------------------------------------

def _populate_city_a() -> dict:
    with schema_context("ville-a"):
        agents = [
            account_create(email=f"agent{n}.{MARKER}@ville-a.fr", password="un-mot-de-passe-2026",
                           full_name=f"Agent {n} {MARKER}", email_verified=True)
            for n in range(3)
        ]
        account_create(email=f"citoyenne.{MARKER}@exemple.fr", password=None, full_name="Citoyenne")
        department_create(name=f"Voirie {MARKER}", email=f"voirie.{MARKER}@ville-a.fr", agents=agents[:2])
        file_name = default_storage.save(f"documents/{MARKER}.txt", ContentFile(b"Compte rendu du conseil\n"))
    connection.set_schema_to_public()
    return {"file_name": file_name}


def _unpopulate_city_a(file_name: str | None) -> None:
    with schema_context("ville-a"):
        Department.objects.filter(name__contains=MARKER).delete()
        User.objects.filter(email__contains=MARKER).delete()
        if file_name:
            default_storage.delete(file_name)
            folder = Path(default_storage.path(file_name)).parent
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Database access outside the test transaction: what is written here is seen by pg_dump and psql."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def city_a_restored(committed, tmp_path):
    """ville-a with a few accounts, a department and a file, exported, then restored as ville-a-copie."""
    _remove_collectivity(COPY)  # left over by an interrupted run
    populated = {}
    try:
        populated = _populate_city_a()
        before = {
            "schemas": _schemas(),
            "counts": {slug: _row_counts(slug) for slug in ("ville-a", "ville-b")},
            "media": {slug: _media(collectivity_media_root(slug)) for slug in ("ville-a", "ville-b")},
        }
        source = Collectivity.objects.get(slug="ville-a")
        archive = collectivity_export(collectivity=source, destination_dir=tmp_path)
        restored = collectivity_restore(archive=archive, slug=COPY, name=COPY_NAME)
        yield {"archive": archive, "restored": restored, "source": source, "before": before, **populated}
    finally:
        _remove_collectivity(COPY)
        _unpopulate_city_a(populated.get("file_name"))


@pytest.fixture(scope="module")
def archive_of_city_b(django_db_setup, django_db_blocker, tmp_path_factory):
    """An archive of ville-b (exporting writes nothing in the database)."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        return collectivity_export(collectivity=Collectivity.objects.get(slug="ville-b"),
                                   destination_dir=tmp_path_factory.mktemp("exports"))


# --- The archive ----------------------------------------------------------------------------------

def test_an_export_holds_the_manifest_the_schema_dump_and_the_files(city_a_restored):
    archive = city_a_restored["archive"]
    assert archive.name.startswith("ville-a-") and archive.name.endswith("Z.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        dump = tar.extractfile("schema.sql").read().decode()
    assert f"media/{city_a_restored['file_name']}" in names
    assert manifest["format_version"] == 1
    assert manifest["parvis_version"] == "0.1.0"
    assert (manifest["slug"], manifest["schema_name"], manifest["name"], manifest["kind"]) == (
        "ville-a", "ville-a", "Ville A", "commune")
    assert manifest["fields"]["population"] == 25000
    assert manifest["fields"]["insee_code"] == "99101"
    assert manifest["fields"]["primary_colour"] == "#1f5f99"
    assert {"domain": "ville-a.parvis.test", "is_primary": True} in manifest["domains"]
    assert manifest["created_at"].endswith("+00:00")
    # Only ville-a's schema is in the dump: no other collectivity, no control-plane table.
    assert 'CREATE SCHEMA "ville-a";' in dump
    assert "ville-b" not in dump
    assert "tenants_collectivity" not in dump
    assert "OWNER TO" not in dump and "GRANT " not in dump


def test_the_default_destination_is_the_exports_folder_of_the_project(committed):
    path = collectivity_export(collectivity=Collectivity.objects.get(slug="ville-b"))
    try:
        assert path.parent == Path(settings.PARVIS_EXPORT_DIR)
        assert path.name.startswith("ville-b-") and path.stat().st_size > 0
    finally:
        path.unlink()


# --- Round trip -----------------------------------------------------------------------------------

def test_a_restored_collectivity_has_the_same_data_structure_and_files_as_the_original(city_a_restored):
    restored = Collectivity.objects.get(slug=COPY)
    assert (restored.schema_name, restored.name, restored.status) == (COPY, COPY_NAME, "active")
    assert (restored.kind, restored.population, restored.insee_code, restored.primary_colour) == (
        "commune", 25000, "99101", "#1f5f99")
    # The original's custom domains belong to it: the copy answers on its own sub-domain only.
    assert list(Domain.objects.filter(tenant=restored).values_list("domain", "is_primary")) == [
        (f"{COPY}.parvis.test", True)]

    original_rows, restored_rows = _rows("ville-a"), _rows(COPY)
    assert set(restored_rows) == set(original_rows)
    assert {t: len(r) for t, r in restored_rows.items()} == {t: len(r) for t, r in original_rows.items()}
    for table, rows in original_rows.items():
        assert restored_rows[table] == rows, table
    assert len(original_rows["accounts_user"]) >= 4 and len(original_rows["organisation_department"]) >= 1
    assert _sequences(COPY) == _sequences("ville-a")
    assert _structure(COPY) == _structure("ville-a")

    media = _media(collectivity_media_root(COPY))
    assert media == _media(collectivity_media_root("ville-a"))
    assert media[city_a_restored["file_name"]] == b"Compte rendu du conseil\n"
    with schema_context(COPY):
        assert default_storage.open(city_a_restored["file_name"]).read() == b"Compte rendu du conseil\n"
        assert Department.objects.get(name=f"Voirie {MARKER}").members.count() == 2


def test_a_restored_collectivity_is_served_on_its_own_host(city_a_restored):
    response = HostClient(f"{COPY}.parvis.test").get("/")
    assert response.status_code == 200
    assert COPY_NAME in response.content.decode()
    assert "Ville A (copie)" not in HostClient("ville-a.parvis.test").get("/").content.decode()


def test_restoring_changes_no_other_collectivity(city_a_restored):
    before = city_a_restored["before"]
    assert _schemas() == before["schemas"] | {COPY}
    for slug in ("ville-a", "ville-b"):
        assert _row_counts(slug) == before["counts"][slug], slug
        assert _media(collectivity_media_root(slug)) == before["media"][slug], slug
    original = Collectivity.objects.get(slug="ville-a")
    assert (original.schema_name, original.name, original.status) == ("ville-a", "Ville A", "active")
    assert list(Domain.objects.filter(tenant=original).values_list("domain", flat=True)) == ["ville-a.parvis.test"]
    with schema_context("ville-a"):
        assert User.objects.filter(email__contains=MARKER).count() == 4


def test_sequences_continue_after_the_restored_rows(city_a_restored):
    with schema_context(COPY):
        highest = User.objects.order_by("-id").values_list("id", flat=True).first()
        user = account_create(email="nouvelle@exemple.fr", password=None, full_name="Nouvelle")
        department = department_create(name="Nouveau service", agents=[user])
        assert user.id > highest
        assert User.objects.filter(email__contains=MARKER).count() == 4
        assert department.members.get() == user
    with schema_context("ville-a"):
        assert not User.objects.filter(email="nouvelle@exemple.fr").exists()


def test_the_restore_is_recorded_in_the_audit_log(city_a_restored):
    entry = AuditEntry.objects.get(collectivity_slug=COPY, action="collectivity.restore")
    assert entry.data["source"] == "ville-a"
    assert entry.data["archive"] == city_a_restored["archive"].name


def test_an_archive_restores_after_its_collectivity_was_deleted(city_a_restored, tmp_path):
    # The archive of ville-a-copie names a schema that no longer exists once the copy is dropped.
    archive = collectivity_export(collectivity=city_a_restored["restored"], destination_dir=tmp_path)
    expected = _rows(COPY)
    _remove_collectivity(COPY)
    try:
        restored = collectivity_restore(archive=archive, slug="ville-a-copie-2")
        assert restored.name == COPY_NAME
        assert _rows("ville-a-copie-2") == expected
        assert COPY not in _schemas()
    finally:
        _remove_collectivity("ville-a-copie-2")


# --- Refusals and failures --------------------------------------------------------------------------

@pytest.mark.parametrize(("slug", "message"), [
    ("www", "reserved"),
    ("ville-b", "already exists"),
    ("Bad Slug", "lowercase letters"),
    ("parvis_hold", "lowercase letters"),
])
@pytest.mark.django_db
def test_a_restore_under_a_bad_or_taken_slug_is_refused_and_creates_nothing(archive_of_city_b, slug, message):
    schemas, collectivities, domains = _schemas(), Collectivity.objects.count(), Domain.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        collectivity_restore(archive=archive_of_city_b, slug=slug)
    assert message in " ".join(excinfo.value.messages)
    assert (_schemas(), Collectivity.objects.count(), Domain.objects.count()) == (schemas, collectivities, domains)


@pytest.mark.django_db
def test_a_missing_or_damaged_archive_is_refused_and_creates_nothing(archive_of_city_b, tmp_path):
    with pytest.raises(ValidationError, match="No archive"):
        collectivity_restore(archive=tmp_path / "absent.tar.gz", slug="ville-c")
    not_an_archive = tmp_path / "notes.tar.gz"
    not_an_archive.write_text("pas une archive")
    with pytest.raises(ValidationError, match="not a readable Parvis archive"):
        collectivity_restore(archive=not_an_archive, slug="ville-c")
    tampered = _rebuild(archive_of_city_b, tmp_path / "tampered.tar.gz", dump_suffix="DROP SCHEMA public CASCADE;\n",
                        keep_checksum=True)
    with pytest.raises(ValidationError, match="damaged"):
        collectivity_restore(archive=tampered, slug="ville-c")
    assert _nothing_exists("ville-c")


def _rebuild(archive: Path, target: Path, *, dump_suffix: str = "", media: dict[str, bytes] | None = None,
             keep_checksum: bool = False) -> Path:
    """A copy of `archive` whose dump ends with `dump_suffix`, with files added to its media folder."""
    workdir = target.with_suffix(".d")
    with tarfile.open(archive) as tar:
        tar.extractall(workdir, filter="data")
    dump = workdir / "schema.sql"
    dump.write_text(dump.read_text() + dump_suffix)
    for name, content in (media or {}).items():
        (workdir / "media" / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / "media" / name).write_bytes(content)
    manifest = json.loads((workdir / "manifest.json").read_text())
    if not keep_checksum:
        manifest["schema_sql_sha256"] = backup._sha256(dump)
    (workdir / "manifest.json").write_text(json.dumps(manifest))
    with tarfile.open(target, "w:gz") as tar:
        for path in sorted(workdir.iterdir()):
            tar.add(path, arcname=path.name)
    return target


def test_a_dump_failing_half_way_leaves_nothing_and_the_original_untouched(committed, archive_of_city_b, tmp_path):
    # Everything of ville-b is created by the dump, then the last statement fails: all is rolled back.
    broken = _rebuild(archive_of_city_b, tmp_path / "broken.tar.gz", dump_suffix="SELECT 1 / 0;\n")
    schemas, counts = _schemas(), _row_counts("ville-b")
    try:
        with pytest.raises(backup.BackupError, match="division by zero"):
            collectivity_restore(archive=broken, slug="ville-c")
        assert _nothing_exists("ville-c")
        assert _schemas() == schemas
        assert _row_counts("ville-b") == counts
        assert HostClient("ville-b.parvis.test").get("/").status_code == 200
    finally:
        _remove_collectivity("ville-c")


def test_a_failure_after_the_schema_was_restored_removes_it_again(committed, archive_of_city_b, tmp_path,
                                                                 monkeypatch):
    with_files = _rebuild(archive_of_city_b, tmp_path / "files.tar.gz", media={"documents/plan.pdf": b"%PDF"})

    def disk_full(source, target, **kwargs):
        Path(target).mkdir(parents=True)  # the copy had begun
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup.shutil, "copytree", disk_full)
    schemas = _schemas()
    try:
        with pytest.raises(OSError, match="No space left"):
            collectivity_restore(archive=with_files, slug="ville-c")
        assert _nothing_exists("ville-c")
        assert _schemas() == schemas
        assert not AuditEntry.objects.filter(collectivity_slug="ville-c").exists()
    finally:
        _remove_collectivity("ville-c")


def test_a_restore_refuses_to_run_inside_a_transaction(committed, archive_of_city_b):
    # psql commits on its own: inside a transaction rolled back later, the schema would lose its row.
    schemas = _schemas()
    with pytest.raises(RuntimeError, match="outside transaction.atomic"), transaction.atomic():
        collectivity_restore(archive=archive_of_city_b, slug="ville-c")
    assert _schemas() == schemas
    assert _nothing_exists("ville-c")


# --- Command line ---------------------------------------------------------------------------------

def test_the_commands_export_and_restore_a_collectivity(committed, tmp_path):
    out = StringIO()
    call_command("export_collectivity", "ville-b", "--output-dir", str(tmp_path), stdout=out)
    archive = Path(out.getvalue().strip())
    assert archive.parent == tmp_path and archive.is_file()
    try:
        out = StringIO()
        call_command("restore_collectivity", str(archive), "--slug", "ville-b-copie", "--name", "Ville B bis",
                     stdout=out)
        summary = json.loads(out.getvalue())
        assert summary["slug"] == "ville-b-copie"
        assert summary["hosts"] == ["ville-b-copie.parvis.test"]
        assert 0 < summary["seconds"] < 120
        assert Collectivity.objects.get(slug="ville-b-copie").name == "Ville B bis"
        assert _row_counts("ville-b-copie") == _row_counts("ville-b")
        assert "Ville B bis" in HostClient("ville-b-copie.parvis.test").get("/").content.decode()
    finally:
        _remove_collectivity("ville-b-copie")


@pytest.mark.django_db
def test_the_commands_refuse_bad_input_with_a_clear_message(archive_of_city_b, tmp_path):
    with pytest.raises(CommandError, match="No collectivity with the slug “ville-z”"):
        call_command("export_collectivity", "ville-z", "--output-dir", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    schemas, collectivities = _schemas(), Collectivity.objects.count()
    for slug, message in [("www", "reserved"), ("ville-b", "already exists"), ("Bad Slug", "lowercase")]:
        with pytest.raises(CommandError, match=message) as excinfo:
            call_command("restore_collectivity", str(archive_of_city_b), "--slug", slug)
        assert excinfo.value.returncode != 0
    with pytest.raises(CommandError, match="No archive"):
        call_command("restore_collectivity", str(tmp_path / "absent.tar.gz"), "--slug", "ville-c")
    assert (_schemas(), Collectivity.objects.count()) == (schemas, collectivities)
    assert _nothing_exists("ville-c")


def test_a_restored_collectivity_keeps_its_module_licences(committed, tmp_path):
    from billing.models import ModuleLicence
    from billing.selectors import module_is_available
    from billing.services import licence_set_allowed_modules, licence_set_enabled

    source = Collectivity.objects.get(slug="ville-b")
    _remove_collectivity("ville-b-copie")
    try:
        licence_set_allowed_modules(collectivity=source, modules=["budget", "ideas"])
        licence_set_enabled(collectivity=source, module="ideas", enabled=False)
        archive = collectivity_export(collectivity=source, destination_dir=tmp_path)
        copy = collectivity_restore(archive=archive, slug="ville-b-copie")
        assert module_is_available("budget", collectivity=copy)
        assert not module_is_available("ideas", collectivity=copy)  # still switched off by the city
        assert not module_is_available("survey", collectivity=copy)
    finally:
        _remove_collectivity("ville-b-copie")
        ModuleLicence.objects.filter(collectivity__slug="ville-b").delete()
