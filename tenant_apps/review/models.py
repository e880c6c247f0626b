"""Staff notes on contributions under review: never shown to the public or to the author."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InternalNote(models.Model):
    contribution = models.ForeignKey("participation.Contribution", on_delete=models.CASCADE,
                                     related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["contribution", "created_at", "id"]
