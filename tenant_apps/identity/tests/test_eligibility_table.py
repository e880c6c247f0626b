"""The eligibility table: every rule x every citizen profile x every capability a rule can restrict.

Each cell calls the REAL service (contribution_create, comment_post, argument_post, vote_cast) on a
process whose open phase offers the capability; a refusal writes nothing and its message says why
and what to do. The expected table is written out by hand below.
"""

import datetime as dt

import pytest
from django.utils import timezone, translation

from shared_apps.accounts.services import account_create
from shared_apps.core.errors import NotAllowed
from tenant_apps.discussion.models import Argument, Comment
from tenant_apps.discussion.services import argument_post, comment_post
from tenant_apps.identity.assurance import desk_verify, residence_declare
from tenant_apps.identity.eligibility import RuleSpec, eligibility_rules_set
from tenant_apps.identity.models import Assurance
from tenant_apps.participation.models import Contribution
from tenant_apps.participation.services import contribution_create, district_create
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase
from tenant_apps.votes.models import Vote
from tenant_apps.votes.services import vote_cast

pytestmark = pytest.mark.django_db

PROFILES = ["unverified_email", "verified_email", "declared_x", "declared_y", "checked_x", "desk_aged_15",
            "franceconnect_aged_30"]

RULES = {
    "no_rule": None,
    "email_verified": {"requirement": "email_verified"},
    "identity_verified": {"requirement": "identity_verified"},
    "residents": {"requirement": "signed_in", "residence": "collectivity"},
    "residents_of_x": {"requirement": "signed_in", "residence": "districts", "districts": ["X"]},
    "residence_checked": {"requirement": "signed_in", "residence": "collectivity", "residence_checked": True},
    "min_age_16": {"requirement": "signed_in", "min_age": 16},
}

Y = "allowed"
# rule -> the outcome for each profile, in the order of PROFILES: Y, or the refusal's code.
EXPECTED = {
    "no_rule": [Y, Y, Y, Y, Y, Y, Y],
    "email_verified": ["eligibility_email", Y, Y, Y, Y, Y, Y],
    "identity_verified": ["eligibility_identity", "eligibility_identity", "eligibility_identity",
                          "eligibility_identity", "eligibility_identity", Y, Y],
    "residents": ["eligibility_residence", "eligibility_residence", Y, Y, Y, "eligibility_residence",
                  "eligibility_residence"],
    "residents_of_x": ["eligibility_district", "eligibility_district", Y, "eligibility_district", Y,
                       "eligibility_district", "eligibility_district"],
    "residence_checked": ["eligibility_residence", "eligibility_residence", "eligibility_residence_checked",
                          "eligibility_residence_checked", Y, "eligibility_residence", "eligibility_residence"],
    "min_age_16": ["eligibility_age_unknown", "eligibility_age_unknown", "eligibility_age_unknown",
                   "eligibility_age_unknown", "eligibility_age_unknown", "eligibility_age", Y],
}

# What each refusal tells the person: why, and what to do.
EXPLAINS = {
    "eligibility_email": ["e-mail address is verified", "Confirm your address"],
    "eligibility_identity": ["identity is verified", "to the town hall with an identity document"],
    "eligibility_residence": ["Only residents of", "say so in your account"],
    "eligibility_district": ["Only residents of these districts can take part: Quartier X."],
    "eligibility_residence_checked": ["address was checked by the city", "proof of address"],
    "eligibility_age_unknown": ["aged 16 or over", "we do not know your age", "identity document"],
    "eligibility_age": ["aged 16 or over", "You can still read the contributions"],
}
# When the residence must be checked, declaring it does not help: the person is sent to the town hall.
EXPLAINS_FOR_RULE = {
    ("residence_checked", "eligibility_residence"): ["address was checked by the city", "proof of address"],
}

# capability -> (process kind, its phase opening the capability)
CAPABILITY_PROCESSES = {
    "submit": ("ideas", "submission"),
    "comment": ("ideas", "submission"),
    "argue": ("ideas", "submission"),
    "vote": ("ideas", "submission"),
    "support": ("budget", "submission"),
    "report": ("reports", "reporting"),
}


