"""The optional statistics profile (consent, withdrawal deletes it) and the default personal data page."""

import pytest
from django.urls import reverse
from django.utils import translation

from tenant_apps.pages.defaults import DEFAULTS
from tenant_apps.participation.services import district_create
from tenant_apps.participation.tests.factories import account
from tenant_apps.statistics.models import CitizenProfile

pytestmark = pytest.mark.django_db


def test_the_profile_is_kept_only_with_consent_and_deleted_when_it_is_withdrawn(in_a, client_a):
    url = reverse("identity:profile")
    assert client_a.get(url).status_code == 302
    person = account()
    district = district_create(name="Les Tilleuls")
    client_a.force_login(person)
    page = client_a.get(url).content.decode()
    assert "Les Tilleuls" in page and 'type="checkbox"' in page

    response = client_a.post(url, {"age_range": "18_29", "gender": "other", "district": district.pk})
    assert response.status_code == 302
    assert not CitizenProfile.objects.filter(user=person).exists()  # no consent: nothing kept

    client_a.post(url, {"age_range": "18_29", "gender": "other", "district": district.pk, "consent": "on"})
    profile = CitizenProfile.objects.get(user=person)
    assert (profile.age_range, profile.gender, profile.district, profile.consented_at is not None) == (
        "18_29", "other", district, True)
    assert 'value="other" selected' in client_a.get(url).content.decode()

    assert client_a.post(url, {"gender": "licorne", "consent": "on"}).status_code == 400
    assert CitizenProfile.objects.get(user=person).gender == "other"

    client_a.post(url, {"age_range": "18_29", "gender": "other", "district": district.pk})
    assert not CitizenProfile.objects.filter(user=person).exists()


def test_the_default_personal_data_page_says_what_is_collected_and_why():
    _title, body = DEFAULTS["privacy"]
    with translation.override("en"):
        text = str(body) % {"name": "Ville A"}
    for needle in ("controller", "processor", "Parvis", "FranceConnect", "age range, gender, district",
                   "anonymous statistics", "without cookies", "How long it is kept",
                   "access", "correct", "delete your account", "take it with you", "object", "CNIL"):
        assert needle in text, needle
