"""Follows, the kernel's events turned into notifications, immediate e-mails, daily digests, unsubscribe tokens."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from shared_apps.accounts.models import User
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.notifications import selectors, services, tasks
from tenant_apps.notifications.messages import notification_text
from tenant_apps.notifications.models import Follow, Notification, NotificationSettings
from tenant_apps.participation import services as participation
from tenant_apps.participation.events import Event, Happening, event_publish
from tenant_apps.participation.models import Status
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase

pytestmark = pytest.mark.django_db


def _status(key="under_review"):
    return Status.objects.get(process_kind="ideas", key=key)


def _notified(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    return list(qs.filter(kind=kind) if kind else qs)


def test_follow_start_and_stop_are_idempotent(in_a):
    user = account()
    process = process_in_phase("ideas", "submission")
    services.follow_start(user=user, process=process)
    services.follow_start(user=user, process=process)
    assert Follow.objects.filter(user=user, process=process).count() == 1
    services.follow_stop(user=user, process=process)
    services.follow_stop(user=user, process=process)
    assert not Follow.objects.filter(user=user).exists()


def test_follow_needs_exactly_one_target_and_an_account(in_a):
    user = account()
    process = process_in_phase("ideas", "submission")
    item = contribution(process)
    with pytest.raises(Invalid):
        services.follow_start(user=user, process=process, contribution=item)
    with pytest.raises(Invalid):
        services.follow_start(user=user)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        services.follow_start(user=AnonymousUser(), process=process)
    assert not Follow.objects.filter(user=user).exists()


def test_the_author_follows_their_contribution_without_being_notified(in_a, django_capture_on_commit_callbacks):
    author = account()
    with django_capture_on_commit_callbacks(execute=True):
        item = contribution(process_in_phase("ideas", "submission"), author=author)
    assert Follow.objects.filter(user=author, contribution=item).exists()
    assert _notified(author) == []
    assert mail.outbox == []


def test_followers_are_told_when_a_phase_starts_once(in_a, city_a, django_capture_on_commit_callbacks):
    process = process_in_phase("ideas", "submission", title="Boîte à idées du quartier")
    follower, bystander = account(), account()
    services.follow_start(user=follower, process=process)
    review = process.phases.get(position=2)

    with django_capture_on_commit_callbacks(execute=True):
        participation.process_transitions_run()  # announces the phase active now
    with django_capture_on_commit_callbacks(execute=True):
        participation.process_transitions_run(at=review.starts_at + dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        participation.process_transitions_run(at=review.starts_at + dt.timedelta(hours=2))  # nothing new

    notifications = sorted(_notified(follower, Event.PHASE_STARTED), key=lambda n: n.pk)
    assert [n.data["phase"] for n in notifications] == [process.phases.get(position=1).title, review.title]
    assert all(n.url == f"/participer/{process.slug}/" and n.process == process for n in notifications)
    assert _notified(bystander) == [] and _notified(process.created_by) == []
    text = notification_text(notifications[-1])
    assert "Boîte à idées du quartier" in text.title and review.title in text.title
    # Each went out by e-mail once (immediate is the default), in the city's name.
    assert [m.to for m in mail.outbox] == [[follower.email], [follower.email]]
    assert all(m.subject.startswith(f"[{city_a.name}] ") for m in mail.outbox)
    assert all(n.emailed_at is not None for n in Notification.objects.filter(recipient=follower))


def test_a_status_change_tells_followers_and_the_author_but_not_the_actor(in_a, django_capture_on_commit_callbacks):
    author, follower, blocked = account(), account(), account()
    staff = account("agent")
    with django_capture_on_commit_callbacks(execute=True):
        item = contribution(process_in_phase("ideas", "submission"), author=author, title="Des bancs au parc")
    for user in (follower, blocked, staff, author):  # the author follows already: the replay is harmless
        services.follow_start(user=user, contribution=item)
    User.objects.filter(pk=blocked.pk).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        participation.contribution_status_change(contribution=item, status=_status(), actor=staff,
                                                 message="Étude lancée en juin.")

    assert len(_notified(author)) == 1 and len(_notified(follower)) == 1  # the author is not told twice
    assert _notified(staff) == [] and _notified(blocked) == []
    notification = _notified(follower)[0]
    assert notification.kind == Event.STATUS_CHANGED and notification.url == f"/contributions/{item.pk}/"
    with translation.override("fr"):
        text = notification_text(notification)
    assert "Des bancs au parc" in text.title and _status().label_fr in text.title
    assert text.body == "Étude lancée en juin."
    assert sorted(m.to[0] for m in mail.outbox) == sorted([author.email, follower.email])
    assert "Étude lancée en juin." in mail.outbox[0].body


def test_the_status_is_shown_in_the_readers_language(in_a):
    notification = Notification(kind=Event.STATUS_CHANGED,
                                data={"title": "T", "status_fr": "Recevable", "status_en": "Admissible"})
    with translation.override("en"):
        assert "Admissible" in notification_text(notification).title
    with translation.override("fr"):
        assert "Recevable" in notification_text(notification).title


def test_an_official_answer_tells_the_author(in_a, django_capture_on_commit_callbacks):
    author = account()
    item = contribution(process_in_phase("ideas", "submission"), author=author, title="Plus de pistes cyclables")
    staff = account("agent")
    with django_capture_on_commit_callbacks(execute=True):
        participation.official_answer_publish(contribution=item, body="<p>Nous allons étudier.</p>", actor=staff)
    [notification] = _notified(author)
    assert notification.kind == Event.ANSWER_PUBLISHED
    assert "Plus de pistes cyclables" in notification_text(notification).title


def test_moderation_events_go_to_the_named_recipients_only(in_a, django_capture_on_commit_callbacks):
    author, follower = account(), account()
    moderator = account("moderator")
    item = contribution(process_in_phase("ideas", "submission"), author=author)
    services.follow_start(user=follower, contribution=item)
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(Happening(Event.CONTENT_HIDDEN, process_id=item.process_id, contribution_id=item.pk,
                                actor_id=moderator.pk, recipient_ids=(author.pk, moderator.pk),
                                data={"reason": "Propos injurieux"}))
    [notification] = _notified(author)
    assert "Propos injurieux" in notification_text(notification).body
    assert _notified(follower) == [] and _notified(moderator) == []


def test_a_comment_tells_the_followers_and_the_person_answered_once(in_a, django_capture_on_commit_callbacks):
    author, follower, answered = account(), account(), account()
    commenter = account()
    with django_capture_on_commit_callbacks(execute=True):
        item = contribution(process_in_phase("ideas", "submission"), author=author, title="Une fontaine")
    services.follow_start(user=follower, contribution=item)
    services.follow_start(user=commenter, contribution=item)
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(Happening(Event.COMMENT_POSTED, process_id=item.process_id, contribution_id=item.pk,
                                actor_id=commenter.pk, recipient_ids=(answered.pk, follower.pk),
                                data={"title": item.title}))
    assert [len(_notified(u)) for u in (author, follower, answered, commenter)] == [1, 1, 1, 0]
    assert "Une fontaine" in notification_text(_notified(answered)[0]).title
    assert len(mail.outbox) == 3


def test_a_hidden_contribution_tells_its_followers_nothing(in_a, django_capture_on_commit_callbacks):
    item = contribution(process_in_phase("ideas", "submission"))
    follower = account()
    services.follow_start(user=follower, contribution=item)
    type(item).objects.filter(pk=item.pk).update(is_hidden=True)
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(Happening(Event.COMMENT_POSTED, process_id=item.process_id, contribution_id=item.pk,
                                actor_id=account().pk))
    assert _notified(follower) == []


def test_the_immediate_email_goes_out_once_with_one_click_unsubscribe(in_a, city_a,
                                                                      django_capture_on_commit_callbacks):
    author = account()
    with django_capture_on_commit_callbacks(execute=True):
        item = contribution(process_in_phase("ideas", "submission"), author=author, title="Un jardin partagé")
    with django_capture_on_commit_callbacks(execute=True):
        participation.contribution_status_change(contribution=item, status=_status(), actor=account("agent"))
    [notification] = _notified(author)
    assert tasks.notification_email_send.delay(notification.pk).get() is False  # a replay sends nothing
    assert services.notification_email_send(notification_id=notification.pk) is False

    [message] = mail.outbox
    base_url = city_a.base_url
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{base_url}/notifications/desabonnement/") and unsubscribe.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"{base_url}/contributions/{item.pk}/" in message.body
    assert f"{base_url}/notifications/preferences/" in message.body
    html = message.alternatives[0][0]
    assert "Un jardin partagé" in html and unsubscribe[1:-1] in html


def test_readers_who_chose_never_or_daily_get_no_immediate_email(in_a, django_capture_on_commit_callbacks):
    process = process_in_phase("ideas", "submission")
    never, daily = account(), account()
    for user, frequency in ((never, "never"), (daily, "daily")):
        services.follow_start(user=user, process=process)
        services.notification_settings_update(user=user, email_frequency=frequency)
    with django_capture_on_commit_callbacks(execute=True):
        participation.process_transitions_run()
    assert len(_notified(never)) == 1 and len(_notified(daily)) == 1
    assert mail.outbox == []


def test_the_daily_digest_groups_and_never_sends_twice(in_a, city_a, django_capture_on_commit_callbacks):
    reader, quiet = account(), account()
    services.notification_settings_update(user=reader, email_frequency="daily")
    services.notification_settings_update(user=quiet, email_frequency="never")
    first = process_in_phase("ideas", "submission", title="Premier processus")
    second = process_in_phase("budget", "submission", title="Second processus")
    for user in (reader, quiet):
        services.follow_start(user=user, process=first)
        services.follow_start(user=user, process=second)
    with django_capture_on_commit_callbacks(execute=True):
        participation.process_transitions_run()
    assert mail.outbox == []

    assert tasks.notifications_digest_send.delay().get() == 1
    [digest] = mail.outbox
    assert digest.to == [reader.email] and digest.subject.startswith(f"[{city_a.name}] ")
    assert "Premier processus" in digest.body and "Second processus" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(recipient=reader, emailed_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=quiet, emailed_at__isnull=True).count() == 2

    assert services.notifications_digest_send() == 0
    assert len(mail.outbox) == 1


def test_the_digest_skips_notifications_older_than_its_window(in_a):
    reader = account()
    services.notification_settings_update(user=reader, email_frequency="daily")
    old = Notification.objects.create(recipient=reader, kind=Event.PHASE_STARTED, data={"phase": "P", "process": "X"})
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - services.DIGEST_WINDOW
                                                  - dt.timedelta(hours=1))
    assert services.notifications_digest_send() == 0
    assert mail.outbox == []


def test_notifications_mark_read(in_a):
    reader, other = account(), account()
    mine = [Notification.objects.create(recipient=reader, kind=Event.PHASE_STARTED) for _ in range(3)]
    theirs = Notification.objects.create(recipient=other, kind=Event.PHASE_STARTED)
    assert services.notifications_mark_read(user=reader, ids=[mine[0].pk, theirs.pk]) == 1
    assert selectors.unread_count(reader) == 2 and selectors.unread_count(other) == 1
    assert services.notifications_mark_read(user=reader) == 2
    assert selectors.unread_count(reader) == 0 and selectors.unread_count(other) == 1


def test_settings_refuse_an_unknown_frequency(in_a):
    user = account()
    with pytest.raises(Invalid):
        services.notification_settings_update(user=user, email_frequency="weekly")
    assert not NotificationSettings.objects.filter(user=user).exists()
    assert selectors.email_frequency_get(user=user) == "immediate"


def test_an_unsubscribe_token_works_in_its_city_only(city_a, city_b, in_city):
    with in_city(city_a):
        user = account(email="lea@exemple.fr")
        token = services.unsubscribe_token_make(user)
    with in_city(city_b):
        # Same id, same address in the other city: the token still means nothing there.
        twin = User.objects.create_user(pk=user.pk, email=user.email)
        with pytest.raises(Invalid):
            services.unsubscribe_by_token(token)
        assert selectors.email_frequency_get(user=twin) == "immediate"
    with in_city(city_a):
        with pytest.raises(Invalid):
            services.unsubscribe_by_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
        with pytest.raises(Invalid):
            services.unsubscribe_by_token("n'importe-quoi")
        assert selectors.email_frequency_get(user=user) == "immediate"
        assert services.unsubscribe_by_token(token) == user
        assert services.unsubscribe_by_token(token) == user  # a second click changes nothing
        assert selectors.email_frequency_get(user=user) == "never"


def test_the_email_tasks_refuse_the_public_schema(db):
    from shared_apps.core.tasks import TenantRequired

    with pytest.raises(TenantRequired):
        tasks.notifications_digest_send.delay()