def years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day - dt.timedelta(days=days)


def districts_x_y():
    return (district_create(name="Quartier X", actor=None), district_create(name="Quartier Y", actor=None))


def make_profile(key: str, *, x, y, agent):
    """A citizen account with the given level of assurance, built through the real services."""
    if key == "unverified_email":
        return account_create(email=f"non-verifie-{x.pk}-{key}@exemple.fr", password="un-mot-de-passe-2026",
                              email_verified=False)
    person = account()
    if key == "declared_x":
        residence_declare(user=person, in_collectivity=True, district=x)
    elif key == "declared_y":
        residence_declare(user=person, in_collectivity=True, district=y)
    elif key == "checked_x":
        desk_verify(person=person, agent=agent, identity=False, residence=True, district=x)
    elif key == "desk_aged_15":
        desk_verify(person=person, agent=agent, identity=True, residence=False, birth_date=years_ago(15, 30))
    elif key == "franceconnect_aged_30":
        # What the FranceConnect sign-in records (its own flow is tested by its own helper's tests).
        Assurance.objects.create(user=person, identity_method=Assurance.IdentityMethod.FRANCECONNECT,
                                 identity_verified_at=timezone.now(), birth_date=years_ago(30).isoformat(),
                                 given_name="Camille", family_name="Martin")
    return person


def rule_set(process, rule: dict | None, *, admin, x, y, phase=None):
    spec = None
    if rule is not None:
        names = {"X": x, "Y": y}
        spec = RuleSpec(requirement=rule.get("requirement", "signed_in"), residence=rule.get("residence", "any"),
                        districts=tuple(names[n] for n in rule.get("districts", ())),
                        residence_checked=rule.get("residence_checked", False), min_age=rule.get("min_age"))
    eligibility_rules_set(process=process, actor=admin, rules={phase: spec})


def attempt(capability: str, *, process, target, person):
    """Use `capability` through its real service; returns the object written."""
    if capability in ("submit", "report"):
        return contribution_create(process=process, author=person, title="Une contribution éligible ?",
                                   body="Un texte suffisant.", address="1 place de la Mairie")
    if capability == "comment":
        return comment_post(contribution=target, author=person, body="Un commentaire.")
    if capability == "argue":
        return argument_post(contribution=target, author=person, side="for", body="Un argument.")
    return vote_cast(contribution=target, voter=person, value=1)


def written() -> tuple[int, ...]:
    return (Contribution.objects.count(), Comment.objects.count(), Argument.objects.count(), Vote.objects.count())


@pytest.mark.parametrize("capability", list(CAPABILITY_PROCESSES))
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("rule_key", list(RULES))
def test_eligibility_table(in_a, rule_key, profile, capability):
    admin = account("city_admin")
    x, y = districts_x_y()
    kind, phase = CAPABILITY_PROCESSES[capability]
    process = process_in_phase(kind, phase, actor=admin)
    # The contribution acted on exists before the rule (its author is not the person tested).
    target = None if capability in ("submit", "report") else contribution(
        process, author=admin, address="1 place de la Mairie")
    rule_set(process, RULES[rule_key], admin=admin, x=x, y=y)
    person = make_profile(profile, x=x, y=y, agent=account("agent"))
    expected = EXPECTED[rule_key][PROFILES.index(profile)]

    before = written()
    with translation.override("en"):
        if expected == Y:
            assert attempt(capability, process=process, target=target, person=person).pk
            assert written() != before
            return
        with pytest.raises(NotAllowed) as refused:
            attempt(capability, process=process, target=target, person=person)
    assert refused.value.code == expected
    for phrase in EXPLAINS_FOR_RULE.get((rule_key, expected), EXPLAINS[expected]):
        assert phrase in refused.value.message
    assert written() == before  # nothing was written


def test_the_expected_table_is_complete():
    assert set(EXPECTED) == set(RULES)
    assert all(len(row) == len(PROFILES) for row in EXPECTED.values())
    assert set(CAPABILITY_PROCESSES) | {"sign", "answer_survey"} >= {
        "submit", "report", "comment", "argue", "vote", "support"}
