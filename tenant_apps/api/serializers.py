"""Input and output shapes of the city API. Outputs read what selectors fetched; inputs only check types.

Every rule a person can break (phase closed, limits, sizes) stays in the services: an input
serializer refuses a wrong type or an unknown choice, never a participation rule.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenant_apps.participation.models import Contribution, Process
from tenant_apps.participation.phases import Capability

# What a visitor who may not see a hidden contribution reads in place of its title.
HIDDEN_TITLE = _("Contribution hidden by moderation")
VOTE_CHOICES = ("for", "against", "neutral", "support")


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


class ErrorOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("A stable code, for programs (e.g. phase_not_open, login_required)."))
    detail = serializers.CharField(help_text=_("The reason, for people, in the language of the site."))
    errors = serializers.DictField(required=False, child=serializers.ListField(child=serializers.CharField()),
                                   help_text=_("On a 400: the problems of each field sent."))


class DecisionOutputSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    code = serializers.CharField(help_text=_("Why not, for programs; empty when allowed."))
    reason = serializers.CharField(help_text=_("Why not, for people; empty when allowed."))


def decision_data(decision) -> dict:
    return {"allowed": decision.allowed, "code": decision.code, "reason": str(decision.reason)}


class ThemeOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField()


class DistrictOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class StatusOutputSerializer(serializers.Serializer):
    key = serializers.SlugField()
    label = serializers.CharField()
    colour = serializers.CharField()
    is_final = serializers.BooleanField()
    is_default = serializers.BooleanField()


class StatusBriefOutputSerializer(serializers.Serializer):
    key = serializers.SlugField()
    label = serializers.CharField()
    is_final = serializers.BooleanField()


class PhaseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type_key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    position = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capabilities = serializers.ListField(child=serializers.ChoiceField(choices=[c.value for c in Capability]))
    config = serializers.DictField(help_text=_("Settings of the phase (limits, neutral vote, results shown...)."))


class ProcessStateOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text=_("When this state was computed."))
    is_published = serializers.BooleanField()
    is_finished = serializers.BooleanField()
    active_phases = serializers.ListField(child=serializers.IntegerField(), help_text=_("Ids of the active phases."))
    current_phase = serializers.IntegerField(allow_null=True, help_text=_("Id of the phase shown as current."))
    next_phase = serializers.IntegerField(allow_null=True, help_text=_("Id of the next phase to start."))
    # Plain strings: the enum is described once, on the phases' `capabilities`.
    open_capabilities = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("What citizens can do now (submit, comment, vote, support...)."))


def process_state_data(state) -> dict:
    return {
        "at": timezone.localtime(state.at),
        "is_published": state.is_published,
        "is_finished": state.is_finished,
        "active_phases": state.active_ids,
        "current_phase": state.current.pk if state.current else None,
        "next_phase": state.next.pk if state.next else None,
        "open_capabilities": sorted(str(c) for c in state.capabilities if c != Capability.REVIEW),
    }


class ProcessOutputSerializer(serializers.Serializer):
    # Context: `request`, and `states` ({process id: ProcessState}) computed by the view.

    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.CharField()
    module = serializers.CharField()
    summary = serializers.CharField()
    visibility = serializers.ChoiceField(choices=Process.Visibility.choices)
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField(help_text=_("The page of the process on the site."))
    contributions = serializers.SerializerMethodField(help_text=_("The API address of its contributions."))
    themes = ThemeOutputSerializer(many=True, source="themes.all")
    districts = DistrictOutputSerializer(many=True, source="districts.all")
    phases = PhaseOutputSerializer(many=True, source="phases.all")
    state = serializers.SerializerMethodField()

    def get_url(self, process) -> str:
        return _absolute(self.context.get("request"), process.get_absolute_url())

    def get_contributions(self, process) -> str:
        return _absolute(self.context.get("request"), reverse("api:process_contributions",
                                                              kwargs={"slug": process.slug}))

    @extend_schema_field(ProcessStateOutputSerializer)
    def get_state(self, process) -> dict:
        return process_state_data(self.context["states"][process.pk])


class ProcessDetailOutputSerializer(ProcessOutputSerializer):
    description = serializers.CharField(help_text=_("Sanitised HTML."))
    allows_anonymous = serializers.BooleanField()
    max_attachments = serializers.IntegerField()


# "for" is a Python keyword: the class is built with type() to name the field as JSON does.
VoteCountsOutputSerializer = type("VoteCountsOutputSerializer", (serializers.Serializer,), {
    "__module__": __name__,
    "support": serializers.IntegerField(),
    "for": serializers.IntegerField(),
    "against": serializers.IntegerField(),
    "neutral": serializers.IntegerField(),
})


class VotesOutputSerializer(serializers.Serializer):
    results_visible = serializers.BooleanField(
        help_text=_("False while an open vote keeps its results hidden until it closes."))
    counts = VoteCountsOutputSerializer(allow_null=True, help_text=_("Null while results are hidden."))


def votes_data(contribution: Contribution, *, results_visible: bool) -> dict:
    counts = {"support": contribution.support_count, "for": contribution.for_count,
              "against": contribution.against_count, "neutral": contribution.neutral_count}
    return {"results_visible": results_visible, "counts": counts if results_visible else None}


def author_label(user) -> str | None:
    """What the site shows of an author: the first name, never the e-mail address."""
    if user is None or not user.full_name:
        return None
    return user.full_name.split(" ")[0]


class ContributionOutputSerializer(serializers.Serializer):
    # Context: `request`, `can_see_hidden` (staff and moderators read hidden ones), `results_visible`.

    id = serializers.IntegerField()
    process = serializers.SlugField(source="process.slug")
    url = serializers.SerializerMethodField(help_text=_("The page of the contribution on the site."))
    title = serializers.CharField(help_text=_("Replaced by a notice when the contribution is hidden by moderation."))
    body = serializers.CharField(allow_null=True, help_text=_("Sanitised HTML; null when hidden."))
    is_hidden = serializers.BooleanField()
    hidden_reason = serializers.CharField(allow_null=True)
    author = serializers.CharField(allow_null=True, help_text=_("First name; null when anonymous or hidden."))
    is_anonymous = serializers.BooleanField()
    status = StatusBriefOutputSerializer(allow_null=True)
    district = DistrictOutputSerializer(allow_null=True)
    themes = ThemeOutputSerializer(many=True, source="themes.all")
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    comment_count = serializers.IntegerField()
    votes = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_url(self, contribution) -> str:
        return _absolute(self.context.get("request"), contribution.get_absolute_url())

    @extend_schema_field(VotesOutputSerializer)
    def get_votes(self, contribution) -> dict:
        return votes_data(contribution, results_visible=self.context.get("results_visible", True))

    def to_representation(self, contribution):
        data = super().to_representation(contribution)
        data["author"] = None if contribution.is_anonymous else author_label(contribution.author)
        if not contribution.is_hidden:
            data["hidden_reason"] = None
        elif not self.context.get("can_see_hidden"):
            data.update(title=str(HIDDEN_TITLE), body=None, author=None, latitude=None, longitude=None,
                        address=None)
        return data


class OfficialAnswerOutputSerializer(serializers.Serializer):
    body = serializers.CharField(help_text=_("Sanitised HTML."))
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class StatusChangeOutputSerializer(serializers.Serializer):
    status = StatusBriefOutputSerializer(source="to_status")
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class VotingOutputSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=["support", "for_against"], allow_null=True,
                                   help_text=_("The kind of vote open now; null when no vote is open."))
    choices = serializers.ListField(child=serializers.CharField(),
                                    help_text=_("The values the vote endpoint accepts now (for, against, "
                                                "neutral, support)."))
    my_vote = serializers.CharField(allow_null=True, help_text=_("Your vote (for, against, neutral or support) "
                                                                 "when signed in and you voted, else null."))
    can_vote = DecisionOutputSerializer()
    can_withdraw = serializers.BooleanField()


class ContributionDetailOutputSerializer(ContributionOutputSerializer):
    # Context also carries `answer`, `status_changes`, `voting` (the vote panel) and `comment_decision`.

    phase = serializers.IntegerField(source="phase_id", allow_null=True)
    official_answer = serializers.SerializerMethodField()
    status_history = serializers.SerializerMethodField()
    voting = serializers.SerializerMethodField()
    can_comment = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField(help_text=_("The API address of its comments."))

    @extend_schema_field(OfficialAnswerOutputSerializer(allow_null=True))
    def get_official_answer(self, contribution) -> dict | None:
        answer = self.context.get("answer")
        return OfficialAnswerOutputSerializer(answer).data if answer is not None else None

    @extend_schema_field(StatusChangeOutputSerializer(many=True))
    def get_status_history(self, contribution) -> list:
        return StatusChangeOutputSerializer(self.context.get("status_changes", []), many=True).data

    @extend_schema_field(VotingOutputSerializer)
    def get_voting(self, contribution) -> dict:
        panel = self.context["voting"]
        decision = panel["decision"]
        return {
            "mode": panel["mode"],
            "choices": [choice["value"] for choice in panel["choices"]],
            "my_vote": panel["current"],
            "can_vote": decision_data(decision),
            "can_withdraw": panel["can_withdraw"],
        }

    def get_comments(self, contribution) -> str:
        return _absolute(self.context.get("request"), reverse("api:contribution_comments",
                                                              kwargs={"pk": contribution.pk}))

    @extend_schema_field(DecisionOutputSerializer)
    def get_can_comment(self, contribution) -> dict:
        return decision_data(self.context["comment_decision"])


class CommentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    body = serializers.CharField(allow_null=True, help_text=_("Plain text; null when deleted or hidden."))
    author = serializers.CharField(allow_null=True,
                                   help_text=_("Full name as the site shows it, the city's name for an official "
                                               "comment; null when deleted or hidden."))
    is_official = serializers.BooleanField()
    is_deleted = serializers.BooleanField()
    is_hidden = serializers.BooleanField()
    hidden_reason = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, comment):
        data = super().to_representation(comment)
        if comment.is_official:
            data["author"] = self.context.get("city_name") or None
        else:
            data["author"] = (comment.author.full_name or None) if comment.author else None
        if not comment.is_hidden:
            data["hidden_reason"] = None
        if comment.is_deleted or comment.is_hidden:
            data.update(body=None, author=None)
        return data


# --- Inputs -------------------------------------------------------------------------------------

class ProcessFilterSerializer(serializers.Serializer):
    kind = serializers.CharField(required=False, max_length=40,
                                 help_text=_("Process kind: budget, consultation, ideas, interpellation..."))
    visibility = serializers.ChoiceField(required=False, choices=[Process.Visibility.PUBLISHED.value,
                                                                  Process.Visibility.ARCHIVED.value])


class ContributionFilterSerializer(serializers.Serializer):
    status = serializers.SlugField(required=False, help_text=_("Key of a status (see the statuses endpoint)."))
    district = serializers.SlugField(required=False, help_text=_("Short name of a district."))
    theme = serializers.SlugField(required=False, help_text=_("Short name of a theme."))
    q = serializers.CharField(required=False, max_length=200, help_text=_("Words to search for."))
    sort = serializers.ChoiceField(required=False, choices=["recent", "supported"], default="recent")


class ContributionCreateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    body = serializers.CharField(allow_blank=True, help_text=_("Plain text or simple HTML (sanitised)."))
    district = serializers.SlugField(required=False, allow_null=True, help_text=_("Short name of a district."))
    themes = serializers.ListField(child=serializers.SlugField(), required=False, max_length=20,
                                   help_text=_("Short names of themes."))
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90,
                                      help_text=_("Degrees (WGS 84); give both or neither."))
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180,
                                       help_text=_("Degrees (WGS 84); give both or neither."))
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    is_anonymous = serializers.BooleanField(required=False, default=False)


class CommentCreateInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                      help_text=_("Id of the comment replied to."))


class VoteInputSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=VOTE_CHOICES)
