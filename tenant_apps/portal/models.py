"""The city's own site settings: what its home page shows and its menu (one row per collectivity)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The blocks a home page can show, in the order the city chooses.
HOME_BLOCKS = {
    "intro": _("Introduction text"),
    "open_processes": _("Processes open now"),
    "upcoming_processes": _("Processes coming soon"),
    "latest_activity": _("Latest activity"),
    "custom_text": _("Free text"),
}
DEFAULT_HOME_BLOCKS = ["intro", "open_processes", "upcoming_processes", "latest_activity"]


class SiteSettings(models.Model):
    singleton = models.BooleanField(default=True, editable=False)
    home_intro_fr = models.TextField(_("introduction (French)"), blank=True)
    home_intro_en = models.TextField(_("introduction (English)"), blank=True)
    home_custom_text_fr = models.TextField(_("free text (French)"), blank=True)
    home_custom_text_en = models.TextField(_("free text (English)"), blank=True)
    home_blocks = models.JSONField(_("home page blocks, in order"), default=list, blank=True)
    # [{"label_fr": "...", "label_en": "...", "url": "/..." or "https://..."}]
    menu = models.JSONField(_("extra menu links"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        constraints = [models.UniqueConstraint(fields=["singleton"], condition=Q(singleton=True),
                                               name="site_settings_single_row")]
