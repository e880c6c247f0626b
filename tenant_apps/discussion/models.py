"""Threaded comments (with their edit history) and arguments for and against a contribution."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Comment(models.Model):
    contribution = models.ForeignKey("participation.Contribution", on_delete=models.CASCADE,
                                     related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="comments")
    body = models.TextField(_("comment"))  # plain text, escaped when shown
    is_official = models.BooleanField(_("posted on behalf of the city"), default=False)
    # A deleted comment keeps its place in the thread ("comment deleted"), its replies stay readable.
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["contribution", "created_at"], name="comment_thread_idx")]


class CommentRevision(models.Model):
    """A previous text of an edited comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["comment", "created_at", "id"]


class Argument(models.Model):
    class Side(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")

    contribution = models.ForeignKey("participation.Contribution", on_delete=models.CASCADE,
                                     related_name="arguments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="arguments")
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    body = models.TextField(_("argument"))  # plain text
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("argument")
        verbose_name_plural = _("arguments")
        ordering = ["created_at", "id"]
