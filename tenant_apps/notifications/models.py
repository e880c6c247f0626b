"""Following processes and contributions; notifications in the site and by e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    process = models.ForeignKey("participation.Process", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="follows")
    contribution = models.ForeignKey("participation.Contribution", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(process__isnull=False, contribution__isnull=True)
                           | Q(process__isnull=True, contribution__isnull=False)),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "process"], name="follow_process_once"),
            models.UniqueConstraint(fields=["user", "contribution"], name="follow_contribution_once"),
        ]


class NotificationSettings(models.Model):
    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DAILY = "daily", _("Once a day (digest)")
        NEVER = "never", _("Never (only on the site)")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_settings")
    email_frequency = models.CharField(_("e-mails"), max_length=10, choices=Frequency.choices,
                                       default=Frequency.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # What happened (phase_started, status_changed, answer_published, comment_posted, content_hidden, ...);
    # the text is rendered when read, in the reader's language, from `kind` and `data`.
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    process = models.ForeignKey("participation.Process", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    contribution = models.ForeignKey("participation.Contribution", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once the notification went out by e-mail (alone or in a digest): never sent twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]


class NotificationTemplate(models.Model):
    """The city's own words for one kind of notification, in French and English; an empty text keeps the default.

    Texts are %-format strings using the placeholders of their kind (messages.PLACEHOLDERS), checked when saved.
    They apply to site notifications and to e-mails (title = e-mail subject).
    """

    kind = models.CharField(_("kind of notification"), max_length=40, unique=True)
    title_fr = models.CharField(_("title / subject (French)"), max_length=250, blank=True)
    body_fr = models.TextField(_("text (French)"), blank=True)
    title_en = models.CharField(_("title / subject (English)"), max_length=250, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification text")
        verbose_name_plural = _("notification texts")
        ordering = ["kind"]

    def __str__(self):
        return self.kind
