"""The back-office's door: staff in, everyone else out."""

import pytest
from django.urls import reverse

from tenant_apps.participation.tests.factories import account, city_admin, contribution, process_in_phase

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(in_a, client_a):
    response = client_a.get(reverse("backoffice:home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_citizens_and_moderators_are_refused(in_a, client_a, role):
    client_a.force_login(account(role))
    response = client_a.get(reverse("backoffice:home"))
    assert response.status_code == 403
    assert 'href="/gestion/' not in response.content.decode()


def test_staff_see_their_key_figures(in_a, client_a):
    agent = account("agent")
    process = process_in_phase("ideas", "submission")
    mine = contribution(process)
    mine.assigned_to = agent
    mine.save(update_fields=["assigned_to"])
    contribution(process)
    client_a.force_login(agent)
    response = client_a.get(reverse("backoffice:home"))
    assert response.status_code == 200
    assert [response.context["pending_count"], response.context["mine_count"]] == [2, 1]
    client_a.force_login(city_admin())
    assert client_a.get(reverse("backoffice:home")).status_code == 200
