"""`make test`: real PostgreSQL and real Redis, embedded when DATABASE_URL / REDIS_URL are unset."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["DEBUG"] = "false"
os.environ.setdefault("PARVIS_ROOT_DOMAIN", "parvis.test")
os.environ.setdefault("EMAIL_URL", "consolemail://")

# Tests read the French and English pages: compile the catalogues if a .po changed (polib, no gettext).
from shared_apps.core.translations import compile_catalogues  # noqa: E402

compile_catalogues()

if not os.environ.get("REDIS_URL"):
    from config.devservices import embedded_redis_url

    os.environ["REDIS_URL"] = embedded_redis_url(db=0)

from .base import *  # noqa: E402
from .base import env  # noqa: E402

if not env("DATABASE_URL", default=""):
    from config.devservices import embedded_postgres_dsn  # noqa: E402

    DATABASES["default"].update(embedded_postgres_dsn("parvis"))
DATABASES["default"]["CONN_MAX_AGE"] = 0

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# Tests use the real Redis broker only where they start a worker themselves.
CELERY_TASK_ALWAYS_EAGER = True
CACHES["default"]["KEY_PREFIX"] = "parvis-test"
MEDIA_ROOT = BASE_DIR / ".var" / "test-media"

# Static files straight from the source folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PARVIS_URL_SCHEME = "http"
PARVIS_URL_PORT = ""
# Two test runs on one server (two checkouts, a developer and a helper) need two test databases.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PARVIS_TEST_DATABASE", "test_parvis")}
# Tests clone on demand; the spare-schema pool has tests of its own that turn it on.
PARVIS_SPARE_SCHEMAS = 0
