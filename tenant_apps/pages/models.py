from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Page(models.Model):
    """An editable page of the collectivity's site, in French and English."""

    class Key(models.TextChoices):
        LEGAL_NOTICE = "legal_notice", _("Legal notice")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        PRIVACY = "privacy", _("Personal data")
        TERMS = "terms", _("Terms of use")

    class Conformance(models.TextChoices):
        # RGAA 4.1: the level the accessibility statement declares, shown in every page's footer.
        NONE = "none", _("not compliant")
        PARTIAL = "partial", _("partially compliant")
        FULL = "full", _("fully compliant")

    key = models.CharField(_("page"), max_length=32, choices=Key.choices, unique=True)
    conformance = models.CharField(_("accessibility conformance (RGAA)"), max_length=10,
                                   choices=Conformance.choices, default=Conformance.NONE,
                                   help_text=_("Only used by the accessibility statement."))
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_fr = models.TextField(_("text (French)"))
    body_en = models.TextField(_("text (English)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["key"]

    def __str__(self):
        return self.title_fr

    @property
    def title(self) -> str:
        return self.title_en if get_language() == "en" else self.title_fr

    @property
    def body(self) -> str:
        return self.body_en if get_language() == "en" else self.body_fr
