"""Writes on accounts. They act on the schema of the current connection (a city's, or public)."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from shared_apps.accounts.models import User


@transaction.atomic
def account_create(
    *, email: str, password: str | None, full_name: str = "", role: str = User.Role.CITIZEN,
    email_verified: bool = False, accept_terms: bool = True,
) -> User:
    """Create an account in the current schema with its allauth e-mail address."""
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, role=role,
        terms_accepted_at=timezone.now() if accept_terms else None,
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user


def account_activate_totp(*, user: User, secret: str) -> list[str]:
    """Give an account a TOTP second factor with a known secret; returns its recovery codes."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes  # noqa: PLC0415
    from allauth.mfa.totp.internal.auth import TOTP  # noqa: PLC0415

    TOTP.activate(user, secret)
    return RecoveryCodes.activate(user).get_unused_codes()


def operator_create(*, email: str, password: str | None, full_name: str = "") -> User:
    """Create a vendor operator. Operators exist only in the public schema (the control plane)."""
    from django.conf import settings  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
        raise ValueError("operators are created in the public schema only")
    user = account_create(email=email, password=password, full_name=full_name, email_verified=True)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser", "updated_at"])
    return user
