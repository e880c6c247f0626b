"""The participatory budget: an edition's envelopes and rules, projects made from reviewed ideas,
ballots (online and paper), computed results and the follow-up of the winners.

An edition is a kernel Process of kind "budget"; its ideas are kernel Contributions. What only a
budget has lives here. Double voting is refused by the database: one VoterMark per person and
voting slot, found by account and by identity (so that a paper vote and an online vote collide).
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approval (choose projects)")
    KNAPSACK = "knapsack", _("Basket within the budget")
    CUMULATIVE = "cumulative", _("Points to share out")
    ORDINAL = "ordinal", _("Ranking (points by position)")
    MAJORITY_JUDGMENT = "majority_judgment", _("Majority judgment (a grade per project)")


class CountingRule(models.TextChoices):
    GREEDY = "greedy", _("Most votes first, skipping projects that no longer fit")
    GREEDY_NO_SKIP = "greedy-no-skip", _("Most votes first, stopping at the first project that does not fit")
    GREEDY_THRESHOLD = "greedy-threshold", _("Most votes first, with a minimum number of votes")
    MES = "mes", _("Method of Equal Shares")
    MES_ADD1 = "mes-add1", _("Method of Equal Shares, completed by raising each voter's share")
    MES_ADD1_UTILITARIAN = "mes-add1-utilitarian", _("Method of Equal Shares, completed, then most votes first")
    MES_ADD1_COMPARISON = "mes-add1-comparison", _("Method of Equal Shares, completed, compared with most votes first")
    MAJORITY_JUDGMENT = "majority-judgment", _("Majority judgment, funded in order of grades")


class Edition(models.Model):
    """What a budget process has beyond the kernel's: scope of the vote, rules page, checklist, visibility."""

    class VotingScope(models.TextChoices):
        ALL = "all", _("A person may vote in every budget")
        ONE_DISTRICT = "one_district", _("A person votes in the city-wide budgets and in one district")

    process = models.OneToOneField("participation.Process", on_delete=models.CASCADE, related_name="budget_edition")
    voting_scope = models.CharField(_("who votes in which budget"), max_length=20, choices=VotingScope.choices,
                                    default=VotingScope.ONE_DISTRICT)
    rules_text = models.TextField(_("rules (règlement)"), blank=True)  # sanitised HTML
    show_tallies_during_vote = models.BooleanField(_("show the tallies while the vote is open"), default=False)
    show_turnout_publicly = models.BooleanField(_("show the turnout to the public while the vote is open"),
                                                default=True)
    satisfaction_open = models.BooleanField(_("satisfaction survey open"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("budget edition")
        verbose_name_plural = _("budget editions")

    def __str__(self):
        return self.process.title


class AdmissibilityCriterion(models.Model):
    """One line of the admissibility checklist the city publishes (public interest, investment...)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("criterion"), max_length=200)
    help_text = models.CharField(_("explanation"), max_length=400, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("admissibility criterion")
        verbose_name_plural = _("admissibility criteria")

    def __str__(self):
        return self.label


class Budget(models.Model):
    """An envelope of the edition (city-wide or one district), with its ballot and counting rules."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="budgets")
    name = models.CharField(_("name"), max_length=120)
    district = models.ForeignKey("participation.District", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("district (empty: city-wide)"))
    amount = models.PositiveBigIntegerField(_("envelope (€)"))
    ballot_kind = models.CharField(_("ballot"), max_length=20, choices=BallotKind.choices,
                                   default=BallotKind.APPROVAL)
    min_choices = models.PositiveSmallIntegerField(_("minimum number of projects"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("maximum number of projects (0: no limit)"), default=5)
    max_points_per_project = models.PositiveSmallIntegerField(_("points per project at most"), default=3)
    max_total_points = models.PositiveSmallIntegerField(_("points to share out"), default=7)
    points_by_rank = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("points by rank"),
                                default=list, blank=True)
    grades = ArrayField(models.CharField(max_length=40), verbose_name=_("grades, best first"), default=list,
                        blank=True)
    min_share_percent = models.PositiveSmallIntegerField(_("basket must use at least (% of the envelope)"),
                                                         default=0)
    counting_rule = models.CharField(_("counting method"), max_length=30, choices=CountingRule.choices,
                                     default=CountingRule.GREEDY)
    threshold = models.PositiveIntegerField(_("minimum number of votes to be funded"), default=0)
    # Ties are broken by lowest cost, then most votes, then this order, drawn before counting and
    # published on the rules page (project ids).
    drawn_order = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(fields=["edition", "district"], condition=Q(district__isnull=False),
                                    name="budget_one_per_district"),
            models.CheckConstraint(condition=Q(min_share_percent__lte=100), name="budget_min_share_percent"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_city_wide(self) -> bool:
        return self.district_id is None


class IdeaReview(models.Model):
    """The city's review of one idea: admissibility (checklist + reasoned answer), then feasibility."""

    class Admissibility(models.TextChoices):
        PENDING = "", _("Not reviewed yet")
        ADMISSIBLE = "admissible", _("Admissible")
        NOT_ADMISSIBLE = "not_admissible", _("Not admissible")

    class Feasibility(models.TextChoices):
        PENDING = "", _("Not studied yet")
        FEASIBLE = "feasible", _("Feasible")
        NOT_FEASIBLE = "not_feasible", _("Not feasible")

    idea = models.OneToOneField("participation.Contribution", on_delete=models.CASCADE, related_name="budget_review")
    admissibility = models.CharField(_("admissibility"), max_length=20, choices=Admissibility.choices, blank=True,
                                     default="")
    # {criterion id (str): true/false}
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    admissibility_reason = models.TextField(_("reasoned answer to the author"), blank=True)
    admissibility_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    admissibility_at = models.DateTimeField(null=True, blank=True)
    feasibility = models.CharField(_("feasibility"), max_length=20, choices=Feasibility.choices, blank=True,
                                   default="")
    estimated_cost = models.PositiveBigIntegerField(_("cost estimate (€)"), null=True, blank=True)
    delay_months = models.PositiveSmallIntegerField(_("time to build (months)"), null=True, blank=True)
    department = models.ForeignKey("organisation.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("department in charge"))
    technical_opinion = models.TextField(_("technical opinion"), blank=True)
    feasibility_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    feasibility_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("idea review")
        verbose_name_plural = _("idea reviews")


class Project(models.Model):
    """A project on the ballot, made from one or several reviewed ideas whose authors it credits."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        ON_BALLOT = "on_ballot", _("On the ballot")
        WINNER = "winner", _("Winner")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Realisation(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        STUDIES = "studies", _("Studies")
        WORKS = "works", _("Works under way")
        DELIVERED = "delivered", _("Delivered")
        ABANDONED = "abandoned", _("Abandoned")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="projects")
    budget = models.ForeignKey(Budget, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects",
                               verbose_name=_("budget"))
    reference = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    number = models.PositiveSmallIntegerField(_("number on the ballot"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    body = models.TextField(_("description"), blank=True)  # sanitised HTML
    cost = models.PositiveBigIntegerField(_("cost (€)"))
    delay_months = models.PositiveSmallIntegerField(_("time to build (months)"), null=True, blank=True)
    department = models.ForeignKey("organisation.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("department in charge"))
    district = models.ForeignKey("participation.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("district"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    image = models.ImageField(_("photo"), upload_to="budgets/projects/", blank=True)
    image_alt = models.CharField(_("text alternative of the photo"), max_length=250, blank=True)
    ideas = models.ManyToManyField("participation.Contribution", blank=True, related_name="budget_projects",
                                   verbose_name=_("ideas it comes from"))
    # Authors of the merged ideas (and their co-authors): credited on the sheet, may edit the campaign.
    holders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="budget_projects_held",
                                     verbose_name=_("project holders"))
    campaign_text = models.TextField(_("campaign text"), blank=True)  # sanitised HTML, by the holders
    campaign_updated_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    realisation = models.CharField(_("realisation"), max_length=20, choices=Realisation.choices,
                                   default=Realisation.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    spent = models.PositiveBigIntegerField(_("money spent (€)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["budget_id", "number", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_percent"),
            models.CheckConstraint(condition=Q(cost__gt=0), name="project_cost_positive"),
            models.UniqueConstraint(fields=["budget", "number"], condition=Q(number__isnull=False),
                                    name="project_number_unique"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("budgets:project", kwargs={"pk": self.pk})


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("planned for"), null=True, blank=True)
    done_on = models.DateField(_("reached on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")


class ProjectNews(models.Model):
    """News about a project being built, sent to its supporters (followers of its ideas and holders)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))  # sanitised HTML
    photo = models.ImageField(_("photo"), upload_to="budgets/news/", blank=True)
    photo_alt = models.CharField(_("text alternative of the photo"), max_length=250, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project news")
        verbose_name_plural = _("project news")


class PollingPlace(models.Model):
    """A place where people vote on paper (town hall, library, market stall)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="polling_places")
    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("address"), max_length=300, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    district = models.ForeignKey("participation.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("district"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("polling place")
        verbose_name_plural = _("polling places")

    def __str__(self):
        return self.name


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper, at a polling place")
    IMPORT = "import", _("Imported")


class VoterMark(models.Model):
    """"Has voted" (émargement): one row per person and voting slot, whatever the channel.

    The slot is the budget's id, or "district" for every district budget when a person votes in one
    district only. The person is found by account and by identity key (HMAC of name and birth date,
    from a verified identity online or from the papers shown at a polling place), each unique per
    slot: the database refuses a second vote by either path.
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="voter_marks")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="voter_marks")
    slot = models.CharField(max_length=20)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="budget_voter_marks")
    identity_key = models.CharField(max_length=64, null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    polling_place = models.ForeignKey(PollingPlace, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="voter_marks")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    # Kept for turnout statistics only (never linked to the ballot's content once the vote closes).
    age_range = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("voter mark")
        verbose_name_plural = _("voter marks")
        constraints = [
            models.UniqueConstraint(fields=["edition", "slot", "account"], condition=Q(account__isnull=False),
                                    name="votermark_one_per_account"),
            models.UniqueConstraint(fields=["edition", "slot", "identity_key"],
                                    condition=Q(identity_key__isnull=False), name="votermark_one_per_identity"),
            models.CheckConstraint(condition=Q(account__isnull=False) | Q(identity_key__isnull=False)
                                   | Q(channel="import"), name="votermark_identifies_someone"),
        ]


class Ballot(models.Model):
    """One ballot, submitted whole. Online ballots stay linked to their mark until the vote closes
    (so the voter can change it); the link is then cut so no ballot can be traced to a person."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="ballots")
    mark = models.OneToOneField(VoterMark, null=True, blank=True, on_delete=models.SET_NULL, related_name="ballot")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    polling_place = models.ForeignKey(PollingPlace, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="ballots")
    # {project id (str): value} — 1 for approval, points, rank (1 = first) or grade index (0 = best).
    choices = models.JSONField(default=dict)
    # A retried submission carries the same token and changes nothing.
    submission_token = models.UUIDField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["budget", "channel"])]


class PaperEntry(models.Model):
    """A paper ballot typed in twice by staff: counted only once both entries agree."""

    class State(models.TextChoices):
        AWAITING_SECOND = "awaiting_second", _("Waiting for the second entry")
        CONFIRMED = "confirmed", _("Confirmed")
        MISMATCH = "mismatch", _("The two entries differ")
        VOID = "void", _("Void ballot")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="paper_entries")
    polling_place = models.ForeignKey(PollingPlace, on_delete=models.PROTECT, related_name="paper_entries")
    sheet = models.PositiveIntegerField(_("ballot number"))
    first_choices = models.JSONField(default=dict)
    first_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    first_at = models.DateTimeField(auto_now_add=True)
    second_choices = models.JSONField(null=True, blank=True)
    second_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    second_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.AWAITING_SECOND)
    ballot = models.OneToOneField(Ballot, null=True, blank=True, on_delete=models.SET_NULL, related_name="paper_entry")

    class Meta:
        ordering = ["polling_place_id", "sheet"]
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        constraints = [
            models.UniqueConstraint(fields=["budget", "polling_place", "sheet"], name="paperentry_sheet_unique"),
        ]


class Result(models.Model):
    """A count of a budget's ballots by the engine; the published one is what the public sees."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="results")
    rule = models.CharField(max_length=30, choices=CountingRule.choices)
    threshold = models.PositiveIntegerField(default=0)
    ballots_counted = models.PositiveIntegerField()
    selected = ArrayField(models.PositiveIntegerField(), default=list)  # project ids, in order of selection
    spent = models.PositiveBigIntegerField()
    # {project id (str): {"selected", "rank", "score", "supporters", "reason", "params"}}
    projects = models.JSONField(default=dict)
    details = models.JSONField(default=dict, blank=True)
    drawn_order = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    seconds = models.FloatField(default=0)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField(auto_now_add=True)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(fields=["budget"], condition=Q(is_published=True), name="result_one_published"),
        ]


class SatisfactionAnswer(models.Model):
    """The edition's satisfaction survey, built in until the survey module can carry it."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="satisfaction_answers")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    score = models.PositiveSmallIntegerField(_("satisfaction (1 to 5)"))
    would_take_part_again = models.BooleanField(_("would take part again"), default=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        constraints = [
            models.UniqueConstraint(fields=["edition", "respondent"], condition=Q(respondent__isnull=False),
                                    name="satisfaction_one_per_person"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="satisfaction_score_range"),
        ]
