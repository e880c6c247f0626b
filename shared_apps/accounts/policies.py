"""Who must use a second factor: every vendor operator and every city administrator."""

from django.conf import settings
from django.db import connection

from shared_apps.accounts.models import User


def second_factor_required(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return True  # only vendor operators have accounts in the public schema
    return user.role == User.Role.CITY_ADMIN


def has_second_factor(user: User) -> bool:
    from allauth.mfa.models import Authenticator  # noqa: PLC0415

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
