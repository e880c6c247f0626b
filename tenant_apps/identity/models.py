"""Who a person is for the collectivity: levels of assurance, eligibility rules, FranceConnect, retention."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenant_apps.identity.fields import EncryptedTextField


class Assurance(models.Model):
    """What the collectivity knows for sure about an account, and how. One row per account, made on demand."""

    class IdentityMethod(models.TextChoices):
        NONE = "", _("Not verified")
        FRANCECONNECT = "franceconnect", _("FranceConnect")
        DESK = "desk", _("Checked at a desk by the city's staff")

    class Residence(models.TextChoices):
        NONE = "", _("Not stated")
        DECLARED = "declared", _("Declared by the person")
        CHECKED = "checked", _("Checked by the city's staff")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assurance")
    identity_method = models.CharField(_("identity verified by"), max_length=20, choices=IdentityMethod.choices,
                                       blank=True, default="")
    identity_verified_at = models.DateTimeField(_("identity verified on"), null=True, blank=True)
    identity_verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")
    residence = models.CharField(_("residence"), max_length=10, choices=Residence.choices, blank=True, default="")
    residence_district = models.ForeignKey("participation.District", null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+",
                                           verbose_name=_("district of residence"))
    residence_updated_at = models.DateTimeField(null=True, blank=True)
    residence_checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")
    # Identity attributes: encrypted at rest, kept only as long as the account.
    given_name = EncryptedTextField(_("given name"), blank=True, default="")
    family_name = EncryptedTextField(_("family name"), blank=True, default="")
    birth_date = EncryptedTextField(_("date of birth (YYYY-MM-DD)"), blank=True, default="")
    postal_address = EncryptedTextField(_("postal address"), blank=True, default="")
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("level of assurance")
        verbose_name_plural = _("levels of assurance")

    @property
    def identity_verified(self) -> bool:
        return bool(self.identity_method and self.identity_verified_at)


class EligibilityRule(models.Model):
    """Who may take part in a process, or in one of its phases (a phase's rule replaces the process's)."""

    class Requirement(models.TextChoices):
        SIGNED_IN = "signed_in", _("Anyone with an account")
        EMAIL_VERIFIED = "email_verified", _("A verified e-mail address")
        IDENTITY_VERIFIED = "identity_verified", _("A verified identity (FranceConnect or at a desk)")

    class Residence(models.TextChoices):
        ANY = "any", _("Anyone, resident or not")
        COLLECTIVITY = "collectivity", _("Residents of the collectivity")
        DISTRICTS = "districts", _("Residents of some districts")

    process = models.ForeignKey("participation.Process", on_delete=models.CASCADE, related_name="eligibility_rules")
    phase = models.ForeignKey("participation.Phase", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="eligibility_rules")
    requirement = models.CharField(_("account"), max_length=20, choices=Requirement.choices,
                                   default=Requirement.EMAIL_VERIFIED)
    residence = models.CharField(_("residence"), max_length=12, choices=Residence.choices, default=Residence.ANY)
    districts = models.ManyToManyField("participation.District", blank=True, related_name="+",
                                       verbose_name=_("districts"))
    residence_checked = models.BooleanField(_("residence must be checked by the city (not only declared)"),
                                            default=False)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [
            models.UniqueConstraint(fields=["process", "phase"], name="eligibility_one_rule_per_scope",
                                    nulls_distinct=False),
            models.CheckConstraint(condition=Q(min_age__isnull=True) | Q(min_age__lte=120),
                                   name="eligibility_min_age_sensible"),
        ]


class FranceConnectConfig(models.Model):
    """The collectivity's own FranceConnect service-provider credentials (one row)."""

    singleton = models.BooleanField(default=True, editable=False)
    is_enabled = models.BooleanField(_("offer FranceConnect sign-in"), default=False)
    # https://fcp-low.sbx.dev-franceconnect.fr/api/v2 (integration) or https://oidc.franceconnect.gouv.fr/api/v2
    issuer = models.URLField(_("FranceConnect address (issuer)"), max_length=300, blank=True)
    client_id = models.CharField(_("client id"), max_length=200, blank=True)
    client_secret = EncryptedTextField(_("client secret"), blank=True, default="")
    acr_values = models.CharField(_("level of assurance asked (acr_values)"), max_length=50, default="eidas1")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["singleton"], condition=Q(singleton=True),
                                               name="franceconnect_config_single_row")]


class PrivacySettings(models.Model):
    """How long the collectivity keeps personal data once a process is over (one row)."""

    singleton = models.BooleanField(default=True, editable=False)
    retention_months = models.PositiveSmallIntegerField(
        _("months personal data of a finished process is kept"), default=24,
        help_text=_("After this, contributions, votes and comments of the process are unlinked from accounts."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["singleton"], condition=Q(singleton=True),
                                               name="privacy_settings_single_row")]


class RetentionRun(models.Model):
    """The log of the retention task: what it pseudonymised and when."""

    ran_at = models.DateTimeField(auto_now_add=True)
    cutoff = models.DateTimeField()
    process_ids = models.JSONField(default=list)
    contributions = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    arguments = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at"]
