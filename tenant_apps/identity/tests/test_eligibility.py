"""Eligibility beyond the table: phase rules, the process page, the back-office rule, where I live."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from shared_apps.accounts.services import account_create
from shared_apps.audit.models import AuditEntry
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.discussion.models import Comment
from tenant_apps.discussion.services import comment_post
from tenant_apps.identity.assurance import age_on, assurance_get, desk_verify, email_verified, residence_declare
from tenant_apps.identity.eligibility import (
    RuleSpec,
    eligibility_decision,
    eligibility_rules_set,
    eligibility_summary,
    rule_for,
)
from tenant_apps.identity.models import Assurance, EligibilityRule
from tenant_apps.identity.tests.test_eligibility_table import districts_x_y, years_ago
from tenant_apps.participation.models import Contribution
from tenant_apps.participation.permissions import capability_decision
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.services import contribution_create
from tenant_apps.participation.state import process_state
from tenant_apps.participation.tests.factories import account, city_admin, contribution, process_in_phase

pytestmark = pytest.mark.django_db

IDENTITY = RuleSpec(requirement="identity_verified")
RESIDENTS = RuleSpec(requirement="signed_in", residence="collectivity")
OPEN = RuleSpec()  # anyone signed in


def _says(response, message: str) -> bool:
    """The page shows `message` (an English msgid) in the language it was rendered in."""
    with translation.override(response.get("Content-Language") or "fr"):
        text = translation.gettext(message)
    content = response.content.decode()
    return text in content or escape(text) in content


def _submit(process, person):
    return contribution_create(process=process, author=person, title="Une idée", body="Un texte suffisant.")


# --- Phase rules ------------------------------------------------------------------------------------------


def test_a_phase_rule_replaces_the_process_rule_during_that_phase(in_a, frozen):
    admin = account("city_admin")
    process = process_in_phase("budget", "submission", actor=admin)
    submission = process.phases.get(position=1)
    vote_phase = process.phases.get(position=3)
    # Ideas from anyone; the vote only for verified identities (the process's rule).
    eligibility_rules_set(process=process, actor=admin, rules={None: IDENTITY, submission: OPEN})
    citizen = account()

    assert rule_for(process, submission).phase_id == submission.pk
    assert rule_for(process, vote_phase).phase_id is None
    idea = _submit(process, citizen)  # allowed: the phase's own rule lets anyone in

    with frozen(vote_phase.starts_at + dt.timedelta(days=1)):
        decision = capability_decision(user=citizen, process=process, capability=Capability.BALLOT)
        assert decision.code == "eligibility_identity"
        with pytest.raises(NotAllowed) as refused:
            comment_post(contribution=idea, author=citizen, body="Un commentaire pendant le vote.")
        assert refused.value.code == "eligibility_identity"
        assert not Comment.objects.filter(author=citizen).exists()


def test_a_phase_rule_can_be_stricter_than_the_process_rule(in_a):
    admin = account("city_admin")
    process = process_in_phase("ideas", "submission", actor=admin)
    eligibility_rules_set(process=process, actor=admin,
                          rules={None: OPEN, process.phases.get(position=1): RESIDENTS})
    with pytest.raises(NotAllowed) as refused:
        _submit(process, account())
    assert refused.value.code == "eligibility_residence"
    assert not Contribution.objects.filter(process=process).exists()


def test_no_rule_means_anyone_signed_in_and_an_open_process_rule_is_not_stored(in_a):
    admin = account("city_admin")
    process = process_in_phase("ideas", "submission", actor=admin)
    assert rule_for(process, None) is None
    eligibility_rules_set(process=process, actor=admin, rules={None: OPEN})
    assert not EligibilityRule.objects.filter(process=process).exists()
    with translation.override("en"):
        assert eligibility_summary(process) == ["Anyone with an account can take part."]
    assert _submit(process, account()).pk


def test_the_summary_says_every_condition_in_plain_words(in_a):
    admin = account("city_admin")
    x, _y = districts_x_y()
    process = process_in_phase("ideas", "submission", actor=admin)
    eligibility_rules_set(process=process, actor=admin, rules={None: RuleSpec(
        requirement="email_verified", residence="districts", districts=(x,), residence_checked=True, min_age=16)})
    with translation.override("en"):
        lines = eligibility_summary(process)
    assert lines[0] == "Your e-mail address must be verified."
    assert "Quartier X" in lines[1] and "checked by the city" in lines[1]
    assert lines[2] == "You must be aged 16 or over."


# --- Who the rule applies to ------------------------------------------------------------------------------


def test_staff_taking_part_meet_the_same_rule(in_a):
    admin = account("city_admin")
    process = process_in_phase("ideas", "submission", actor=admin)
    eligibility_rules_set(process=process, actor=admin, rules={None: IDENTITY})
    for role in ("agent", "moderator", "city_admin"):
        with pytest.raises(NotAllowed) as refused:
            _submit(process, account(role))
        assert refused.value.code == "eligibility_identity"


def test_review_is_not_restricted(in_a):
    admin = account("city_admin")
    process = process_in_phase("ideas", "review", actor=admin)
    eligibility_rules_set(process=process, actor=admin, rules={None: IDENTITY})
    agent = account("agent")
    state = process_state(process)
    assert eligibility_decision(user=agent, process=process, capability=Capability.REVIEW, state=state) is None
    assert capability_decision(user=agent, process=process, capability=Capability.REVIEW, state=state).allowed


def test_a_verified_identity_also_meets_the_verified_e_mail_requirement(in_a):
    admin = account("city_admin")
    process = process_in_phase("ideas", "submission", actor=admin)
    eligibility_rules_set(process=process, actor=admin, rules={None: RuleSpec(requirement="email_verified")})
    person = account_create(email="pas-encore@exemple.fr", password="un-mot-de-passe-2026")
    assert not email_verified(person)
    desk_verify(person=person, agent=account("agent"), identity=True, residence=False)
    assert _submit(process, person).pk


def test_the_age_counts_on_the_day_of_the_action(in_a, frozen):
    admin = account("city_admin")
    process = process_in_phase("ideas", "submission", actor=admin)
    eligibility_rules_set(process=process, actor=admin, rules={None: RuleSpec(min_age=16)})
    person = account()
    birthday = years_ago(16, -10)  # turns 16 in ten days
    desk_verify(person=person, agent=account("agent"), identity=True, residence=False, birth_date=birthday)
    assert age_on(person, timezone.localdate()) == 15
    with pytest.raises(NotAllowed):
        _submit(process, person)
    with frozen(timezone.now() + dt.timedelta(days=11)):
        assert _submit(process, person).pk


def test_rules_of_a_process_are_read_once_for_many_decisions(in_a):
    admin = account("city_admin")
    x, _y = districts_x_y()
    process = process_in_phase("ideas", "submission", actor=admin)
    contributions = [contribution(process, author=admin) for _ in range(5)]
    eligibility_rules_set(process=process, actor=admin, rules={None: RuleSpec(
        requirement="email_verified", residence="districts", districts=(x,), min_age=16)})
    person = account()
    residence_declare(user=person, in_collectivity=True, district=x)
    state = process_state(process)
    capability_decision(user=person, process=process, capability="vote", state=state)  # warms the caches
    with CaptureQueriesContext(connection) as queries:
        for item in contributions:
            for capability in ("vote", "comment", "argue"):
                capability_decision(user=person, process=process, capability=capability, state=state,
                                    contribution=item)
    assert len(queries) == 0


# --- The process page -------------------------------------------------------------------------------------


def test_the_process_page_shows_the_rule_and_what_to_do_to_an_ineligible_citizen(in_a, client_a):
    admin = account("city_admin")
    x, _y = districts_x_y()
    process = process_in_phase("ideas", "submission", actor=admin)
    eligibility_rules_set(process=process, actor=admin, rules={None: RuleSpec(
        requirement="signed_in", residence="districts", districts=(x,))})
    client_a.force_login(account())
    url = reverse("participation:process_detail", args=[process.slug])
    response = client_a.get(url)
    assert response.status_code == 200
    assert _says(response, "Who can take part")
    assert _says(response, "You cannot take part yet.")
    assert _says(response, "If you live in one of them, say so in your account (“Where I live”).")
    assert reverse("identity:residence") in response.content.decode()
    assert "Quartier X" in response.content.decode()

    # Once they say they live there, the page says they can take part.
    residence_declare(user=response.wsgi_request.user, in_collectivity=True, district=x)
    response = client_a.get(url)
    assert response.status_code == 200
    assert _says(response, "You can take part.")


def test_the_process_page_shows_the_rule_before_signing_in(in_a, client_a):
    admin = account("city_admin")
    process = process_in_phase("ideas", "submission", actor=admin)
    eligibility_rules_set(process=process, actor=admin, rules={None: RuleSpec(min_age=16)})
    response = client_a.get(reverse("participation:process_detail", args=[process.slug]))
    assert response.status_code == 200
    with translation.override(response.get("Content-Language") or "fr"):
        assert escape(translation.gettext("You must be aged %(age)s or over.") % {"age": 16}) in \
            response.content.decode()


def test_without_a_rule_the_process_page_shows_no_eligibility_panel(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    client_a.force_login(account())
    response = client_a.get(reverse("participation:process_detail", args=[process.slug]))
    assert response.status_code == 200
    assert not _says(response, "Who can take part")


def test_the_contribution_form_of_an_ineligible_citizen_explains_and_writes_nothing(in_a, client_a):
    admin = account("city_admin")
    process = process_in_phase("ideas", "submission", actor=admin)
    eligibility_rules_set(process=process, actor=admin, rules={None: IDENTITY})
    client_a.force_login(account())
    response = client_a.post(reverse("participation:contribution_create", args=[process.slug]),
                             {"title": "Une idée", "body": "<p>Un texte suffisant.</p>"})
    assert response.status_code == 403  # the form again, with the reason: never an error page
    assert _says(response, "Only people whose identity is verified can take part.")
    assert _says(response, "Come to the town hall with an identity document: the staff will verify your identity.")
    assert not Contribution.objects.filter(process=process).exists()


# --- Back-office: the rule of a process -------------------------------------------------------------------


def test_an_admin_sets_the_rule_of_a_process_and_of_a_phase(in_a, client_a):
    admin = city_admin()
    x, y = districts_x_y()
    process = process_in_phase("ideas", "submission", actor=admin)
    phase = process.phases.get(position=1)
    client_a.force_login(admin)
    url = reverse("identity:eligibility_edit", args=[process.pk])
    assert client_a.get(url).status_code == 200
    response = client_a.post(url, {
        "process-requirement": "email_verified", "process-residence": "districts",
        "process-districts": [x.pk, y.pk], "process-min_age": "11",
        f"phase-{phase.pk}-own_rule": "on", f"phase-{phase.pk}-requirement": "identity_verified",
        f"phase-{phase.pk}-residence": "collectivity", f"phase-{phase.pk}-residence_checked": "on",
    })
    assert response.status_code == 302
    own = EligibilityRule.objects.get(process=process, phase=None)
    assert (own.requirement, own.residence, own.min_age) == ("email_verified", "districts", 11)
    assert set(own.districts.all()) == {x, y}
    phase_rule = EligibilityRule.objects.get(process=process, phase=phase)
    assert (phase_rule.requirement, phase_rule.residence, phase_rule.residence_checked) == (
        "identity_verified", "collectivity", True)
    assert AuditEntry.objects.filter(action="identity.eligibility_rule_save", actor=admin).count() == 2

    # Unticking "own rule" removes the phase's rule.
    response = client_a.post(url, {"process-requirement": "email_verified", "process-residence": "any",
                                   f"phase-{phase.pk}-requirement": "identity_verified",
                                   f"phase-{phase.pk}-residence": "any"})
    assert response.status_code == 302
    assert not EligibilityRule.objects.filter(process=process, phase=phase).exists()
    assert AuditEntry.objects.filter(action="identity.eligibility_rule_remove", actor=admin).exists()


def test_an_invalid_rule_is_shown_with_its_error_and_nothing_is_saved(in_a, client_a):
    admin = city_admin()
    districts_x_y()
    process = process_in_phase("ideas", "submission", actor=admin)
    client_a.force_login(admin)
    url = reverse("identity:eligibility_edit", args=[process.pk])
    response = client_a.post(url, {"process-requirement": "signed_in", "process-residence": "districts"})
    assert response.status_code == 400
    assert _says(response, "Choose at least one district.")
    response = client_a.post(url, {"process-requirement": "signed_in", "process-residence": "any",
                                   "process-residence_checked": "on", "process-min_age": "200"})
    assert response.status_code == 400
    assert not EligibilityRule.objects.filter(process=process).exists()


def test_only_admins_edit_the_rule(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    url = reverse("identity:eligibility_edit", args=[process.pk])
    assert client_a.get(url).status_code == 302  # sign in first
    for role in ("agent", "citizen", "moderator"):
        client_a.force_login(account(role))
        assert client_a.post(url, {"process-requirement": "identity_verified",
                                   "process-residence": "any"}).status_code == 403
    assert not EligibilityRule.objects.filter(process=process).exists()
    with pytest.raises(NotAllowed):
        eligibility_rules_set(process=process, actor=account("agent"), rules={None: IDENTITY})


def test_a_rule_cannot_name_a_phase_of_another_process(in_a):
    admin = account("city_admin")
    process = process_in_phase("ideas", "submission", actor=admin)
    other = process_in_phase("ideas", "submission", actor=admin)
    with pytest.raises(Invalid):
        eligibility_rules_set(process=process, actor=admin, rules={other.phases.first(): IDENTITY})
    assert not EligibilityRule.objects.exists()


# --- Where I live -----------------------------------------------------------------------------------------


def test_reading_the_level_of_assurance_creates_nothing(in_a):
    person = account()
    assert assurance_get(person) is None
    assert age_on(person, timezone.localdate()) is None
    assert not Assurance.objects.filter(user=person).exists()


def test_a_citizen_declares_where_they_live(in_a, client_a):
    x, _y = districts_x_y()
    person = account()
    client_a.force_login(person)
    url = reverse("identity:residence")
    response = client_a.get(url)
    assert response.status_code == 200
    assert _says(response, "Not stated")
    response = client_a.post(url, {"in_collectivity": "yes", "district": x.pk})
    assert response.status_code == 302
    assurance = Assurance.objects.get(user=person)
    assert (assurance.residence, assurance.residence_district) == ("declared", x)
    assert assurance.residence_checked_by is None
    response = client_a.get(url)
    assert _says(response, "Declared (not checked)")
    assert "Quartier X" in response.content.decode()

    # Moving away: the residence is cleared.
    assert client_a.post(url, {"in_collectivity": "no"}).status_code == 302
    assurance.refresh_from_db()
    assert (assurance.residence, assurance.residence_district) == ("", None)


def test_a_district_without_living_here_is_refused_with_a_message(in_a, client_a):
    x, _y = districts_x_y()
    person = account()
    client_a.force_login(person)
    response = client_a.post(reverse("identity:residence"), {"in_collectivity": "no", "district": x.pk})
    assert response.status_code == 400
    assert not Assurance.objects.filter(user=person).exists()
    assert client_a.post(reverse("identity:residence"), {}).status_code == 400


def test_where_i_live_needs_an_account(in_a, client_a):
    assert client_a.get(reverse("identity:residence")).status_code == 302


def test_a_checked_residence_stays_checked_when_declared_again_the_same(in_a):
    x, y = districts_x_y()
    person = account()
    agent = account("agent")
    desk_verify(person=person, agent=agent, identity=False, residence=True, district=x)
    assert residence_declare(user=person, in_collectivity=True, district=x).residence == "checked"
    moved = residence_declare(user=person, in_collectivity=True, district=y)
    assert (moved.residence, moved.residence_district, moved.residence_checked_by) == ("declared", y, None)


def test_when_the_city_offers_franceconnect_the_refusal_points_to_it(in_a, client_a):
    from tenant_apps.identity.models import FranceConnectConfig

    FranceConnectConfig.objects.create(is_enabled=True, issuer="https://fc.exemple.fr/api/v2", client_id="abc",
                                       client_secret="secret")
    admin = account("city_admin")
    process = process_in_phase("ideas", "submission", actor=admin)
    eligibility_rules_set(process=process, actor=admin, rules={None: IDENTITY})
    with translation.override("en"), pytest.raises(NotAllowed) as refused:
        _submit(process, account())
    assert "Verify your identity with FranceConnect" in refused.value.message
    client_a.force_login(account())
    response = client_a.get(reverse("participation:process_detail", args=[process.slug]))
    assert response.status_code == 200
    assert reverse("identity:franceconnect_login") + "?process=connect" in response.content.decode()
    response = client_a.get(reverse("identity:residence"))
    assert reverse("identity:franceconnect_login") + "?process=connect" in response.content.decode()


def test_a_new_edition_keeps_who_may_take_part(in_a):
    from tenant_apps.identity.eligibility import RuleSpec, eligibility_rules_set
    from tenant_apps.identity.models import EligibilityRule
    from tenant_apps.participation.services import district_create, process_duplicate
    from tenant_apps.participation.tests.factories import city_admin as make_admin
    from tenant_apps.participation.tests.factories import process_in_phase as make_process

    admin = make_admin()
    original = make_process("budget", 1, actor=admin)
    district = district_create(name="Les Brotteaux")
    vote_phase = original.phases.get(position=3)
    eligibility_rules_set(process=original, actor=admin, rules={
        None: RuleSpec(requirement="email_verified", residence="districts", districts=(district,)),
        vote_phase: RuleSpec(requirement="identity_verified", min_age=16)})
    copy = process_duplicate(process=original, actor=admin)
    rules = {rule.phase.position if rule.phase else None: rule for rule in EligibilityRule.objects.filter(process=copy)}
    assert set(rules) == {None, 3}
    assert list(rules[None].districts.all()) == [district] and rules[None].residence == "districts"
    assert rules[3].phase.process == copy and rules[3].min_age == 16
    assert EligibilityRule.objects.filter(process=original).count() == 2  # the original keeps its own
