"""Commands that need no server (`manage.py pb_tally`): no embedded PostgreSQL is started and no
connection is opened; whatever DATABASE_URL says is never used."""

import os

os.environ.setdefault("SECRET_KEY", "offline-commands-use-no-secret-0123456789-abcdefghijklmnopqrstuvwxyz")

from .base import *  # noqa: E402,F403
