"""Checks on the project as a whole: deploy settings, migrations, dependency contracts."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, settings="config.settings.production", extra_env=None):
    # The test settings put development values in os.environ: start from a clean slate.
    dropped = ("DJANGO_", "PYTEST_", "SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "EMAIL_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update({"DJANGO_SETTINGS_MODULE": settings, **(extra_env or {})})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_production_settings_pass_check_deploy_without_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", extra_env={
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "postgres://parvis@db.internal:5432/parvis",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "PARVIS_ROOT_DOMAIN": "parvis.fr",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.internal:587",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", extra_env={"DATABASE_URL": "postgres://parvis@db.internal:5432/parvis"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_are_in_sync():
    from django.core.management import call_command

    # Exits with SystemExit(1) if a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_import_contracts_hold():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
