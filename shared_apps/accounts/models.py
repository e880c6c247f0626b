"""People. The table exists in the public schema (vendor operators only) and in each collectivity's
schema (its citizens and staff): an account of one city does not exist in another."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        MODERATOR = "moderator", _("Moderator")
        AGENT = "agent", _("Agent")
        CITY_ADMIN = "city_admin", _("City administrator")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # Meaningful in a collectivity's schema; every account of the public schema is a vendor operator.
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("access to the technical admin"), default=False)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_city_staff(self) -> bool:
        return self.role != self.Role.CITIZEN


class Invitation(models.Model):
    """A single-use, expiring link to create an account with a given role (first city admin, staff)."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=User.Role.choices)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # Only a hash is stored: a leaked database does not give working links.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.CharField(_("invited by"), max_length=254, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.role})"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
