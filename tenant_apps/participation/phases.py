"""Phase types: code that modules register (key, label, capabilities, configuration schema).

A phase row names its type by key, switches on a subset of the type's capabilities and carries a
configuration validated against the type's schema. Modules register their own types in their
AppConfig.ready(); the kernel registers the generic ones every blueprint uses.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class Capability(StrEnum):
    SUBMIT = "submit"
    COMMENT = "comment"
    ARGUE = "argue"
    VOTE = "vote"  # for / against (and neutral where the phase allows it)
    SUPPORT = "support"  # support only
    SIGN = "sign"
    ANSWER_SURVEY = "answer_survey"
    REPORT = "report"
    REVIEW = "review"  # staff only
    BALLOT = "ballot"  # a whole ballot in a participatory budget (basket, points, ranking, grades)

    @property
    def label(self):
        return CAPABILITY_LABELS[self]


CAPABILITY_LABELS = {
    Capability.SUBMIT: _("Submit a contribution"),
    Capability.COMMENT: _("Comment"),
    Capability.ARGUE: _("Give arguments for or against"),
    Capability.VOTE: _("Vote for or against"),
    Capability.SUPPORT: _("Support"),
    Capability.SIGN: _("Sign"),
    Capability.ANSWER_SURVEY: _("Answer the questionnaire"),
    Capability.REPORT: _("Report a problem"),
    Capability.REVIEW: _("Review (city staff)"),
    Capability.BALLOT: _("Vote in the budget"),
}
# Capabilities that act on a contribution, and those that create one.
CONTRIBUTION_CAPABILITIES = frozenset({Capability.COMMENT, Capability.ARGUE, Capability.VOTE,
                                       Capability.SUPPORT, Capability.SIGN})
CREATING_CAPABILITIES = frozenset({Capability.SUBMIT, Capability.REPORT})


@dataclass(frozen=True)
class ConfigField:
    kind: type  # bool, int or str
    default: Any
    label: Any = ""
    choices: tuple = ()
    minimum: int | None = None
    maximum: int | None = None

    def clean(self, name: str, value: Any) -> Any:
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValidationError(_("%(name)s must be true or false."), params={"name": name}, code="type")
            return value
        if self.kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(_("%(name)s must be a whole number."), params={"name": name}, code="type")
            if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum
            ):
                raise ValidationError(_("%(name)s must be between %(min)s and %(max)s."),
                                      params={"name": name, "min": self.minimum, "max": self.maximum},
                                      code="range")
            return value
        if not isinstance(value, str) or (self.choices and value not in self.choices):
            raise ValidationError(_("%(name)s has a value that is not allowed."), params={"name": name},
                                  code="choice")
        return value


@dataclass(frozen=True)
class PhaseType:
    key: str
    label: Any
    capabilities: frozenset[Capability]
    default_capabilities: frozenset[Capability] = frozenset()
    config_schema: dict[str, ConfigField] = field(default_factory=dict)
    description: Any = ""

    def config_clean(self, config: dict | None) -> dict:
        """The configuration with defaults filled in; ValidationError on unknown keys or bad values."""
        config = dict(config or {})
        unknown = sorted(set(config) - set(self.config_schema))
        if unknown:
            raise ValidationError(_("Unknown setting(s): %(keys)s."), params={"keys": ", ".join(unknown)},
                                  code="unknown")
        return {name: spec.clean(name, config.get(name, spec.default)) for name, spec in self.config_schema.items()}

    def capabilities_clean(self, capabilities) -> list[str]:
        wanted = {str(c) for c in capabilities}
        extra = sorted(wanted - {str(c) for c in self.capabilities})
        if extra:
            raise ValidationError(_("A %(type)s phase cannot offer: %(caps)s."),
                                  params={"type": self.label, "caps": ", ".join(extra)}, code="capability")
        return sorted(wanted)


_phase_types: dict[str, PhaseType] = {}


def phase_type_register(phase_type: PhaseType) -> None:
    existing = _phase_types.get(phase_type.key)
    if existing is not None and existing != phase_type:
        raise ImproperlyRegistered(f"phase type {phase_type.key!r} is registered twice")
    _phase_types[phase_type.key] = phase_type


def phase_type_get(key: str) -> PhaseType:
    try:
        return _phase_types[key]
    except KeyError:
        raise ValidationError(_("Unknown phase type."), code="phase_type") from None


def phase_types() -> list[PhaseType]:
    return list(_phase_types.values())


class ImproperlyRegistered(RuntimeError):
    pass


C = Capability
_submission_config = {
    "max_per_person": ConfigField(int, 0, _("Contributions per person (0: no limit)"), minimum=0, maximum=1000),
    "location": ConfigField(str, "optional", _("Location on a map"), choices=("none", "optional", "required")),
    "district_required": ConfigField(bool, False, _("District required")),
}
_vote_config = {
    "allow_neutral": ConfigField(bool, False, _("Offer a neutral vote")),
    "max_supports_per_person": ConfigField(int, 0, _("Supports per person (0: no limit)"), minimum=0,
                                           maximum=1000),
    "show_results": ConfigField(bool, True, _("Show vote counts while the phase is open")),
}

# The generic phase types of the kernel; modules add their own.
GENERIC_PHASE_TYPES = [
    PhaseType("information", _("Information"), frozenset({C.COMMENT}),
              description=_("The city informs: context, rules, calendar, results.")),
    PhaseType("submission", _("Contributions"), frozenset({C.SUBMIT, C.COMMENT, C.ARGUE, C.SUPPORT, C.VOTE}),
              frozenset({C.SUBMIT, C.COMMENT, C.SUPPORT}), _submission_config,
              _("Citizens submit contributions; others comment and support them.")),
    PhaseType("debate", _("Debate"), frozenset({C.COMMENT, C.ARGUE, C.SUPPORT, C.VOTE}),
              frozenset({C.COMMENT, C.ARGUE}), _vote_config,
              _("Citizens discuss the contributions and give arguments.")),
    PhaseType("review", _("Review by the city"), frozenset({C.REVIEW, C.COMMENT}), frozenset({C.REVIEW}),
              description=_("City staff review contributions and answer them.")),
    PhaseType("vote", _("Vote"), frozenset({C.VOTE, C.SUPPORT, C.COMMENT, C.ARGUE}), frozenset({C.SUPPORT}),
              _vote_config, _("Citizens vote on the contributions.")),
    PhaseType("signature", _("Signatures"), frozenset({C.SIGN, C.COMMENT}), frozenset({C.SIGN}),
              description=_("Citizens sign.")),
    PhaseType("survey", _("Questionnaire"), frozenset({C.ANSWER_SURVEY}), frozenset({C.ANSWER_SURVEY}),
              description=_("Citizens answer a questionnaire.")),
    PhaseType("reporting", _("Reports"), frozenset({C.REPORT, C.COMMENT, C.SUPPORT}),
              frozenset({C.REPORT, C.SUPPORT}), _submission_config,
              _("Citizens report problems on the public way.")),
    PhaseType("follow_up", _("Follow-up"), frozenset({C.COMMENT, C.REVIEW}),
              description=_("The city reports on what it does.")),
]
