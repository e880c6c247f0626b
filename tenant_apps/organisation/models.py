"""The collectivity's departments (services) and the agents who belong to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("shared e-mail"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="departments", blank=True, verbose_name=_("agents")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="department_name_unique")]

    def __str__(self):
        return self.name
