"""Development: `make run`. Embedded PostgreSQL when DATABASE_URL is unset; tasks run in-process
when REDIS_URL is unset."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402
from .base import env  # noqa: E402

if not env("DATABASE_URL", default=""):
    from config.devservices import embedded_postgres_dsn  # noqa: E402

    DATABASES["default"].update(embedded_postgres_dsn("parvis"))
else:
    import contextlib  # noqa: E402

    from config.devservices import ensure_database  # noqa: E402

    # An unreachable server is reported by Django itself, with its own message.
    with contextlib.suppress(Exception):
        ensure_database(DATABASES["default"])

INTERNAL_IPS = ["127.0.0.1"]
PARVIS_URL_SCHEME = env("PARVIS_URL_SCHEME", default="http")
PARVIS_URL_PORT = env("PARVIS_URL_PORT", default=":8000")
# E-mails (sign-up verification, invitations) are printed in the terminal that runs `make run`.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Static files straight from the source folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
