"""Desk verification: an agent checks a person's identity and residence at the town hall (who and when)."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from shared_apps.audit.models import AuditEntry
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.identity.assurance import age_on, desk_verify
from tenant_apps.identity.models import Assurance
from tenant_apps.identity.tests.test_eligibility_table import districts_x_y
from tenant_apps.participation.tests.factories import account, city_admin

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2027, 3, 15, 10, 30, tzinfo=dt.UTC)


def _says(response, message: str) -> bool:
    with translation.override(response.get("Content-Language") or "fr"):
        text = translation.gettext(message)
    content = response.content.decode()
    return text in content or escape(text) in content


def test_an_agent_finds_an_account_by_its_exact_e_mail(in_a, client_a):
    person = account(email="camille.martin@exemple.fr")
    client_a.force_login(account("agent"))
    response = client_a.get(reverse("identity:desk"), {"email": "Camille.Martin@Exemple.FR"})
    assert response.status_code == 200
    assert reverse("identity:desk_person", args=[person.pk]) in response.content.decode()

    response = client_a.get(reverse("identity:desk"), {"email": "camille@exemple.fr"})
    assert response.status_code == 200
    assert reverse("identity:desk_person", args=[person.pk]) not in response.content.decode()
    assert _says(response, "No account has this e-mail address. The person can create an account first, "
                           "then come back.")
    assert client_a.get(reverse("identity:desk"), {"email": "pas-une-adresse"}).status_code == 400


def test_an_agent_records_identity_birth_date_and_residence_with_who_and_when(in_a, client_a, frozen):
    with frozen(WHEN):
        _records_with_who_and_when(client_a)


def _records_with_who_and_when(client_a):
    x, _y = districts_x_y()
    person = account()
    agent = account("agent")
    client_a.force_login(agent)
    url = reverse("identity:desk_person", args=[person.pk])
    response = client_a.get(url)
    assert response.status_code == 200
    assert _says(response, "Not verified")
    response = client_a.post(url, {"identity": "on", "birth_date": "2009-06-01", "residence": "on",
                                   "district": x.pk, "confirm": "on"})
    assert response.status_code == 302

    assurance = Assurance.objects.get(user=person)
    assert assurance.identity_verified
    assert (assurance.identity_method, assurance.identity_verified_by, assurance.identity_verified_at) == (
        "desk", agent, WHEN)
    assert (assurance.residence, assurance.residence_district, assurance.residence_checked_by,
            assurance.residence_updated_at) == ("checked", x, agent, WHEN)
    assert age_on(person, dt.date(2027, 3, 15)) == 17

    # The date of birth is encrypted in the table.
    with connection.cursor() as cursor:
        cursor.execute("SELECT birth_date FROM identity_assurance WHERE user_id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("fernet:") and "2009" not in stored

    # The audit log says who checked what and when, never the personal values.
    entry = AuditEntry.objects.get(action="identity.desk_verify")
    assert entry.actor == agent and entry.created_at == WHEN
    assert entry.data["identity"] is True and entry.data["residence"] is True
    assert entry.data["target"] == f"accounts.user:{person.pk}"
    flat = str(entry.data)
    assert "2009" not in flat and "06-01" not in flat
    assert str(x.pk) not in [str(v) for k, v in entry.data.items() if k != "target"]
    assert "Quartier X" not in flat

    response = client_a.get(url)
    assert _says(response, "Checked by the city's staff")


def test_an_administrator_can_verify_at_the_desk_too(in_a, client_a):
    person = account()
    client_a.force_login(city_admin())
    response = client_a.post(reverse("identity:desk_person", args=[person.pk]),
                             {"identity": "on", "confirm": "on"})
    assert response.status_code == 302
    assert Assurance.objects.get(user=person).identity_method == "desk"


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_a_citizen_or_a_moderator_cannot_verify(in_a, client_a, role):
    person = account()
    someone = account(role)
    client_a.force_login(someone)
    assert client_a.get(reverse("identity:desk")).status_code == 403
    url = reverse("identity:desk_person", args=[person.pk])
    assert client_a.get(url).status_code == 403
    assert client_a.post(url, {"identity": "on", "residence": "on", "confirm": "on"}).status_code == 403
    with pytest.raises(NotAllowed):
        desk_verify(person=person, agent=someone, identity=True, residence=True)
    assert not Assurance.objects.filter(user=person).exists()
    assert not AuditEntry.objects.filter(action="identity.desk_verify").exists()


def test_the_desk_needs_an_account(in_a, client_a):
    person = account()
    assert client_a.get(reverse("identity:desk")).status_code == 302
    assert client_a.post(reverse("identity:desk_person", args=[person.pk]),
                         {"identity": "on", "confirm": "on"}).status_code == 302
    assert not Assurance.objects.filter(user=person).exists()


def test_nothing_is_recorded_without_the_confirmation_or_without_a_choice(in_a, client_a):
    person = account()
    client_a.force_login(account("agent"))
    url = reverse("identity:desk_person", args=[person.pk])
    assert client_a.post(url, {"identity": "on", "birth_date": "2001-02-03"}).status_code == 400
    response = client_a.post(url, {"confirm": "on"})
    assert response.status_code == 400
    assert _says(response, "Choose what you checked: the identity, the residence, or both.")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert client_a.post(url, {"identity": "on", "birth_date": tomorrow, "confirm": "on"}).status_code == 400
    assert client_a.post(url, {"residence": "on", "birth_date": "2001-02-03", "confirm": "on"}).status_code == 400
    assert not Assurance.objects.filter(user=person).exists()


def test_an_agent_cannot_verify_themselves(in_a, client_a):
    agent = account("agent")
    client_a.force_login(agent)
    response = client_a.post(reverse("identity:desk_person", args=[agent.pk]), {"identity": "on", "confirm": "on"})
    assert response.status_code == 403
    assert not Assurance.objects.filter(user=agent).exists()


def test_the_service_checks_what_it_records(in_a):
    person = account()
    agent = account("agent")
    x, _y = districts_x_y()
    with pytest.raises(Invalid):
        desk_verify(person=person, agent=agent, identity=False, residence=False)
    with pytest.raises(Invalid):
        desk_verify(person=person, agent=agent, identity=False, residence=True, birth_date=dt.date(2000, 1, 1))
    with pytest.raises(Invalid):
        desk_verify(person=person, agent=agent, identity=True, residence=False, district=x)
    with pytest.raises(Invalid):
        desk_verify(person=person, agent=agent, identity=True, residence=False, birth_date=dt.date(1850, 1, 1))
    assert not Assurance.objects.filter(user=person).exists()
