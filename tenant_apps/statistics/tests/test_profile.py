"""The optional citizen profile: stored only with consent, erased when consent is withdrawn."""

import pytest

from shared_apps.core.errors import Invalid
from tenant_apps.participation.services import district_create
from tenant_apps.participation.tests.factories import account
from tenant_apps.statistics.models import CitizenProfile
from tenant_apps.statistics.services import profile_update

pytestmark = pytest.mark.django_db


def test_a_profile_is_stored_with_consent_and_erased_without(in_a):
    citizen = account()
    district = district_create(name="Centre")
    profile = profile_update(user=citizen, age_range="30_44", district=district, consent=True)
    assert (profile.age_range, profile.district, profile.consented_at is not None) == ("30_44", district, True)
    consented_at = profile.consented_at
    profile = profile_update(user=citizen, age_range="45_59", district=None, consent=True)
    assert (profile.age_range, profile.district, profile.consented_at) == ("45_59", None, consented_at)
    assert profile_update(user=citizen, age_range="45_59", district=district, consent=False) is None
    assert not CitizenProfile.objects.filter(user=citizen).exists()


def test_nothing_is_stored_without_consent_or_with_an_unknown_age_range(in_a):
    citizen = account()
    assert profile_update(user=citizen, age_range="30_44", consent=False) is None
    with pytest.raises(Invalid):
        profile_update(user=citizen, age_range="centenaire", consent=True)
    assert not CitizenProfile.objects.filter(user=citizen).exists()
