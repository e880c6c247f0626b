"""The participation kernel: processes made of phases, contributions, their statuses and answers.

Phase *types* are code (`phases.py`); phases are rows. Whether anything is open is computed in one
place, `state.process_state()`, from these rows and a time.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualLabel(models.Model):
    """A label the city writes in French and English; shown in the reader's language."""

    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "fr").startswith("en") and self.label_en:
            return self.label_en
        return self.label_fr


class Theme(BilingualLabel):
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "label_fr"]


class District(models.Model):
    """A quartier. Its optional outline (a GeoJSON Polygon or MultiPolygon) suggests the district of a point."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    outline = models.JSONField(_("outline (GeoJSON)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Process(models.Model):
    class Visibility(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    # The blueprint it was made from (budget, consultation, ..., custom) and the licensed module it needs.
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    module = models.CharField(_("module"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True)  # sanitised HTML
    cover_image = models.ImageField(_("cover image"), upload_to="participation/covers/", blank=True)
    cover_alt = models.CharField(_("text alternative of the cover image"), max_length=250, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="processes", verbose_name=_("themes"))
    districts = models.ManyToManyField(District, blank=True, related_name="processes",
                                       verbose_name=_("districts concerned"))
    visibility = models.CharField(_("visibility"), max_length=12, choices=Visibility.choices,
                                  default=Visibility.DRAFT, db_index=True)
    allows_anonymous = models.BooleanField(_("contributions may be published anonymously"), default=False)
    max_attachments = models.PositiveSmallIntegerField(_("attachments per contribution"), default=4)
    # The phases the transition task last announced (ids, sorted): a change is announced exactly once.
    announced_phase_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("participation:process_detail", kwargs={"slug": self.slug})


class Phase(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    type_key = models.CharField(_("phase type"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"))
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    # The capabilities of its type that the city switched on for this phase.
    capabilities = ArrayField(models.CharField(max_length=30), default=list, blank=True,
                              verbose_name=_("what citizens can do"))
    config = models.JSONField(_("configuration"), default=dict, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="phase_ends_after_start"),
            models.UniqueConstraint(fields=["process", "position"], name="phase_position_unique",
                                    deferrable=models.Deferrable.DEFERRED),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="phase_dates_idx")]

    def __str__(self):
        return self.title


class Status(BilingualLabel):
    """A status a contribution of a process kind can have; cities edit them."""

    process_kind = models.CharField(_("process kind"), max_length=40)
    key = models.SlugField(_("key"), max_length=40)
    colour = models.CharField(_("colour"), max_length=7, default="#3a3a3a")
    is_public = models.BooleanField(_("shown to the public"), default=True)
    is_final = models.BooleanField(_("final"), default=False)
    is_default = models.BooleanField(_("given to new contributions"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["process_kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["process_kind", "key"], name="status_key_unique"),
            models.UniqueConstraint(fields=["process_kind"], condition=Q(is_default=True),
                                    name="status_one_default_per_kind"),
        ]


class Contribution(models.Model):
    """An idea, proposal, project, report, petition... made by a citizen in a process."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="contributions")
    phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reference = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("description"))  # sanitised HTML
    # Always tied to an account, even when published anonymously (moderation, one person one voice).
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="contributions")
    is_anonymous = models.BooleanField(_("published anonymously"), default=False)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="contributions", verbose_name=_("district"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="contributions", verbose_name=_("themes"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.ForeignKey(Status, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("status"))
    # Review by the city: who handles it (an agent and/or a department), and duplicates merged into it.
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="assigned_contributions", verbose_name=_("assigned agent"))
    assigned_department = models.ForeignKey("organisation.Department", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="assigned_contributions",
                                            verbose_name=_("assigned department"))
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_contributions", verbose_name=_("merged into"))
    # Authors credited besides `author` (ideas merged into this one, co-filers).
    coauthors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="coauthored_contributions",
                                       verbose_name=_("co-authors"))
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    # Exact counts kept in the same transaction as the votes and comments that change them.
    support_count = models.PositiveIntegerField(default=0)
    for_count = models.PositiveIntegerField(default=0)
    against_count = models.PositiveIntegerField(default=0)
    neutral_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    search_vector = SearchVectorField(null=True, editable=False)
    # The token of the form that sent it: the same form sent twice (double click, network retry) makes one.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="contribution_location_complete_and_valid",
            ),
            models.UniqueConstraint(fields=["author", "submission_token"], condition=Q(submission_token__isnull=False),
                                    name="contribution_submitted_once"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="contribution_search_idx"),
            models.Index(fields=["process", "-created_at"], name="contribution_recent_idx"),
            models.Index(fields=["process", "-support_count"], name="contribution_supported_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("participation:contribution_detail", kwargs={"pk": self.pk})

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def attachment_path(instance, filename):
    # Random names: an original file name can carry personal data, and guessing one must be useless.
    return f"participation/attachments/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF document")

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content_type = models.CharField(max_length=60)
    original_name = models.CharField(_("file name"), max_length=200)
    alt_text = models.CharField(_("description of the image"), max_length=250, blank=True)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["contribution", "position", "id"]

    def __str__(self):
        return self.original_name

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp",
                "application/pdf": ".pdf"}.get(self.content_type, "")


class StatusChange(models.Model):
    """The history of a contribution's status, with the optional public message sent with it."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.ForeignKey(Status, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("message to the author and followers"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["contribution", "created_at", "id"]


class OfficialAnswer(models.Model):
    """The city's answer to a contribution: one per contribution, distinct from comments."""

    contribution = models.OneToOneField(Contribution, on_delete=models.CASCADE, related_name="official_answer")
    body = models.TextField(_("answer"))  # sanitised HTML
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("official answer")
        verbose_name_plural = _("official answers")
