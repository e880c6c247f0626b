from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.catalogue import MODULE_CHOICES


class ModuleLicence(models.Model):
    """Two switches per module and collectivity: allowed by the vendor, enabled by the city among those."""

    collectivity = models.ForeignKey("tenants.Collectivity", on_delete=models.CASCADE, related_name="licences")
    module = models.CharField(_("module"), max_length=32, choices=MODULE_CHOICES)
    is_allowed = models.BooleanField(_("allowed by the licence"), default=True)
    is_enabled = models.BooleanField(_("enabled by the collectivity"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("module licence")
        verbose_name_plural = _("module licences")
        ordering = ["module"]
        constraints = [
            models.UniqueConstraint(fields=["collectivity", "module"], name="licence_one_per_module"),
        ]

    def __str__(self):
        return f"{self.collectivity_id}:{self.module}"

    @property
    def is_available(self) -> bool:
        return self.is_allowed and self.is_enabled


class UsageSnapshot(models.Model):
    """Usage counters of one collectivity at one time, read by the console and billing."""

    collectivity = models.ForeignKey("tenants.Collectivity", on_delete=models.CASCADE, related_name="usage")
    counters = models.JSONField(_("counters"), default=dict)
    measured_at = models.DateTimeField(_("measured at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("usage snapshot")
        verbose_name_plural = _("usage snapshots")
        ordering = ["-measured_at"]

    def __str__(self):
        return f"{self.collectivity_id} {self.measured_at:%Y-%m-%d}"
