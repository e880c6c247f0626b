"""Writes of the site configuration that no other app offers yet: identity, themes, districts, staff.

Each one is for the city's administrators, checks that first, and records the change in the city's
audit log.
"""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context
from PIL import Image, UnidentifiedImageError

from provisioning.services import collectivity_update
from shared_apps.accounts.models import Invitation, User
from shared_apps.accounts.services import invitation_create, invitation_send
from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.participation import geo
from tenant_apps.participation.models import District, Theme
from tenants.models import Collectivity
from tenants.validators import validate_brand_colour

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 25_000_000
MAX_LOGO_SIDE = 1024
_LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
IDENTITY_FIELDS = ("name", "primary_colour", "contact_email", "locale")
INVITABLE_ROLES = (User.Role.MODERATOR, User.Role.AGENT, User.Role.CITY_ADMIN)


def _admin_check(actor) -> None:
    if not (actor is not None and actor.is_authenticated and actor.is_active and actor.role == User.Role.CITY_ADMIN):
        raise NotAllowed("admin_only", _("Only the city's administrators can do this."))


def _first_message(error: ValidationError) -> str:
    return error.messages[0] if error.messages else _("The value is not valid.")


# --- Identity: the collectivity's row, in the public schema ---------------------------------------


def logo_clean(upload) -> tuple[bytes, str]:
    """(content re-encoded from its pixels, extension) of a PNG, JPEG or WebP image of 2 MB at most."""
    size = getattr(upload, "size", None)
    data = upload.read(MAX_LOGO_BYTES + 1)
    if (size is not None and size > MAX_LOGO_BYTES) or len(data) > MAX_LOGO_BYTES:
        raise Invalid("logo_too_large", _("The logo is too large (2 MB at most)."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in _LOGO_FORMATS:
                raise Invalid("logo_type", _("The logo must be a PNG, JPEG or WebP image."))
            if probe.width * probe.height > MAX_LOGO_PIXELS:
                raise Invalid("logo_too_large", _("The logo has too many pixels."))
            probe.load()
            image = probe.copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise Invalid("logo_type", _("The logo must be a PNG, JPEG or WebP image.")) from None
    image.thumbnail((MAX_LOGO_SIDE, MAX_LOGO_SIDE))
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # Saved from the pixels alone: no EXIF, comments or other metadata, no polyglot file.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format=fmt)
    return out.getvalue(), _LOGO_FORMATS[fmt]


@transaction.atomic
def site_identity_update(*, actor, logo=None, logo_remove: bool = False, **changes) -> Collectivity:
    """Change the collectivity's name, primary colour, contact e-mail, default language and logo.

    The row lives in the public schema (provisioning's collectivity_update); the logo file is stored in
    the city's own media folder. The connection is back in the city's schema on return.
    """
    _admin_check(actor)
    unknown = set(changes) - set(IDENTITY_FIELDS)
    if unknown:
        raise Invalid("field", _("This field cannot be changed."))
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise Invalid("name", _("Give the collectivity's name."))
    if "primary_colour" in changes:
        changes["primary_colour"] = (changes["primary_colour"] or "").strip().lower()
        try:
            validate_brand_colour(changes["primary_colour"])
        except ValidationError as error:
            raise Invalid("primary_colour", _first_message(error)) from None
    if changes.get("contact_email"):
        try:
            validate_email(changes["contact_email"])
        except ValidationError:
            raise Invalid("contact_email", _("Enter a valid e-mail address.")) from None
    if "locale" in changes and changes["locale"] not in dict(settings.LANGUAGES):
        raise Invalid("locale", _("Unknown language."))
    logo_name = None
    if logo is not None:
        content, extension = logo_clean(logo)
        # Saved while the connection is in the city's schema: the file goes to the city's media folder.
        logo_name = default_storage.save(f"branding/logo-{uuid.uuid4().hex[:12]}.{extension}", ContentFile(content))
    schema = connection.schema_name
    if schema == settings.PUBLIC_SCHEMA_NAME:
        raise NotAllowed("no_collectivity", _("Only the city's administrators can do this."))
    try:
        with schema_context(settings.PUBLIC_SCHEMA_NAME):
            collectivity = Collectivity.objects.select_for_update().get(schema_name=schema)
            before = {field: getattr(collectivity, field) for field in changes}
            # No actor for the control plane's log: city accounts do not exist in the public schema; the
            # city's own audit log below names the administrator.
            collectivity = collectivity_update(collectivity=collectivity, actor=None, **changes)
            if logo_name is not None or logo_remove:
                collectivity.logo = logo_name or ""
                collectivity.save(update_fields=["logo", "updated_at"])
    except ValidationError as error:
        if logo_name:
            default_storage.delete(logo_name)
        raise Invalid("collectivity", _first_message(error)) from None
    changed = {field: [str(before[field]), str(value)] for field, value in changes.items() if before[field] != value}
    if logo_name is not None:
        changed["logo"] = logo_name
    elif logo_remove:
        changed["logo"] = ""
    city_audit_record(actor=actor, action="site.identity_update", target=collectivity, changes=changed)
    return collectivity


# --- Themes and districts ----------------------------------------------------------------------


@transaction.atomic
def theme_update(*, theme: Theme, actor, label_fr: str, label_en: str = "", position: int = 0) -> Theme:
    """Rename or reorder a theme (its address stays the same)."""
    _admin_check(actor)
    label_fr = (label_fr or "").strip()
    if not label_fr:
        raise Invalid("theme_label", _("Give the theme a French label."))
    theme.label_fr, theme.label_en, theme.position = label_fr, (label_en or "").strip(), position
    theme.save(update_fields=["label_fr", "label_en", "position"])
    city_audit_record(actor=actor, action="theme.update", target=theme, label=label_fr, position=position)
    return theme


@transaction.atomic
def theme_delete(*, theme: Theme, actor) -> None:
    """Remove a theme; processes and contributions that had it simply lose it."""
    _admin_check(actor)
    city_audit_record(actor=actor, action="theme.delete", target=theme, label=theme.label_fr)
    theme.delete()


@transaction.atomic
def district_update(*, district: District, actor, name: str, outline: dict | None = None,
                    position: int = 0) -> District:
    """Rename, reorder or redraw a district (outline: a GeoJSON Polygon or MultiPolygon, or None)."""
    _admin_check(actor)
    name = (name or "").strip()
    if not name:
        raise Invalid("district_name", _("Give the district a name."))
    if outline is not None:
        outline = geo.geometry_clean(outline)
    district.name, district.outline, district.position = name, outline, position
    district.save(update_fields=["name", "outline", "position"])
    city_audit_record(actor=actor, action="district.update", target=district, name=name, position=position,
                      has_outline=outline is not None)
    return district


@transaction.atomic
def district_delete(*, district: District, actor) -> None:
    """Remove a district; contributions placed in it keep their location, without a district."""
    _admin_check(actor)
    city_audit_record(actor=actor, action="district.delete", target=district, name=district.name)
    district.delete()


# --- Staff accounts ---------------------------------------------------------------------------------


def _other_active_admins(account: User) -> int:
    return (User.objects.select_for_update().filter(role=User.Role.CITY_ADMIN, is_active=True)
            .exclude(pk=account.pk).count())


@transaction.atomic
def staff_role_change(*, account: User, role: str, actor) -> User:
    """Give an account another role. An administrator cannot demote themselves, nor the last administrator."""
    _admin_check(actor)
    if role not in User.Role.values:
        raise Invalid("role", _("Unknown role."))
    account = User.objects.select_for_update().get(pk=account.pk)
    previous = account.role
    if previous == role:
        return account
    if previous == User.Role.CITY_ADMIN:
        if account.pk == actor.pk:
            raise Invalid("self_demotion", _("You cannot remove your own administrator role: ask another "
                                             "administrator."))
        if account.is_active and not _other_active_admins(account):
            raise Invalid("last_admin", _("This is the last administrator of the city: give the role to someone "
                                          "else first."))
    account.role = role
    account.save(update_fields=["role", "updated_at"])
    city_audit_record(actor=actor, action="staff.role_change", target=account, email=account.email,
                      previous=previous, role=role)
    return account


@transaction.atomic
def staff_active_set(*, account: User, is_active: bool, actor) -> User:
    """Deactivate (no more sign-in) or reactivate a staff account; never one's own, nor the last administrator."""
    _admin_check(actor)
    account = User.objects.select_for_update().get(pk=account.pk)
    if account.is_active == is_active:
        return account
    if not is_active:
        if account.pk == actor.pk:
            raise Invalid("self_deactivation", _("You cannot deactivate your own account."))
        if account.role == User.Role.CITY_ADMIN and not _other_active_admins(account):
            raise Invalid("last_admin", _("This is the last administrator of the city: give the role to someone "
                                          "else first."))
    account.is_active = is_active
    account.save(update_fields=["is_active", "updated_at"])
    city_audit_record(actor=actor, action="staff.reactivate" if is_active else "staff.deactivate",
                      target=account, email=account.email)
    return account


@transaction.atomic
def staff_invite(*, email: str, role: str, actor, full_name: str = "") -> Invitation:
    """Invite someone to join the city's staff with a role; the link is e-mailed once the invitation is saved."""
    _admin_check(actor)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid("email", _("Enter a valid e-mail address.")) from None
    if role not in INVITABLE_ROLES:
        raise Invalid("role", _("Choose the role of the person you invite."))
    if User.objects.filter(email=email, role=role, is_active=True).exists():
        raise Invalid("already_staff", _("This person already has an account with this role."))
    if Invitation.objects.filter(email=email, accepted_at__isnull=True, expires_at__gt=timezone.now()).exists():
        raise Invalid("already_invited", _("This person already has an invitation waiting to be accepted."))
    invitation, token = invitation_create(email=email, role=role, full_name=(full_name or "").strip(),
                                          invited_by=actor.email)
    schema = connection.schema_name
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        collectivity = Collectivity.objects.get(schema_name=schema)
        base_url = collectivity.base_url
    transaction.on_commit(lambda: invitation_send(invitation=invitation, token=token, site_name=collectivity.name,
                                                  base_url=base_url, language=collectivity.locale))
    city_audit_record(actor=actor, action="staff.invite", target=invitation, email=email, role=role)
    return invitation
