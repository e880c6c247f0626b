from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CollectivityTemplate(models.Model):
    """A configured collectivity saved by an operator to start new ones from. Never citizens' data."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    source_slug = models.CharField(_("saved from"), max_length=63, blank=True)
    branding = models.JSONField(_("branding"), default=dict, blank=True)
    modules = models.JSONField(_("modules"), default=list, blank=True)
    parts = models.JSONField(_("configuration"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collectivity template")
        verbose_name_plural = _("collectivity templates")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProvisioningJob(models.Model):
    """Bringing one collectivity online, step by step. Idempotent steps: a retry finishes the job."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Failed")
        DONE = "done", _("Done")

    collectivity = models.ForeignKey("tenants.Collectivity", on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    steps_done = models.JSONField(_("steps done"), default=list, blank=True)
    current_step = models.CharField(_("current step"), max_length=32, blank=True)
    method = models.CharField(_("schema created by"), max_length=16, blank=True)  # "clone" or "migrations"
    admin_email = models.EmailField(_("first administrator"), blank=True)
    admin_name = models.CharField(_("administrator's name"), max_length=150, blank=True)
    modules = models.JSONField(_("licensed modules"), null=True, blank=True)
    template = models.ForeignKey(CollectivityTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="jobs", verbose_name=_("template"))
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("provisioning job")
        verbose_name_plural = _("provisioning jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.collectivity_id} {self.status}"

    @property
    def progress(self) -> int:
        from provisioning.steps import STEPS  # noqa: PLC0415

        return round(100 * len(self.steps_done) / len(STEPS))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class CollectivityExport(models.Model):
    """A full export (schema dump and files) of a collectivity; deletion requires a recent one."""

    collectivity = models.ForeignKey("tenants.Collectivity", null=True, on_delete=models.SET_NULL,
                                     related_name="exports")
    slug = models.CharField(_("collectivity"), max_length=63)
    path = models.CharField(_("archive"), max_length=500)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.path
