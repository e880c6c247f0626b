from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from tenants import validators


class Collectivity(TenantMixin):
    """A local government using Parvis: one PostgreSQL schema, one sub-domain, its own citizens."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        INTERCOMMUNALITE = "intercommunalite", _("Intercommunalité")
        DEPARTEMENT = "departement", _("Département")
        REGION = "region", _("Région")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROVISIONING = "provisioning", _("Provisioning")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=200)
    slug = models.CharField(
        _("slug"), max_length=63, unique=True, validators=[validators.validate_slug],
        help_text=_("Becomes the sub-domain and the database schema."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMUNE)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validators.validate_siren])
    insee_code = models.CharField(
        _("INSEE code"), max_length=5, blank=True, validators=[validators.validate_insee_code]
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROVISIONING)
    locale = models.CharField(_("default language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validators.validate_timezone]
    )
    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#000091", validators=[validators.validate_brand_colour],
        help_text=_("Background of buttons and header, under white text."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    deletion_due_at = models.DateTimeField(
        _("deletion due at"), null=True, blank=True,
        help_text=_("Set when an operator schedules the deletion, after a full export."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Schemas are created by provisioning (clone of the template schema, or migrations), step by step,
    # never as a side effect of saving a row. See provisioning/steps.py.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("collectivity")
        verbose_name_plural = _("collectivities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(schema_name=models.F("slug")) | models.Q(schema_name="public"),
                name="collectivity_schema_is_slug",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.schema_name:
            self.schema_name = self.slug
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.schema_name == settings.PUBLIC_SCHEMA_NAME

    @property
    def host(self) -> str:
        return f"{self.slug}.{settings.PARVIS_ROOT_DOMAIN}"

    @property
    def base_url(self) -> str:
        """Absolute URL of the collectivity's site, for links sent outside a request (e-mails)."""
        primary = self.domains.filter(is_primary=True).values_list("domain", flat=True).first() or self.host
        return f"{settings.PARVIS_URL_SCHEME}://{primary}{settings.PARVIS_URL_PORT}"


class Domain(DomainMixin):
    """A host name a collectivity answers on: `<slug>.<root>` and any custom domain."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self):
        return self.domain
