"""The discussion over HTTP: plain form posts, redirects with messages, pages and partials."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tenant_apps.discussion.models import Argument, Comment
from tenant_apps.discussion.selectors import contribution_panel
from tenant_apps.discussion.services import argument_post, comment_delete, comment_edit, comment_post
from tenant_apps.participation.services import phase_update
from tenant_apps.participation.state import process_state
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase


@pytest.fixture
def client_a(client_a):
    """City A's client, reading the site in English: the assertions hold once the French catalogue is merged."""
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client_a


@pytest.fixture
def idea(in_a):
    return contribution(process_in_phase("ideas", "submission"), title="Des bancs au parc")


def _messages(response):
    """The messages this response added (earlier unread ones wait in the session, they are not this answer)."""
    return [str(m) for m in get_messages(response.wsgi_request)._queued_messages]


def _page(idea):
    return f"/contributions/{idea.pk}/"


def test_posting_a_comment_and_a_reply_redirects_to_them(idea, client_a):
    alice = account()
    client_a.force_login(alice)
    url = reverse("discussion:comment_post", args=[idea.pk])

    response = client_a.post(url, {"body": "Très bonne idée"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_page(idea)}#commentaire-{comment.pk}"
    assert _messages(response) == ["Your comment is published."]

    response = client_a.post(url, {"body": "Je confirme", "parent": comment.pk})
    reply = Comment.objects.get(parent=comment)
    assert response["Location"] == f"{_page(idea)}#commentaire-{reply.pk}"
    idea.refresh_from_db()
    assert idea.comment_count == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"body": "   "}, "Write your comment before sending it."),
    ({"body": "x" * 5001}, "The text is too long (5000 characters at most, you wrote 5001)."),
    ({"body": "Réponse", "parent": "pas-un-nombre"}, "Enter a whole number."),
    ({"body": "Réponse", "parent": "999999999"}, "The comment you are replying to no longer exists."),
])
def test_bad_comment_input_comes_back_as_a_message(idea, client_a, data, message):
    client_a.force_login(account())
    response = client_a.post(reverse("discussion:comment_post", args=[idea.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == f"{_page(idea)}#commentaires"
    assert _messages(response) == [message]
    assert not Comment.objects.exists()


def test_an_official_comment_from_a_citizen_is_refused_with_a_message(idea, client_a):
    client_a.force_login(account())
    response = client_a.post(reverse("discussion:comment_post", args=[idea.pk]),
                             {"body": "Au nom de la ville", "is_official": "on"})
    assert _messages(response) == ["Only the city's staff can comment on behalf of the city."]
    assert not Comment.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in_and_nothing_is_written(idea, client_a):
    for name in ("discussion:comment_post", "discussion:argument_post"):
        response = client_a.post(reverse(name, args=[idea.pk]), {"body": "Anonyme", "side": "for"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not Comment.objects.exists() and not Argument.objects.exists()


def test_post_only_urls_answer_405_to_get(idea, client_a):
    argument = argument_post(contribution=idea, author=account(), side="for", body="Ombre")
    client_a.force_login(account())
    for url in (reverse("discussion:comment_post", args=[idea.pk]),
                reverse("discussion:argument_post", args=[idea.pk]),
                reverse("discussion:argument_delete", args=[argument.pk])):
        assert client_a.get(url).status_code == 405


def test_a_closed_phase_is_explained_and_nothing_is_written(idea, client_a):
    phase = process_state(idea.process).phase_for("comment")
    phase_update(phase=phase, actor=account("city_admin"), capabilities=["submit", "vote"])
    client_a.force_login(account())

    response = client_a.post(reverse("discussion:comment_post", args=[idea.pk]), {"body": "Trop tard"})
    assert _messages(response) == ["This is not open at this stage of the process."]
    response = client_a.post(reverse("discussion:argument_post", args=[idea.pk]), {"body": "Non", "side": "for"})
    assert _messages(response) == ["This is not open at this stage of the process."]
    assert not Comment.objects.exists() and not Argument.objects.exists()


def test_the_author_edits_a_comment_on_its_page(idea, client_a):
    alice = account()
    comment = comment_post(contribution=idea, author=alice, body="Premier jet")
    client_a.force_login(alice)
    url = reverse("discussion:comment_edit", args=[comment.pk])

    page = client_a.get(url)
    assert page.status_code == 200
    assert "Premier jet" in page.content.decode()
    assert 'for="id_body"' in page.content.decode()

    invalid = client_a.post(url, {"body": ""})
    assert invalid.status_code == 400
    assert "Write your comment before sending it." in invalid.content.decode()

    response = client_a.post(url, {"body": "Version corrigée"})
    assert response.status_code == 302
    assert response["Location"] == f"{_page(idea)}#commentaire-{comment.pk}"
    assert _messages(response) == ["Your comment is updated."]
    comment.refresh_from_db()
    assert comment.body == "Version corrigée"


def test_someone_else_cannot_open_the_edit_or_delete_pages(idea, client_a):
    comment = comment_post(contribution=idea, author=account(), body="Le mien")
    client_a.force_login(account())

    for name in ("discussion:comment_edit", "discussion:comment_delete"):
        response = client_a.get(reverse(name, args=[comment.pk]))
        assert response.status_code == 302
        assert response["Location"] == f"{_page(idea)}#commentaire-{comment.pk}"
    response = client_a.post(reverse("discussion:comment_edit", args=[comment.pk]), {"body": "Piraté"})
    assert _messages(response) == ["Only its author can edit this comment."]
    response = client_a.post(reverse("discussion:comment_delete", args=[comment.pk]))
    assert _messages(response) == ["Only its author or a moderator can delete this comment."]
    comment.refresh_from_db()
    assert (comment.body, comment.is_deleted) == ("Le mien", False)


def test_deleting_asks_for_confirmation_then_keeps_the_replies(idea, client_a):
    alice = account()
    comment = comment_post(contribution=idea, author=alice, body="À retirer")
    comment_post(contribution=idea, author=account(), body="Réponse conservée", parent=comment)
    client_a.force_login(alice)
    url = reverse("discussion:comment_delete", args=[comment.pk])

    page = client_a.get(url)
    assert page.status_code == 200
    assert "À retirer" in page.content.decode()

    response = client_a.post(url)
    assert _messages(response) == ["The comment is deleted."]
    comment.refresh_from_db()
    assert comment.is_deleted
    idea.refresh_from_db()
    assert idea.comment_count == 1


def test_the_history_shows_previous_versions_of_public_comments_only(idea, client_a):
    alice = account()
    comment = comment_post(contribution=idea, author=alice, body="Texte initial")
    comment_edit(comment=comment, actor=alice, body="Texte revu")
    url = reverse("discussion:comment_history", args=[comment.pk])

    page = client_a.get(url)
    assert page.status_code == 200
    assert "Texte initial" in page.content.decode() and "Texte revu" in page.content.decode()
    assert client_a.post(url).status_code == 405

    Comment.objects.filter(pk=comment.pk).update(is_hidden=True, hidden_reason="Hors charte")
    assert client_a.get(url).status_code == 404
    Comment.objects.filter(pk=comment.pk).update(is_hidden=False)
    comment_delete(comment=comment, actor=alice)
    assert client_a.get(url).status_code == 404


def test_arguments_are_posted_and_withdrawn(idea, client_a):
    alice = account()
    client_a.force_login(alice)
    url = reverse("discussion:argument_post", args=[idea.pk])

    response = client_a.post(url, {"side": "against", "body": "Trop cher"})
    argument = Argument.objects.get()
    assert argument.side == "against"
    assert response["Location"] == f"{_page(idea)}#argument-{argument.pk}"
    assert _messages(response) == ["Your argument is published."]

    duplicate = client_a.post(url, {"side": "for", "body": "Trop cher"})
    assert _messages(duplicate) == ["You have already given this argument on this contribution."]
    bad_side = client_a.post(url, {"side": "peut-être", "body": "Autre"})
    assert _messages(bad_side) == ["Choose whether your argument is for or against."]
    assert Argument.objects.count() == 1

    client_a.force_login(account())
    refused = client_a.post(reverse("discussion:argument_delete", args=[argument.pk]))
    assert _messages(refused) == ["Only its author can change this argument."]
    client_a.force_login(alice)
    response = client_a.post(reverse("discussion:argument_delete", args=[argument.pk]))
    assert _messages(response) == ["Your argument is deleted."]
    assert not Argument.objects.exists()


def _render(template, idea, user, city, panel, **extra):
    request = RequestFactory().get(_page(idea))
    request.user = user
    with translation.override("en"):
        return render_to_string(template, {"panel": panel, "contribution": idea, "request": request, "user": user,
                                           "collectivity": city, **extra})


def test_the_thread_partial_shows_placeholders_badges_and_forms(idea, city_a, django_assert_max_num_queries):
    alice, agent = account(full_name="Alice Martin"), account("agent")
    first = comment_post(contribution=idea, author=alice, body="Premier <b>avis</b>")
    comment_post(contribution=idea, author=account(), body="Réponse", parent=first)
    comment_post(contribution=idea, author=agent, body="La ville répond.", is_official=True)
    edited = comment_post(contribution=idea, author=alice, body="Avant")
    comment_edit(comment=edited, actor=alice, body="Après")
    hidden = comment_post(contribution=idea, author=account(), body="Insulte")
    Comment.objects.filter(pk=hidden.pk).update(is_hidden=True, hidden_reason="Propos injurieux")
    comment_delete(comment=first, actor=alice)

    panel = contribution_panel(contribution=idea, user=alice, state=process_state(idea.process))
    with django_assert_max_num_queries(0):  # everything the thread shows was fetched with it
        html = _render("discussion/_comments.html", idea, alice, city_a, panel)

    assert "Comment deleted" in html and "avis" not in html
    assert "Réponse" in html
    assert f'id="commentaire-{first.pk}"' in html
    assert "Official comment" in html and city_a.name in html
    assert reverse("discussion:comment_history", args=[edited.pk]) in html
    assert "Hidden by moderation: Propos injurieux" in html and "Insulte" not in html
    assert reverse("discussion:comment_edit", args=[edited.pk]) in html
    assert 'for="commentaire-nouveau"' in html
    assert "Post on behalf of the city" not in html  # Alice is not staff
    assert "<details" in html


def test_the_thread_partial_explains_why_commenting_is_closed(idea, city_a):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser()
    panel = contribution_panel(contribution=idea, user=user, state=process_state(idea.process))
    html = _render("discussion/_comments.html", idea, user, city_a, panel)
    assert "Sign in to take part." in html
    assert "<textarea" not in html


def test_the_arguments_partial_has_two_columns_with_their_forms(idea, city_a):
    alice = account()
    argument_post(contribution=idea, author=alice, side="for", body="Plus d'ombre")
    hidden = argument_post(contribution=idea, author=account(), side="against", body="Hors sujet")
    Argument.objects.filter(pk=hidden.pk).update(is_hidden=True, hidden_reason="Hors charte")

    panel = contribution_panel(contribution=idea, user=alice, state=process_state(idea.process))
    html = _render("discussion/_arguments.html", idea, alice, city_a, panel)

    assert ">For <" in html and ">Against <" in html
    assert "Plus d&#x27;ombre" in html
    assert "Hidden by moderation: Hors charte" in html and "Hors sujet" not in html
    assert 'name="side" value="for"' in html and 'name="side" value="against"' in html
    assert 'for="argument-nouveau-for"' in html and 'for="argument-nouveau-against"' in html
