"""Comments and arguments through the services: thread shape, history, deletion, rules and refusals."""

import pytest

from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.discussion.models import Argument, Comment, CommentRevision
from tenant_apps.discussion.selectors import comments_panel, contribution_panel
from tenant_apps.discussion.services import (
    argument_delete,
    argument_edit,
    argument_post,
    comment_delete,
    comment_edit,
    comment_post,
)
from tenant_apps.participation.events import listener_register
from tenant_apps.participation.services import phase_update
from tenant_apps.participation.state import process_state
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase

_heard = []
listener_register("discussion-tests", _heard.append)


@pytest.fixture
def heard():
    _heard.clear()
    yield _heard
    _heard.clear()


@pytest.fixture
def idea(in_a):
    process = process_in_phase("ideas", "submission")
    return contribution(process, title="Des bancs au parc")


def _close(process, capability):
    phase = process_state(process).phase_for(capability)
    phase_update(phase=phase, actor=account("city_admin"),
                 capabilities=[c for c in phase.capabilities if c != str(capability)])


def _counter(idea):
    idea.refresh_from_db(fields=["comment_count"])
    return idea.comment_count


def _shape(nodes):
    return [(n.comment.body, n.depth, _shape(n.children)) for n in nodes]


def test_a_thread_is_built_from_one_query_and_replies_go_three_levels_deep(idea, heard,
                                                                           django_capture_on_commit_callbacks,
                                                                           django_assert_num_queries):
    alice, bruno = account(), account()
    with django_capture_on_commit_callbacks(execute=True):
        first = comment_post(contribution=idea, author=alice, body="  Bonne idée  ")
        reply = comment_post(contribution=idea, author=bruno, body="Oui !", parent=first)
        deep = comment_post(contribution=idea, author=alice, body="Vraiment.", parent=reply)
        # Deeper than three levels: the reply attaches next to the comment it answers.
        deeper = comment_post(contribution=idea, author=bruno, body="Encore.", parent=deep)
        other = comment_post(contribution=idea, author=bruno, body="Autre sujet")

    assert first.body == "Bonne idée"
    assert deeper.parent_id == reply.pk
    assert _counter(idea) == 5
    state = process_state(idea.process)
    with django_assert_num_queries(1):
        panel = comments_panel(contribution=idea, user=alice, state=state)
    assert _shape(panel["comments"]) == [
        ("Bonne idée", 1, [("Oui !", 2, [("Vraiment.", 3, []), ("Encore.", 3, [])])]),
        ("Autre sujet", 1, []),
    ]
    assert panel["comment_count"] == 5
    with django_assert_num_queries(2):
        contribution_panel(contribution=idea, user=alice, state=state)
    # Whoever is replied to is told; a new comment or a reply to oneself tells nobody directly.
    assert [(h.event, h.recipient_ids) for h in heard] == [
        ("comment_posted", ()), ("comment_posted", (alice.pk,)), ("comment_posted", (bruno.pk,)),
        ("comment_posted", (alice.pk,)), ("comment_posted", ()),
    ]
    assert heard[0].data == {"title": "Des bancs au parc"}
    assert other.parent_id is None


def test_editing_keeps_the_previous_text_in_the_history(idea):
    alice = account()
    comment = comment_post(contribution=idea, author=alice, body="Premier jet")

    comment_edit(comment=comment, actor=alice, body="Version corrigée")

    comment.refresh_from_db()
    assert comment.body == "Version corrigée"
    assert comment.edited_at is not None
    assert list(comment.revisions.values_list("body", flat=True)) == ["Premier jet"]
    comment_edit(comment=comment, actor=alice, body="Version corrigée")  # unchanged: no new revision
    assert comment.revisions.count() == 1


def test_another_person_cannot_edit_or_delete_a_comment(idea):
    alice, mallory = account(), account()
    comment = comment_post(contribution=idea, author=alice, body="Mon avis")

    with pytest.raises(NotAllowed):
        comment_edit(comment=comment, actor=mallory, body="Piraté")
    with pytest.raises(NotAllowed):
        comment_delete(comment=comment, actor=mallory)

    comment.refresh_from_db()
    assert (comment.body, comment.is_deleted, comment.edited_at) == ("Mon avis", False, None)
    assert not CommentRevision.objects.exists()
    assert _counter(idea) == 1


def test_deleting_keeps_the_replies_readable_and_the_counter_exact(idea):
    alice, bruno, moderator = account(), account(), account("moderator")
    first = comment_post(contribution=idea, author=alice, body="À supprimer")
    reply = comment_post(contribution=idea, author=bruno, body="Réponse qui reste", parent=first)
    lonely = comment_post(contribution=idea, author=bruno, body="Seul")

    comment_delete(comment=first, actor=alice)
    comment_delete(comment=lonely, actor=moderator)
    with pytest.raises(NotAllowed):
        comment_delete(comment=first, actor=alice)  # twice: the counter moves once

    first.refresh_from_db()
    assert (first.is_deleted, first.body) == (True, "")
    assert first.deleted_at is not None
    assert list(first.revisions.values_list("body", flat=True)) == ["À supprimer"]
    assert _counter(idea) == 1
    panel = comments_panel(contribution=idea, user=None, state=process_state(idea.process))
    # The deleted parent keeps its place for its reply; a deleted comment without replies leaves the thread.
    assert [(n.comment.pk, n.comment.is_deleted, [c.comment.pk for c in n.children]) for n in panel["comments"]] \
        == [(first.pk, True, [reply.pk])]
    assert panel["comment_count"] == 1
    with pytest.raises(Invalid):
        comment_post(contribution=idea, author=bruno, body="Trop tard", parent=first)


