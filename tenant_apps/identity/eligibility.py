"""Who may take part in a process: the eligibility rule, checked in the service layer for every citizen capability.

A process may have a rule, and each of its phases its own rule that replaces it; no rule means anyone
signed in. The rule plugs into the kernel's `capability_check()` through
`participation.permissions.eligibility_rules`, so every service that writes a contribution, a comment,
an argument, a vote, a support, a signature or an answer refuses an ineligible person, with the reason
and what to do to become eligible, in the same sentence the pages show.

- Restricted: every citizen capability (submit, report, comment, argue, vote, support, sign,
  answer_survey). Not REVIEW: that is the staff's work, not taking part.
- No bypass for staff: an agent or an administrator taking part as a citizen meets the same rule.
- Requirements are a ladder: a verified identity also meets "e-mail verified".
- Age comes only from a verified source (FranceConnect, or the staff at a desk): a person cannot
  declare a date of birth, so a minimum age asks for a verified identity in practice.
- Cost: the rules of a process are read once per process object (cached on it, with their districts)
  and the person's assurance once per user object, so pages asking for many decisions add no query
  per contribution.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.identity.assurance import age_on, assurance_get, email_verified, identity_verified
from tenant_apps.identity.models import Assurance, EligibilityRule
from tenant_apps.participation.models import District, Phase, Process
from tenant_apps.participation.permissions import Decision
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.state import ProcessState

# Every capability of taking part; REVIEW is the staff's work and no rule restricts it.
RESTRICTED_CAPABILITIES = frozenset(c for c in Capability if c is not Capability.REVIEW)

_RULES_CACHE = "_parvis_eligibility_rules"
_FRANCECONNECT_CACHE = "_parvis_franceconnect_offered"

Requirement = EligibilityRule.Requirement
Residence = EligibilityRule.Residence


# --- Reading rules ----------------------------------------------------------------------------------------


def _rules(process: Process) -> dict[int | None, EligibilityRule]:
    """The rules of `process` by phase id (None: the process's own), read once per process object."""
    cached = process.__dict__.get(_RULES_CACHE)
    if cached is None:
        cached = {rule.phase_id: rule for rule in
                  EligibilityRule.objects.filter(process_id=process.pk).prefetch_related("districts")}
        process.__dict__[_RULES_CACHE] = cached
    return cached


def eligibility_cache_clear(process: Process) -> None:
    process.__dict__.pop(_RULES_CACHE, None)


def rule_for(process: Process, phase: Phase | None) -> EligibilityRule | None:
    """The rule that applies during `phase`: the phase's own, else the process's, else None (anyone signed in)."""
    rules = _rules(process)
    if phase is not None and phase.pk in rules:
        return rules[phase.pk]
    return rules.get(None)


def _place() -> str:
    name = getattr(getattr(connection, "tenant", None), "name", "")
    return name or _("the collectivity")


def _district_names(rule: EligibilityRule) -> str:
    return ", ".join(d.name for d in rule.districts.all())


def _franceconnect_offered(process: Process | None = None) -> bool:
    if process is not None and _FRANCECONNECT_CACHE in process.__dict__:
        return process.__dict__[_FRANCECONNECT_CACHE]
    from tenant_apps.identity.franceconnect import franceconnect_offered

    offered = franceconnect_offered() is not None
    if process is not None:
        process.__dict__[_FRANCECONNECT_CACHE] = offered
    return offered


def rule_summary(rule: EligibilityRule | None) -> list[str]:
    """The rule in plain words, one sentence a condition."""
    if rule is None or rule_is_open(rule):
        return [_("Anyone with an account can take part.")]
    lines = []
    if rule.requirement == Requirement.EMAIL_VERIFIED:
        lines.append(_("Your e-mail address must be verified."))
    elif rule.requirement == Requirement.IDENTITY_VERIFIED:
        lines.append(_("Your identity must be verified (with FranceConnect, or at the town hall with an "
                       "identity document)."))
    if rule.residence == Residence.COLLECTIVITY:
        if rule.residence_checked:
            lines.append(_("You must live in %(place)s, checked by the city (at the town hall, with a proof of "
                           "address).") % {"place": _place()})
        else:
            lines.append(_("You must live in %(place)s (as stated in your account).") % {"place": _place()})
    elif rule.residence == Residence.DISTRICTS:
        if rule.residence_checked:
            lines.append(_("You must live in one of these districts: %(districts)s, checked by the city (at the "
                           "town hall, with a proof of address).") % {"districts": _district_names(rule)})
        else:
            lines.append(_("You must live in one of these districts: %(districts)s (as stated in your account).")
                         % {"districts": _district_names(rule)})
    if rule.min_age:
        lines.append(_("You must be aged %(age)s or over.") % {"age": rule.min_age})
    return lines


def rule_is_open(rule: EligibilityRule) -> bool:
    """Whether the rule lets in anyone signed in (the same as having no rule)."""
    return rule.requirement == Requirement.SIGNED_IN and rule.residence == Residence.ANY and not rule.min_age


def eligibility_summary(process: Process, phase: Phase | None = None) -> list[str]:
    """Who may take part in `process` (during `phase`), in plain words for the process page."""
    return rule_summary(rule_for(process, phase))


# --- Deciding ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why a person may not take part, and what they can do about it (`actions`: the links to offer)."""

    code: str
    why: str
    todo: str
    actions: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return f"{self.why} {self.todo}".strip()

    def decision(self) -> Decision:
        return Decision(False, self.code, self.reason)


def _identity_todo(process) -> tuple[str, tuple[str, ...]]:
    if _franceconnect_offered(process):
        return (_("Verify your identity with FranceConnect, or come to the town hall with an identity document."),
                ("franceconnect", "desk"))
    return _("Come to the town hall with an identity document: the staff will verify your identity."), ("desk",)


def _requirement_refusal(user, rule: EligibilityRule, process) -> Refusal | None:
    if rule.requirement == Requirement.IDENTITY_VERIFIED and not identity_verified(user):
        todo, actions = _identity_todo(process)
        return Refusal("eligibility_identity", _("Only people whose identity is verified can take part."), todo,
                       actions)
    if rule.requirement == Requirement.EMAIL_VERIFIED and not (email_verified(user) or identity_verified(user)):
        return Refusal("eligibility_email", _("Only people whose e-mail address is verified can take part."),
                       _("Confirm your address: follow the link in the e-mail we sent you, or ask for a new one "
                         "in your account."), ("email",))
    return None


def _residence_refusal(user, rule: EligibilityRule) -> Refusal | None:
    if rule.residence == Residence.ANY:
        return None
    assurance = assurance_get(user)
    status = assurance.residence if assurance else ""
    district_id = assurance.residence_district_id if status else None
    districts = {d.pk for d in rule.districts.all()}
    in_scope = status in (Assurance.Residence.DECLARED, Assurance.Residence.CHECKED) and (
        rule.residence == Residence.COLLECTIVITY or district_id in districts)
    checked = status == Assurance.Residence.CHECKED
    if in_scope and (checked or not rule.residence_checked):
        return None
    if rule.residence == Residence.COLLECTIVITY:
        code = "eligibility_residence"
        if rule.residence_checked:
            why = _("Only residents of %(place)s whose address was checked by the city can take part.")
        else:
            why = _("Only residents of %(place)s can take part.")
        why %= {"place": _place()}
    else:
        code = "eligibility_district"
        if rule.residence_checked:
            why = _("Only residents of these districts whose address was checked by the city can take part: "
                    "%(districts)s.")
        else:
            why = _("Only residents of these districts can take part: %(districts)s.")
        why %= {"districts": _district_names(rule)}
    if rule.residence_checked:  # a declaration does not count: only the staff can help
        code = "eligibility_residence_checked" if in_scope else code
        return Refusal(code, why, _("Come to the town hall with an identity document and a proof of address: the "
                                    "staff will check where you live."), ("desk",))
    if status and rule.residence == Residence.DISTRICTS and district_id is not None:
        district = assurance.residence_district
        return Refusal(code, why, _("According to your account, you live in %(district)s. If you have moved, "
                                    "update where you live in your account.") % {"district": district.name},
                       ("residence",))
    if rule.residence == Residence.DISTRICTS:
        todo = _("If you live in one of them, say so in your account (“Where I live”).")
    else:
        todo = _("If you live there, say so in your account (“Where I live”).")
    return Refusal(code, why, todo, ("residence",))


def _age_refusal(user, rule: EligibilityRule, process, day: dt.date) -> Refusal | None:
    if not rule.min_age:
        return None
    age = age_on(user, day)
    if age is None:
        if identity_verified(user):
            todo, actions = _("Come to the town hall with an identity document: the staff will record your date "
                              "of birth."), ("desk",)
        else:
            todo, actions = _identity_todo(process)
        return Refusal("eligibility_age_unknown",
                       _("Only people aged %(age)s or over can take part, and we do not know your age.")
                       % {"age": rule.min_age}, todo, actions)
    if age < rule.min_age:
        return Refusal("eligibility_age", _("Only people aged %(age)s or over can take part.") % {"age": rule.min_age},
                       _("You can still read the contributions and follow the process."))
    return None


def rule_refusal(*, user, rule: EligibilityRule | None, process: Process | None = None,
                 on: dt.date | None = None) -> Refusal | None:
    """Why `user` does not meet `rule` on the day `on` (today by default), or None when they do."""
    if rule is None:
        return None
    on = on or timezone.localdate()
    return (_requirement_refusal(user, rule, process) or _residence_refusal(user, rule)
            or _age_refusal(user, rule, process, on))


def eligibility_decision(*, user, process: Process, capability, state: ProcessState) -> Decision | None:
    """The kernel's eligibility hook: a refusal Decision when the rule of the open phase keeps `user` out."""
    capability = Capability(capability)
    if capability not in RESTRICTED_CAPABILITIES:
        return None
    if user is None or not user.is_authenticated:
        return None  # the kernel asks to sign in first
    rule = rule_for(process, state.phase_for(capability))
    refusal = rule_refusal(user=user, rule=rule, process=process, on=timezone.localdate(state.at))
    return refusal.decision() if refusal else None


# --- The process page's panel -----------------------------------------------------------------------------


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _links(actions: tuple[str, ...]) -> list[dict]:
    """The pages that help, for the refusal's actions (going to the town hall is said in the text)."""
    targets = {"email": ("account_email", _("Verify my e-mail address")),
               "residence": ("identity:residence", _("Say where I live")),
               "franceconnect": ("identity:franceconnect_login", _("Verify my identity with FranceConnect"))}
    links = []
    for action in actions:
        if action in targets:
            name, label = targets[action]
            url = _url(name)
            if url and action == "franceconnect":
                url += "?process=connect"  # links FranceConnect to the signed-in account
            if url:
                links.append({"url": url, "label": label})
    return links


def process_panel(*, process: Process, user, state: ProcessState) -> dict:
    """Who may take part, shown before starting, and whether `user` may now (else what to do)."""
    rules = _rules(process)
    phases = [p for p in (*state.active, *state.upcoming) if set(p.capabilities) & RESTRICTED_CAPABILITIES]
    if not rules or not phases:
        return {"show": False}
    today = timezone.localdate(state.at)
    # The age counts on the day a phase opens, for those still to come.
    effective = [(phase, rule_for(process, phase), max(today, timezone.localdate(phase.starts_at)))
                 for phase in phases]
    if len({rule.pk if rule else None for _phase, rule, _day in effective}) == 1:
        scopes = [(None, *effective[0][1:])]
    else:
        scopes = effective
    signed_in = bool(user is not None and user.is_authenticated)
    items = []
    for phase, rule, day in scopes:
        refusal = rule_refusal(user=user, rule=rule, process=process, on=day) if signed_in else None
        items.append({
            "phase": phase, "is_active": phase is None or phase in state.active, "lines": rule_summary(rule),
            "eligible": signed_in and refusal is None, "refusal": refusal,
            "links": _links(refusal.actions) if refusal else [],
        })
    return {"show": True, "signed_in": signed_in, "scopes": items}


# --- Writing rules (back-office) --------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSpec:
    requirement: str = Requirement.SIGNED_IN
    residence: str = Residence.ANY
    districts: tuple = ()
    residence_checked: bool = False
    min_age: int | None = None


def _spec_clean(spec: RuleSpec) -> RuleSpec:
    if spec.requirement not in Requirement.values:
        raise Invalid("requirement", _("Choose what the account needs."))
    if spec.residence not in Residence.values:
        raise Invalid("residence", _("Choose who may take part according to where they live."))
    districts = tuple(spec.districts or ())
    if any(not isinstance(d, District) or d.pk is None for d in districts):
        raise Invalid("district", _("Unknown district."))
    if spec.residence == Residence.DISTRICTS and not districts:
        raise Invalid("districts_required", _("Choose at least one district."))
    if spec.residence != Residence.DISTRICTS:
        districts = ()
    if spec.residence == Residence.ANY and spec.residence_checked:
        raise Invalid("residence_checked_without_residence",
                      _("A checked residence only makes sense for residents: choose who must live where."))
    min_age = spec.min_age or None
    if min_age is not None and not (isinstance(min_age, int) and 1 <= min_age <= 120):
        raise Invalid("min_age", _("The minimum age must be between 1 and 120."))
    return RuleSpec(spec.requirement, spec.residence, districts, bool(spec.residence_checked), min_age)


@transaction.atomic
def eligibility_rules_set(*, process: Process, actor, rules: dict) -> None:
    """Set the rule of the process (key None) and of its phases (key: a Phase); a value None removes the rule.

    The process's own rule is removed when it lets anyone signed in (that is the default).
    """
    if not (actor and actor.is_authenticated and actor.is_active and actor.role == "city_admin"):
        raise NotAllowed("admins_only", _("Only the city's administrators can change who may take part."))
    cleaned = {}
    for phase, spec in rules.items():
        if phase is not None and phase.process_id != process.pk:
            raise Invalid("phase", _("This phase is not part of the process."))
        cleaned[phase] = _spec_clean(spec) if spec is not None else None
    for phase, spec in cleaned.items():
        existing = EligibilityRule.objects.filter(process=process, phase=phase)
        if spec is None or (phase is None and spec.requirement == Requirement.SIGNED_IN
                            and spec.residence == Residence.ANY and not spec.min_age):
            if existing.exists():
                existing.delete()
                city_audit_record(actor=actor, action="identity.eligibility_rule_remove", target=process,
                                  phase=phase.pk if phase else None)
            continue
        rule, _created = EligibilityRule.objects.update_or_create(
            process=process, phase=phase, defaults={
                "requirement": spec.requirement, "residence": spec.residence,
                "residence_checked": spec.residence_checked, "min_age": spec.min_age})
        rule.districts.set(spec.districts)
        city_audit_record(actor=actor, action="identity.eligibility_rule_save", target=process,
                          phase=phase.pk if phase else None, requirement=spec.requirement,
                          residence=spec.residence, districts=sorted(d.pk for d in spec.districts),
                          residence_checked=spec.residence_checked, min_age=spec.min_age)
    eligibility_cache_clear(process)


def eligibility_rules_of(process: Process) -> dict[int | None, EligibilityRule]:
    """The rules of `process` by phase id (None: the process's own), for the back-office form."""
    return dict(_rules(process))


# --- Registration -----------------------------------------------------------------------------------------


def ready_eligibility_copy() -> None:
    from tenant_apps.participation.services import process_copy_hooks

    process_copy_hooks.setdefault("identity.eligibility", eligibility_rules_copy)


def ready_eligibility() -> None:
    """Plug the rule into the kernel's capability check and the panel into the process page."""
    from tenant_apps.participation import permissions
    from tenant_apps.participation.panels import Panel, panel_register, process_panels

    permissions.eligibility_rules["identity"] = eligibility_decision
    panel_register(process_panels, Panel("eligibility", "identity/eligibility/_process_panel.html", process_panel,
                                         position=10))
    ready_eligibility_copy()



def eligibility_rules_copy(*, source, copy, phase_map) -> None:
    """A new edition of a process keeps who may take part (its rules and its phases' rules)."""
    for rule in EligibilityRule.objects.filter(process=source).prefetch_related("districts"):
        districts = list(rule.districts.all())
        rule.pk = None
        rule._prefetched_objects_cache = {}  # else `set()` below would compare with the source's districts
        rule.process = copy
        rule.phase_id = phase_map.get(rule.phase_id) if rule.phase_id else None
        rule.save()
        rule.districts.set(districts)
