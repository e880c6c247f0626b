"""Signed tokens are bound to the collectivity that issued them.

SECRET_KEY is shared by every collectivity, and user ids repeat from one schema to the next, so a
token signed for user 5 of city A must not be accepted for user 5 of city B.
See docs/adr/0003-accounts-per-collectivity.md.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connection


class CollectivityTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "parvis.accounts.tokens.CollectivityTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{connection.schema_name}:{super()._make_hash_value(user, timestamp)}"
