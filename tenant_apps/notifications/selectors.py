"""Reads of notifications: follow panels, the notification list, unread counts, unsubscribe links."""

from django.core import signing
from django.db import connection
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.core.errors import Invalid
from tenant_apps.notifications.models import Follow, Notification, NotificationSettings

# Unsubscribe links are valid in the collectivity that issued them only (docs/adr/0003): SECRET_KEY
# is shared and user ids repeat across schemas, so the salt and the payload both carry the schema.
_UNSUBSCRIBE_SALT = "parvis.notifications.unsubscribe"


def unsubscribe_signer() -> signing.Signer:
    return signing.Signer(salt=f"{_UNSUBSCRIBE_SALT}:{connection.schema_name}")


def unsubscribe_user_get(*, token: str) -> User:
    """The account an unsubscribe token of THIS collectivity designates; Invalid for any other token."""
    try:
        payload = unsubscribe_signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        payload = None
    if not isinstance(payload, dict) or payload.get("s") != connection.schema_name:
        raise Invalid("unsubscribe_invalid", _("This unsubscribe link is not valid on this site."))
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None:
        raise Invalid("unsubscribe_invalid", _("This unsubscribe link is not valid on this site."))
    return user


def email_frequency_get(*, user) -> str:
    """The user's e-mail frequency (immediate when they never chose one)."""
    frequency = NotificationSettings.objects.filter(user=user).values_list("email_frequency", flat=True).first()
    return frequency or NotificationSettings.Frequency.IMMEDIATE


def target_path(*, process=None, contribution=None) -> str:
    """The page of a contribution or of a process, as a path of the collectivity's site."""
    try:
        return (contribution or process).get_absolute_url()
    except NoReverseMatch:  # the kernel's routes; their paths are fixed
        return f"/contributions/{contribution.pk}/" if contribution is not None else f"/participer/{process.slug}/"


def _is_following(user, **target) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, **target).exists()


def process_panel(*, process, user, state=None) -> dict:
    """Context of the follow button of a process page (one query, none for visitors)."""
    return {
        "target": "process",
        "is_following": _is_following(user, process=process),
        "is_authenticated": bool(user is not None and user.is_authenticated),
        "follow_url": reverse("notifications:follow_process", kwargs={"slug": process.slug}),
        "next_url": target_path(process=process),
    }


def contribution_panel(*, contribution, user, state=None) -> dict:
    """Context of the follow button of a contribution page (one query, none for visitors)."""
    return {
        "target": "contribution",
        "is_following": _is_following(user, contribution=contribution),
        "is_authenticated": bool(user is not None and user.is_authenticated),
        "follow_url": reverse("notifications:follow_contribution", kwargs={"pk": contribution.pk}),
        "next_url": target_path(contribution=contribution),
    }


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's notifications, newest first (texts are rendered from kind and data, no join needed)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
