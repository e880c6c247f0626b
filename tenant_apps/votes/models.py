"""Votes on contributions: support only, or for / against (and optionally neutral), one per person."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Vote(models.Model):
    class Value(models.IntegerChoices):
        FOR = 1, _("For")
        NEUTRAL = 0, _("Neutral")
        AGAINST = -1, _("Against")

    contribution = models.ForeignKey("participation.Contribution", on_delete=models.CASCADE, related_name="votes")
    # Nullable only so that an erased account leaves its vote counted but unlinked (RGPD).
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="votes")
    phase = models.ForeignKey("participation.Phase", null=True, on_delete=models.SET_NULL, related_name="+")
    class Mode(models.TextChoices):
        SUPPORT = "support", _("Support")
        FOR_AGAINST = "for_against", _("For or against")

    # A support is a vote "for" cast in a phase that only offers support; it counts in support_count,
    # a for/against vote in for_count, against_count or neutral_count.
    mode = models.CharField(max_length=12, choices=Mode.choices)
    value = models.SmallIntegerField(_("vote"), choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            # One person, one voice: the database refuses a second vote whatever the code does.
            models.UniqueConstraint(fields=["contribution", "voter"], name="vote_one_per_person"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value_valid"),
            models.CheckConstraint(condition=~Q(mode="support") | Q(value=1), name="vote_support_is_for"),
        ]
