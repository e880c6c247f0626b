"""Moderation pages: reporting, the queue, decisions by form POST, the log, and the partials."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from shared_apps.audit.models import AuditEntry
from tenant_apps.moderation import services
from tenant_apps.moderation.models import Flag, ModerationDecision
from tenant_apps.moderation.tests.helpers import argument, comment, idea, target_of
from tenant_apps.participation.events import Event
from tenant_apps.participation.tests.factories import account

pytestmark = pytest.mark.django_db


def fr(text: str) -> str:
    """`text` as the French site shows it (the same text until its translation is merged)."""
    with translation.override("fr"):
        return translation.gettext(text)


def _flag_url(kind, target):
    return reverse("moderation:flag", args=[kind, target.pk])


def _act_url(kind, target, action):
    return reverse("moderation:act", args=[kind, target.pk, action])


def _flags(target):
    return Flag.objects.filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)


# --- Reporting --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["contribution", "comment", "argument"])
def test_a_citizen_reports_content_once(in_a, client_a, kind):
    target = target_of(kind)
    client_a.force_login(account())
    page = client_a.get(_flag_url(kind, target))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<fieldset" in html and "<legend>" in html and 'type="radio"' in html

    response = client_a.post(_flag_url(kind, target), {"reason": "abuse", "details": "Des insultes."})
    contribution = target if kind == "contribution" else target.contribution
    assert response.status_code == 302 and response["Location"] == contribution.get_absolute_url()
    replay = client_a.post(_flag_url(kind, target), {"reason": "spam"}, follow=True)
    assert replay.status_code == 200
    flag = _flags(target).get()
    assert (flag.reason, flag.details) == ("abuse", "Des insultes.")
    # Once reported, the page says so instead of offering the form again.
    assert 'type="radio"' not in client_a.get(_flag_url(kind, target)).content.decode()


def test_a_reason_is_required(in_a, client_a):
    target = idea()
    client_a.force_login(account())
    response = client_a.post(_flag_url("contribution", target), {"details": "Sans motif."})
    assert response.status_code == 400
    assert not _flags(target).exists()


def test_own_content_is_refused_with_a_clear_message(in_a, client_a):
    author = account()
    target = comment(author=author)
    client_a.force_login(author)
    notice = fr("This is your own content: you cannot report it.")
    assert notice in client_a.get(_flag_url("comment", target)).content.decode()
    response = client_a.post(_flag_url("comment", target), {"reason": "spam"})
    assert response.status_code == 403
    assert notice in response.content.decode()
    assert not _flags(target).exists()


def test_anonymous_visitors_are_sent_to_sign_in(in_a, client_a):
    target = argument()
    response = client_a.get(_flag_url("argument", target))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    response = client_a.post(_flag_url("argument", target), {"reason": "spam"})
    assert response.status_code == 302 and not _flags(target).exists()


def test_unknown_kinds_and_targets_are_not_found(in_a, client_a):
    target = idea()
    client_a.force_login(account())
    assert client_a.get(reverse("moderation:flag", args=["process", target.pk])).status_code == 404
    assert client_a.get(reverse("moderation:flag", args=["comment", 999_999])).status_code == 404


def test_content_of_a_draft_process_cannot_be_reported_by_citizens(in_a, client_a):
    from tenant_apps.participation.models import Process

    target = comment()
    # Put back in draft after the fact (a draft takes no contributions): only staff see it now.
    Process.objects.filter(pk=target.contribution.process_id).update(visibility=Process.Visibility.DRAFT)
    client_a.force_login(account())
    assert client_a.get(_flag_url("comment", target)).status_code == 404


# --- Who may moderate ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["citizen", "agent"])
def test_citizens_and_agents_cannot_reach_the_queue_nor_act(in_a, client_a, role):
    target = comment()
    services.flag_create(target=target, reporter=account(), reason="spam")
    person = account()
    client_a.force_login(account(role))
    for name in ("moderation:queue", "moderation:log"):
        assert client_a.get(reverse(name)).status_code == 403
    for action in ("hide", "dismiss"):
        response = client_a.post(_act_url("comment", target, action), {"reason": "Non."})
        assert response.status_code == 403
    response = client_a.post(reverse("moderation:account", args=[person.pk, "block"]), {"reason": "Non."})
    assert response.status_code == 403
    target.refresh_from_db()
    person.refresh_from_db()
    assert not target.is_hidden and person.is_active
    assert _flags(target).get().state == Flag.State.OPEN
    assert not ModerationDecision.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_from_the_queue(in_a, client_a):
    target = idea()
    for url in (reverse("moderation:queue"), reverse("moderation:log")):
        response = client_a.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    response = client_a.post(_act_url("contribution", target, "hide"), {"reason": "Non."})
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_hidden


def test_actions_are_post_only_and_known(in_a, client_a):
    target, person = idea(), account()
    client_a.force_login(account("moderator"))
    assert client_a.get(_act_url("contribution", target, "hide")).status_code == 405
    assert client_a.post(_act_url("contribution", target, "delete")).status_code == 404
    assert client_a.post(_act_url("poll", target, "hide")).status_code == 404
    assert client_a.get(reverse("moderation:account", args=[person.pk, "block"])).status_code == 405
    assert client_a.post(reverse("moderation:account", args=[person.pk, "ban"])).status_code == 404
    assert client_a.post(reverse("moderation:account", args=[999_999_999, "block"])).status_code == 404


# --- Decisions ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["contribution", "comment", "argument"])
def test_a_moderator_hides_with_a_reason(in_a, client_a, kind, heard, django_capture_on_commit_callbacks):
    author = account()
    target = target_of(kind, author=author)
    services.flag_create(target=target, reporter=account(), reason="abuse")
    moderator = account("moderator")
    client_a.force_login(moderator)
    queue = client_a.get(reverse("moderation:queue")).content.decode()
    assert _act_url(kind, target, "hide") in queue

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(_act_url(kind, target, "hide"), {"reason": "Propos injurieux."}, follow=True)
    assert response.status_code == 200
    assert fr("The content is hidden; its author is told why.") in response.content.decode()
    target.refresh_from_db()
    assert target.is_hidden and target.hidden_reason == "Propos injurieux."
    assert _flags(target).get().state == Flag.State.UPHELD
    assert ModerationDecision.objects.get().action == "hide"
    assert AuditEntry.objects.filter(action="moderation.hide", actor=moderator).exists()
    [happening] = heard
    assert happening.event == Event.CONTENT_HIDDEN and happening.recipient_ids == (author.pk,)
    assert happening.data["reason"] == "Propos injurieux."


def test_hiding_without_a_reason_shows_a_message_and_changes_nothing(in_a, client_a):
    target = comment()
    services.flag_create(target=target, reporter=account(), reason="abuse")
    client_a.force_login(account("moderator"))
    response = client_a.post(_act_url("comment", target, "hide"), {"reason": ""}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("moderation:queue")
    assert fr("Give the reason for hiding: it is shown in place of the content.") in response.content.decode()
    target.refresh_from_db()
    assert not target.is_hidden and not ModerationDecision.objects.exists()


def test_a_moderator_restores_from_the_upheld_tab(in_a, client_a, heard, django_capture_on_commit_callbacks):
    target = argument()
    services.flag_create(target=target, reporter=account(), reason="off_topic")
    moderator = account("moderator")
    services.content_hide(target=target, moderator=moderator, reason="Hors sujet.")
    client_a.force_login(moderator)
    upheld = client_a.get(reverse("moderation:queue") + "?etat=retenus").content.decode()
    assert _act_url("argument", target, "restore") in upheld
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(_act_url("argument", target, "restore"), {"reason": "Finalement pertinent."})
    target.refresh_from_db()
    assert not target.is_hidden
    assert [h.event for h in heard] == [Event.CONTENT_RESTORED]


def test_a_moderator_dismisses_reports(in_a, client_a):
    target = idea()
    services.flag_create(target=target, reporter=account(), reason="spam")
    client_a.force_login(account("moderator"))
    response = client_a.post(_act_url("contribution", target, "dismiss"), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("moderation:queue")
    target.refresh_from_db()
    assert not target.is_hidden and _flags(target).get().state == Flag.State.DISMISSED
    assert target.title not in client_a.get(reverse("moderation:queue")).content.decode()


def test_a_blocked_person_is_signed_out_at_their_next_request(in_a, city_a, client_a):
    from conftest import HostClient

    person = account()
    target = comment(author=person)
    services.flag_create(target=target, reporter=account(), reason="abuse")
    their_client = HostClient(city_a.host)
    their_client.force_login(person)
    assert their_client.get(reverse("my_account")).status_code == 200

    client_a.force_login(account("moderator"))
    assert reverse("moderation:account", args=[person.pk, "block"]) in client_a.get(
        reverse("moderation:queue")).content.decode()
    response = client_a.post(reverse("moderation:account", args=[person.pk, "block"]), {"reason": "Insultes."})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert ModerationDecision.objects.get().action == "block"

    response = their_client.get(reverse("my_account"))
    assert response.status_code == 302 and not response.wsgi_request.user.is_authenticated
    assert client_a.post(reverse("moderation:account", args=[person.pk, "unblock"])).status_code == 302
    person.refresh_from_db()
    assert person.is_active


def test_staff_cannot_be_blocked_from_the_page(in_a, client_a):
    agent = account("agent")
    client_a.force_login(account("moderator"))
    response = client_a.post(reverse("moderation:account", args=[agent.pk, "block"]), {"reason": "Non."}, follow=True)
    assert response.status_code == 200
    assert fr("Staff and moderator accounts cannot be blocked here.") in response.content.decode()
    agent.refresh_from_db()
    assert agent.is_active and not ModerationDecision.objects.exists()


def test_the_log_shows_decisions(in_a, client_a):
    moderator = account("moderator", full_name="Maëlle Modératrice")
    services.content_hide(target=comment(), moderator=moderator, reason="Spam publicitaire.")
    services.account_block(account=account(full_name="Bob Bloqué"), moderator=moderator, reason="Insultes.")
    client_a.force_login(moderator)
    page = client_a.get(reverse("moderation:log")).content.decode()
    for text in ("Maëlle Modératrice", "Spam publicitaire.", "Bob Bloqué", "Insultes."):
        assert text in page


# --- Bounded queries ------------------------------------------------------------------------------------

def _flag_targets(n):
    for kind in ("contribution", "comment", "argument"):
        for _ in range(n):
            target = target_of(kind)
            for reason in ("spam", "abuse"):
                services.flag_create(target=target, reporter=account(), reason=reason)


def test_the_queue_page_runs_a_fixed_number_of_queries(in_a, client_a, django_assert_max_num_queries):
    client_a.force_login(account("moderator"))
    _flag_targets(1)
    client_a.get(reverse("moderation:queue"))  # warm the content type cache
    with CaptureQueriesContext(connection) as few:
        assert client_a.get(reverse("moderation:queue")).status_code == 200
    _flag_targets(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client_a.get(reverse("moderation:queue"))
    assert page.content.decode().count('class="card moderation-item"') == 15
    assert len(few.captured_queries) <= 15


def test_the_log_page_runs_a_fixed_number_of_queries(in_a, client_a, django_assert_max_num_queries):
    moderator = account("moderator")
    client_a.force_login(moderator)
    for _ in range(4):
        services.content_hide(target=comment(), moderator=moderator, reason="Spam.")
        services.content_hide(target=idea(), moderator=moderator, reason="Spam.")
        services.account_block(account=account(), moderator=moderator, reason="Spam.")
    with django_assert_max_num_queries(15):
        assert client_a.get(reverse("moderation:log")).status_code == 200


# --- Partials -------------------------------------------------------------------------------------------

def test_the_report_link_names_what_it_reports(in_a, rf):
    from django.contrib.auth.models import AnonymousUser

    target = idea(title="Un banc place du marché")
    html = render_to_string("moderation/_flag_link.html",
                            {"flag_kind": "contribution", "flag_target": target, "user": AnonymousUser()})
    assert _flag_url("contribution", target) in html
    assert 'class="visually-hidden"' in html and "Un banc place du marché" in html
    assert render_to_string("moderation/_flag_link.html",
                            {"flag_kind": "contribution", "flag_target": target, "user": target.author}).strip() == ""


def test_the_hidden_notice_gives_the_reason(in_a):
    with translation.override("en"):
        html = render_to_string("moderation/_hidden_notice.html", {"hidden_reason": "Propos injurieux."})
    assert "Hidden by moderation: Propos injurieux." in html
