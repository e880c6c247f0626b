from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import connection


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # The control plane has operators only; they are created by other operators.
        return connection.schema_name != settings.PUBLIC_SCHEMA_NAME
