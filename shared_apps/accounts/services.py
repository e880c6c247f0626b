"""Writes on accounts. They act on the schema of the current connection (a city's, or public)."""

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from shared_apps.accounts.models import Invitation, User


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
    TOTP.activate(user, secret)
    return RecoveryCodes.activate(user).get_unused_codes()


def operator_create(*, email: str, password: str | None, full_name: str = "") -> User:
    """Create a vendor operator. Operators exist only in the public schema (the control plane)."""
    if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
        raise ValueError("operators are created in the public schema only")
    user = account_create(email=email, password=password, full_name=full_name, email_verified=True)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser", "updated_at"])
    return user


INVITATION_VALIDITY_DAYS = 7


class InvitationInvalid(Exception):
    """The link is unknown, already used or expired."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(*, email: str, role: str, full_name: str = "", invited_by: str = "",
                      days: int = INVITATION_VALIDITY_DAYS):
    """Create an invitation in the current schema; returns (invitation, raw token for the link)."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email.lower(), role=role, full_name=full_name, invited_by=invited_by,
        token_hash=_token_hash(token), expires_at=timezone.now() + timedelta(days=days),
    )
    return invitation, token


def invitation_get_usable(*, token: str):
    invitation = Invitation.objects.filter(token_hash=_token_hash(token)).first()
    if invitation is None or not invitation.is_usable:
        raise InvitationInvalid
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Use the invitation once: create (or activate) the account with its role and a verified e-mail."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=_token_hash(token)).first()
    if invitation is None or not invitation.is_usable:
        raise InvitationInvalid
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        user = account_create(email=invitation.email, password=password, full_name=invitation.full_name,
                              role=invitation.role, email_verified=True)
    else:
        user.set_password(password)
        user.role = invitation.role
        user.is_active = True
        user.terms_accepted_at = user.terms_accepted_at or timezone.now()
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=user.email,
                                              defaults={"verified": True, "primary": True})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


def invitation_send(*, invitation, token: str, site_name: str, base_url: str, language: str = "fr") -> None:
    """E-mail the invitation link, in the collectivity's language."""
    context = {"invitation": invitation, "site_name": site_name,
               "url": f"{base_url}/invitation/{token}/", "expires_at": invitation.expires_at}
    with translation.override(language):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])
