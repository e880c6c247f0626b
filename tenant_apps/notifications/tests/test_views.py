"""Pages: follow buttons, the notification list, preferences, the one-click unsubscribe page."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from conftest import HostClient
from tenant_apps.notifications import selectors, services
from tenant_apps.notifications.context_processors import unread
from tenant_apps.notifications.models import Follow, Notification
from tenant_apps.participation.events import Event
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(city_a, in_city):
    """`with a(): ...` — ORM code in city A's schema (a request through client_a ends in the public schema)."""
    return lambda: in_city(city_a)


def test_following_a_process_from_its_page(a, client_a):
    with a():
        user = account()
        process = process_in_phase("ideas", "submission")
    url = reverse("notifications:follow_process", kwargs={"slug": process.slug})
    page = f"/participer/{process.slug}/"
    with a():
        client_a.force_login(user)
    assert url in client_a.get(page).content.decode()  # the panel on the kernel's page

    for _replay in range(2):
        response = client_a.post(url, {"action": "follow", "next": page})
        assert response.status_code == 302 and response["Location"] == page
    with a():
        assert Follow.objects.filter(user=user, process=process).count() == 1
    assert "unfollow" in client_a.get(page).content.decode()

    client_a.post(url, {"action": "unfollow", "next": "https://ailleurs.example/"})  # never an open redirect
    with a():
        assert not Follow.objects.filter(user=user).exists()


def test_following_a_contribution_with_htmx_returns_the_button(a, client_a):
    with a():
        user = account()
        item = contribution(process_in_phase("ideas", "submission"))
    url = reverse("notifications:follow_contribution", kwargs={"pk": item.pk})
    with a():
        client_a.force_login(user)
    response = client_a.post(url, {"action": "follow"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="action" value="unfollow"' in body and 'role="status"' in body
    with a():
        assert Follow.objects.filter(user=user, contribution=item).exists()


def test_follow_views_check_the_object_then_the_method_then_the_account(a, client_a):
    with a():
        process = process_in_phase("ideas", "submission")
        draft = process_in_phase("ideas", "submission", publish=False)
        user = account()
    url = reverse("notifications:follow_process", kwargs={"slug": process.slug})
    assert client_a.get(url).status_code == 405
    response = client_a.post(url, {"action": "follow"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert client_a.post(reverse("notifications:follow_contribution", kwargs={"pk": 999999}),
                         {"action": "follow"}).status_code == 404
    with a():
        client_a.force_login(user)
    assert client_a.post(reverse("notifications:follow_process", kwargs={"slug": draft.slug}),
                         {"action": "follow"}).status_code == 404
    response = client_a.post(url, {"action": "n'importe"}, follow=True)
    assert response.status_code == 200
    with a():
        assert not Follow.objects.filter(user=user).exists()


def _notifications(user, n):
    return Notification.objects.bulk_create([
        Notification(recipient=user, kind=Event.PHASE_STARTED, url="/participer/x/",
                     data={"process": f"Processus {i}", "phase": "Vote"}) for i in range(n)])


def test_the_list_is_paginated_with_a_bounded_number_of_queries(a, client_a, django_assert_max_num_queries):
    with a():
        user, other = account(), account()
        _notifications(user, 25)
        _notifications(other, 1)
        Notification.objects.filter(recipient=user, data__process="Processus 24").update(read_at="2026-01-01T00:00Z")
    with a():
        client_a.force_login(user)
    with django_assert_max_num_queries(9):  # 7 today, +1 for the unread count in the menu
        response = client_a.get(reverse("notifications:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Processus 24" in page and "Processus 0" not in page  # newest first, 20 a page
    assert page.count('name="id"') == 19  # one "mark as read" button per unread notification
    assert "Processus 0" in client_a.get(reverse("notifications:list") + "?page=2").content.decode()


def test_the_list_needs_an_account(client_a):
    response = client_a.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_mark_read_one_or_all(a, client_a):
    with a():
        user, other = account(), account()
        first, second = _notifications(user, 2)
        [theirs] = _notifications(other, 1)
    url = reverse("notifications:mark_read")
    assert client_a.get(url).status_code == 405
    with a():
        client_a.force_login(user)
    assert client_a.get(url).status_code == 405
    client_a.post(url, {"id": [first.pk, theirs.pk]})
    with a():
        assert selectors.unread_count(user) == 1 and selectors.unread_count(other) == 1
    response = client_a.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    with a():
        assert selectors.unread_count(user) == 0 and selectors.unread_count(other) == 1


def test_preferences(a, client_a):
    with a():
        user = account()
    url = reverse("notifications:preferences")
    with a():
        client_a.force_login(user)
    page = client_a.get(url).content.decode()
    assert "<fieldset" in page and "<legend>" in page and 'value="immediate" required checked' in page.replace(
        'id="id_email_frequency_0" ', "")
    assert client_a.post(url, {"email_frequency": "daily"}).status_code == 302
    assert client_a.post(url, {"email_frequency": "weekly"}).status_code == 400
    with a():
        assert selectors.email_frequency_get(user=user) == "daily"


def test_one_click_unsubscribe_without_csrf_token(a, city_a):
    with a():
        user = account(email="camille@exemple.fr")
        token = services.unsubscribe_token_make(user)
    url = reverse("notifications:unsubscribe", kwargs={"token": token})
    client = HostClient(city_a.host, enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and "camille@exemple.fr" in page.content.decode()
    with a():
        assert selectors.email_frequency_get(user=user) == "immediate"  # a GET (link preview) changes nothing
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    with a():
        assert selectors.email_frequency_get(user=user) == "never"
    assert client.post(url).status_code == 200  # a second click is harmless


def test_unsubscribe_refuses_another_citys_token_and_a_tampered_one(a, city_a, city_b, client_b, in_city):
    with a():
        user = account(email="noe@exemple.fr")
        token = services.unsubscribe_token_make(user)
    with in_city(city_b):
        from shared_apps.accounts.models import User

        twin = User.objects.create_user(pk=user.pk, email=user.email)
    url = reverse("notifications:unsubscribe", kwargs={"token": token})
    response = client_b.post(url)
    assert response.status_code == 404 and "noe@exemple.fr" not in response.content.decode()
    tampered = reverse("notifications:unsubscribe", kwargs={"token": token.replace(":", ":x", 1)})
    assert HostClient(city_a.host).post(tampered).status_code == 404
    with in_city(city_b):
        assert selectors.email_frequency_get(user=twin) == "immediate"
    with a():
        assert selectors.email_frequency_get(user=user) == "immediate"


def test_the_unread_count_costs_one_query_and_none_for_visitors(a, city_a, rf, django_assert_num_queries):
    with a():
        user = account()
        _notifications(user, 3)
        request = rf.get("/")
        request.tenant, request.user = city_a, user
        with django_assert_num_queries(1):
            assert unread(request) == {"unread_notifications": 3}
        request.user = AnonymousUser()
        with django_assert_num_queries(0):
            assert unread(request) == {"unread_notifications": 0}


def test_the_unread_count_is_zero_on_the_control_plane(db, rf, django_assert_num_queries):
    from tenants.models import Collectivity

    request = rf.get("/")
    request.tenant = Collectivity(schema_name=settings.PUBLIC_SCHEMA_NAME)
    request.user = type("Operator", (), {"is_authenticated": True})()
    with django_assert_num_queries(0):
        assert unread(request) == {"unread_notifications": 0}
