"""What statistics are made of: daily visitor counts and the optional profile citizens agree to give."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyVisits(models.Model):
    """Distinct visitors of a day, for the platform (process null) or one process. No identifier is kept."""

    date = models.DateField()
    process = models.ForeignKey("participation.Process", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    visitors = models.PositiveIntegerField(default=0)
    signed_in_visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "process"], name="daily_visits_once_per_process",
                                    nulls_distinct=False),
        ]


class CitizenProfile(models.Model):
    """Optional data a citizen gives, with consent, used only for statistics."""

    class AgeRange(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        FROM_18_TO_29 = "18_29", _("18 to 29")
        FROM_30_TO_44 = "30_44", _("30 to 44")
        FROM_45_TO_59 = "45_59", _("45 to 59")
        FROM_60_TO_74 = "60_74", _("60 to 74")
        FROM_75 = "75_plus", _("75 and over")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        OTHER = "other", _("Other")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile")
    age_range = models.CharField(_("age range"), max_length=10, choices=AgeRange.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True, default="")
    district = models.ForeignKey("participation.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("district where you live"))
    consented_at = models.DateTimeField(_("consent given on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
