"""Blueprints: the process kinds Parvis ships, with their phases in order and default statuses.

Blueprints are data. Creating a process copies the phases as rows that the city then edits; the
statuses of each kind are seeded into every new collectivity, where the city edits them too.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from tenant_apps.participation.phases import Capability as C


@dataclass(frozen=True)
class BlueprintPhase:
    type_key: str
    title: Any
    days: int  # default duration, phases laid end to end from the start date
    capabilities: frozenset | None = None  # None: the type's defaults
    config: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StatusSpec:
    key: str
    label: Any
    colour: str
    is_public: bool = True
    is_final: bool = False
    is_default: bool = False


@dataclass(frozen=True)
class Blueprint:
    key: str
    module: str  # the licensed module (billing.catalogue) a process of this kind needs
    label: Any
    description: Any
    contribution_label: Any  # what a contribution is called in this kind: "idea", "report"...
    phases: tuple[BlueprintPhase, ...]
    statuses: tuple[StatusSpec, ...] = ()
    allows_anonymous: bool = False


P = BlueprintPhase
_DEFAULT_STATUSES = (
    StatusSpec("submitted", _("Submitted"), "#3a3a3a", is_default=True),
    StatusSpec("under_review", _("Under review"), "#8a4b00"),
    StatusSpec("accepted", _("Accepted"), "#1d6b35", is_final=True),
    StatusSpec("rejected", _("Not accepted"), "#a1262d", is_final=True),
)

BLUEPRINTS: dict[str, Blueprint] = {b.key: b for b in [
    Blueprint(
        "budget", "budget", _("Participatory budget"),
        _("Citizens propose investment projects, the city checks them, citizens vote, the winners are built."),
        _("project idea"),
        (
            P("information", _("Structuring"), 30),
            P("submission", _("Call for ideas"), 45),
            P("review", _("Review"), 60),
            P("budget_vote", _("Campaign and vote"), 21, config={"show_results": False}),
            P("follow_up", _("Realisation"), 365),
            P("information", _("Evaluation"), 60),
        ),
        (
            StatusSpec("submitted", _("Submitted"), "#3a3a3a", is_default=True),
            StatusSpec("admissible", _("Admissible"), "#1f5f99"),
            StatusSpec("not_admissible", _("Not admissible"), "#a1262d", is_final=True),
            StatusSpec("feasible", _("Feasible"), "#1f5f99"),
            StatusSpec("not_feasible", _("Not feasible"), "#a1262d", is_final=True),
            StatusSpec("merged", _("Merged into another project"), "#5b4a8a", is_final=True),
            StatusSpec("on_ballot", _("On the ballot"), "#1d6b35"),
            StatusSpec("winner", _("Winner"), "#1d6b35", is_final=True),
            StatusSpec("not_selected", _("Not selected"), "#5c5c5c", is_final=True),
            StatusSpec("in_progress", _("Being built"), "#8a4b00"),
            StatusSpec("done", _("Delivered"), "#1d6b35", is_final=True),
        ),
    ),
    Blueprint(
        "consultation", "consultation", _("Thematic consultation"),
        _("The city asks citizens about a subject, gathers their proposals and answers them."),
        _("proposal"),
        (
            P("information", _("Launch"), 7),
            P("submission", _("Diagnosis"), 30, frozenset({C.SUBMIT, C.COMMENT})),
            P("submission", _("Proposals"), 30, frozenset({C.SUBMIT, C.COMMENT, C.ARGUE, C.SUPPORT})),
            P("review", _("Restitution to elected officials"), 30),
            P("information", _("Answer and timetable"), 30),
            P("follow_up", _("Follow-up"), 365),
        ),
        (
            StatusSpec("submitted", _("Submitted"), "#3a3a3a", is_default=True),
            StatusSpec("under_study", _("Under study"), "#8a4b00"),
            StatusSpec("retained", _("Retained"), "#1d6b35", is_final=True),
            StatusSpec("partly_retained", _("Partly retained"), "#1f5f99", is_final=True),
            StatusSpec("not_retained", _("Not retained"), "#a1262d", is_final=True),
        ),
    ),
    Blueprint(
        "survey", "survey", _("Survey"),
        _("A questionnaire whose answers give directly usable results."), _("answer"),
        (
            P("information", _("Launch"), 7),
            P("survey", _("Answers"), 30),
            P("review", _("Analysis"), 21),
            P("information", _("Publication of the results"), 60),
        ),
        _DEFAULT_STATUSES,
    ),
    Blueprint(
        "call_for_projects", "call_for_projects", _("Call for projects"),
        _("Citizens and associations apply for a subsidy; the city checks, decides and follows up."),
        _("application"),
        (
            P("information", _("Launch"), 14),
            P("submission", _("Applications"), 45, frozenset({C.SUBMIT})),
            P("review", _("Review"), 45),
            P("information", _("Answer"), 14),
            P("follow_up", _("Follow-up"), 365),
        ),
        (
            StatusSpec("draft", _("Draft"), "#5c5c5c", is_public=False, is_default=True),
            StatusSpec("submitted", _("Submitted"), "#3a3a3a", is_public=False),
            StatusSpec("incomplete", _("Incomplete"), "#8a4b00", is_public=False),
            StatusSpec("compliant", _("Compliant"), "#1f5f99", is_public=False),
            StatusSpec("granted", _("Granted"), "#1d6b35", is_final=True),
            StatusSpec("refused", _("Refused"), "#a1262d", is_public=False, is_final=True),
        ),
    ),
    Blueprint(
        "interpellation", "interpellation", _("Interpellation"),
        _("Citizens file a petition; past a threshold of votes the city studies it and answers publicly."),
        _("interpellation"),
        (
            P("information", _("Launch"), 7),
            P("submission", _("Filing"), 60, frozenset({C.SUBMIT, C.COMMENT})),
            P("vote", _("Citizen vote"), 60, frozenset({C.VOTE, C.COMMENT, C.ARGUE})),
            P("review", _("Study"), 60),
            P("information", _("Answer"), 30),
        ),
        (
            StatusSpec("pending", _("Awaiting moderation"), "#5c5c5c", is_public=False, is_default=True),
            StatusSpec("open", _("Open to votes"), "#1f5f99"),
            StatusSpec("threshold_reached", _("Threshold reached"), "#8a4b00"),
            StatusSpec("under_study", _("Under study"), "#8a4b00"),
            StatusSpec("answered", _("Answered"), "#1d6b35", is_final=True),
            StatusSpec("not_admissible", _("Not admissible"), "#a1262d", is_final=True),
            StatusSpec("closed", _("Closed below threshold"), "#5c5c5c", is_final=True),
        ),
    ),
    Blueprint(
        "reports", "reports", _("Issue reporting"),
        _("Problems on the public way reported on a map, routed to the departments, fixed."), _("report"),
        (
            P("information", _("Launch"), 7),
            P("reporting", _("Reports"), 365, frozenset({C.REPORT, C.COMMENT, C.SUPPORT})),
            P("review", _("Review"), 365),
            P("follow_up", _("Intervention"), 365),
            P("follow_up", _("Follow-up"), 365),
        ),
        (
            StatusSpec("new", _("New"), "#3a3a3a", is_default=True),
            StatusSpec("acknowledged", _("Acknowledged"), "#1f5f99"),
            StatusSpec("scheduled", _("Intervention scheduled"), "#8a4b00"),
            StatusSpec("fixed", _("Fixed"), "#1d6b35", is_final=True),
            StatusSpec("not_city", _("Not the city's responsibility"), "#5c5c5c", is_final=True),
            StatusSpec("duplicate", _("Duplicate"), "#5c5c5c", is_final=True),
        ),
        allows_anonymous=True,
    ),
    Blueprint(
        "ideas", "ideas", _("Idea box"),
        _("Citizens share ideas, vote and argue for and against; the city sets their status."), _("idea"),
        (
            P("information", _("Launch"), 7),
            P("submission", _("Ideas"), 60, frozenset({C.SUBMIT, C.COMMENT, C.ARGUE, C.VOTE})),
            P("review", _("Review"), 30),
            P("follow_up", _("Implementation"), 365),
        ),
        _DEFAULT_STATUSES + (StatusSpec("implemented", _("Implemented"), "#1d6b35", is_final=True),),
    ),
    Blueprint(
        "custom", "custom", _("Custom process"),
        _("A blank process the city composes from the phase types."), _("contribution"),
        (),
        _DEFAULT_STATUSES,
    ),
]}


def blueprint_get(key: str) -> Blueprint:
    from django.core.exceptions import ValidationError

    try:
        return BLUEPRINTS[key]
    except KeyError:
        raise ValidationError(_("Unknown kind of process."), code="blueprint") from None


def bilingual(label) -> tuple[str, str]:
    """A translatable label as stored French and English texts."""
    with override("fr"):
        fr = str(label)
    with override("en"):
        en = str(label)
    return fr, en