def test_only_staff_comment_on_behalf_of_the_city(idea):
    citizen, agent = account(), account("agent")

    with pytest.raises(NotAllowed) as refused:
        comment_post(contribution=idea, author=citizen, body="Officiel ?", is_official=True)
    assert refused.value.code == "official_staff_only"
    assert not Comment.objects.exists()
    assert _counter(idea) == 0

    official = comment_post(contribution=idea, author=agent, body="La ville répond.", is_official=True)
    assert official.is_official


def test_a_closed_phase_refuses_comments_and_arguments_and_writes_nothing(idea):
    alice = account()
    comment = comment_post(contribution=idea, author=alice, body="Avant")
    argument = argument_post(contribution=idea, author=alice, side="for", body="Utile")
    _close(idea.process, "comment")
    _close(idea.process, "argue")
    idea.process.refresh_from_db()

    with pytest.raises(NotAllowed) as refused:
        comment_post(contribution=idea, author=alice, body="Après")
    assert refused.value.code == "phase_not_open"
    with pytest.raises(NotAllowed):
        comment_edit(comment=comment, actor=alice, body="Modifié après")
    with pytest.raises(NotAllowed):
        argument_post(contribution=idea, author=alice, side="against", body="Cher")
    with pytest.raises(NotAllowed):
        argument_edit(argument=argument, actor=alice, body="Modifié")

    assert list(Comment.objects.values_list("body", flat=True)) == ["Avant"]
    assert list(Argument.objects.values_list("body", flat=True)) == ["Utile"]
    assert _counter(idea) == 1
    # Withdrawing what one wrote stays possible.
    comment_delete(comment=comment, actor=alice)
    argument_delete(argument=argument, actor=alice)
    assert _counter(idea) == 0 and not Argument.objects.exists()


def test_anonymous_visitors_cannot_comment(idea):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed) as refused:
        comment_post(contribution=idea, author=AnonymousUser(), body="Coucou")
    assert refused.value.code == "login_required"
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("body", "code"), [("", "comment_required"), ("   \n ", "comment_required"),
                                            ("x" * 5001, "comment_too_long")])
def test_a_comment_needs_a_text_of_reasonable_length(idea, body, code):
    with pytest.raises(Invalid) as refused:
        comment_post(contribution=idea, author=account(), body=body)
    assert refused.value.code == code
    assert refused.value.message
    assert not Comment.objects.exists()


def test_a_reply_must_answer_a_comment_of_the_same_contribution(idea):
    alice = account()
    elsewhere = comment_post(contribution=contribution(idea.process), author=alice, body="Ailleurs")

    with pytest.raises(Invalid) as refused:
        comment_post(contribution=idea, author=alice, body="Réponse", parent=elsewhere)
    assert refused.value.code == "parent_elsewhere"
    assert _counter(idea) == 0


def test_arguments_are_split_by_side_and_duplicates_are_refused(idea):
    alice, bruno = account(), account()
    pro = argument_post(contribution=idea, author=alice, side="for", body="Plus d'ombre")
    con = argument_post(contribution=idea, author=bruno, side="against", body="Coûteux")
    argument_post(contribution=idea, author=bruno, side="for", body="Plus d'ombre")  # someone else: fine

    with pytest.raises(Invalid) as duplicate:
        argument_post(contribution=idea, author=alice, side="against", body="  Plus d'ombre ")
    assert duplicate.value.code == "argument_duplicate"
    with pytest.raises(Invalid):
        argument_post(contribution=idea, author=alice, side="neutral", body="Bof")
    with pytest.raises(Invalid):
        argument_post(contribution=idea, author=alice, side="for", body="x" * 2001)

    panel = contribution_panel(contribution=idea, user=alice, state=process_state(idea.process))
    assert [a.pk for a in panel["arguments_for"]][:1] == [pro.pk]
    assert len(panel["arguments_for"]) == 2
    assert [a.pk for a in panel["arguments_against"]] == [con.pk]
    assert panel["argue_decision"].allowed
    assert Argument.objects.count() == 3


def test_only_the_author_edits_or_deletes_an_argument(idea):
    alice, mallory = account(), account()
    argument = argument_post(contribution=idea, author=alice, side="for", body="Pratique")

    with pytest.raises(NotAllowed):
        argument_edit(argument=argument, actor=mallory, body="Piraté")
    with pytest.raises(NotAllowed):
        argument_delete(argument=argument, actor=mallory)
    argument.refresh_from_db()
    assert argument.body == "Pratique"

    argument_edit(argument=argument, actor=alice, body="Très pratique", side="against")
    argument.refresh_from_db()
    assert (argument.body, argument.side) == ("Très pratique", "against")
    argument_delete(argument=argument, actor=alice)
    assert not Argument.objects.exists()


def test_the_same_comment_sent_twice_is_posted_once(in_a):
    from tenant_apps.discussion.models import Comment
    from tenant_apps.discussion.services import comment_post
    from tenant_apps.participation.tests.factories import account as make_account
    from tenant_apps.participation.tests.factories import contribution as make_contribution
    from tenant_apps.participation.tests.factories import process_in_phase as make_process

    item = make_contribution(make_process("ideas", "submission"))
    author = make_account()
    first = comment_post(contribution=item, author=author, body="Bonne idée !")
    again = comment_post(contribution=item, author=author, body="Bonne idée !")
    assert first.pk == again.pk
    item.refresh_from_db()
    assert item.comment_count == 1 and Comment.objects.filter(contribution=item).count() == 1
    other = comment_post(contribution=item, author=author, body="Et aussi un banc.")
    assert other.pk != first.pk
