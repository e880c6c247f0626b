"""Deleting one's account: what was written stays without a name, votes stay counted, nothing counted changes."""

import json
from dataclasses import dataclass, field

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import translation

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from tenant_apps.discussion.models import Argument, Comment
from tenant_apps.discussion.services import argument_post, comment_post
from tenant_apps.identity.forms_privacy import confirmation_phrase
from tenant_apps.identity.models import Assurance
from tenant_apps.identity.privacy import account_erase
from tenant_apps.moderation.models import Flag
from tenant_apps.moderation.services import flag_create
from tenant_apps.notifications.models import Follow
from tenant_apps.notifications.services import follow_start
from tenant_apps.participation.models import Contribution
from tenant_apps.participation.tests.factories import account, city_admin, contribution, process_in_phase
from tenant_apps.statistics.models import CitizenProfile
from tenant_apps.statistics.services import profile_update
from tenant_apps.votes.models import Vote
from tenant_apps.votes.services import vote_cast

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"  # the factories' password
COUNTERS = ("support_count", "for_count", "against_count", "neutral_count", "comment_count")


@dataclass
class Scene:
    person: User
    others: list
    own: list  # the person's contributions
    theirs: list  # other people's contributions the person voted, commented and argued on
    processes: list = field(default_factory=list)

    @property
    def contributions(self):
        return self.own + self.theirs


def busy_scene() -> Scene:
    """A person active in an idea box (for/against votes) and a budget (supports), among other people."""
    person = account(full_name="Camille Effacée")
    others = [account() for _n in range(3)]
    ideas = process_in_phase("ideas", "submission")
    budget = process_in_phase("budget", "submission")
    own = [contribution(ideas, author=person, title="Idée de Camille"),
           contribution(budget, author=person, title="Projet de Camille")]
    theirs = [contribution(ideas, author=others[0], title="Idée d'une autre personne"),
              contribution(budget, author=others[1], title="Projet d'une autre personne")]
    own[0].coauthors.add(others[2])
    theirs[0].coauthors.add(person)
    for target in (*own, *theirs):
        value = 1 if target.process_id == budget.pk else (-1 if target in theirs else 1)
        vote_cast(contribution=target, voter=person, value=value)
        for n, other in enumerate(others):
            vote_cast(contribution=target, voter=other, value=1 if target.process_id == budget.pk
                      else (1, -1, 1)[n])
        comment = comment_post(contribution=target, author=person, body=f"Commentaire de Camille sur {target.pk}")
        comment_post(contribution=target, author=others[0], body="Une réponse d'une autre personne", parent=comment)
    argument_post(contribution=theirs[0], author=person, side="against", body="Argument de Camille contre")
    argument_post(contribution=own[0], author=others[1], side="for", body="Argument d'une autre personne")
    flag_create(target=theirs[0], reporter=person, reason="off_topic")
    follow_start(user=person, process=ideas)
    profile_update(user=person, age_range="30_44", gender="woman", consent=True)
    Assurance.objects.create(user=person, phone="06 01 02 03 04", given_name="Camille")
    return Scene(person=person, others=others, own=own, theirs=theirs, processes=[ideas, budget])


def totals(contributions) -> dict:
    """What was counted, per contribution: counters and the votes rows by value."""
    result = {}
    for item in Contribution.objects.filter(pk__in=[c.pk for c in contributions]):
        votes = Vote.objects.filter(contribution=item)
        result[item.pk] = {
            **{name: getattr(item, name) for name in COUNTERS},
            "votes": votes.count(), "for": votes.filter(value=1).count(), "against": votes.filter(value=-1).count(),
            "supports": votes.filter(mode="support").count(),
            "comments": Comment.objects.filter(contribution=item).count(),
            "arguments": Argument.objects.filter(contribution=item).count(),
        }
    return result


def test_erasure_keeps_every_total_and_unlinks_the_person(in_a):
    scene = busy_scene()
    before = totals(scene.contributions)
    assert before[scene.own[1].pk]["support_count"] == 4 and before[scene.theirs[0].pk]["against_count"] == 2
    person_id = scene.person.pk

    account_erase(user=scene.person, actor=scene.person)

    assert totals(scene.contributions) == before
    assert not User.objects.filter(pk=person_id).exists()
    assert not Vote.objects.filter(voter_id=person_id).exists()
    assert Vote.objects.filter(voter__isnull=True).count() == 4  # one per contribution, still counted
    for own in Contribution.objects.filter(pk__in=[c.pk for c in scene.own]):
        assert (own.author_id, own.is_anonymous) == (None, True)
    assert list(Contribution.objects.get(pk=scene.theirs[0].pk).coauthors.all()) == []
    # Other people credited on the person's contribution keep their own credit.
    assert list(Contribution.objects.get(pk=scene.own[0].pk).coauthors.all()) == [scene.others[2]]
    assert Comment.objects.filter(author__isnull=True, body__startswith="Commentaire de Camille").count() == 4
    assert Argument.objects.filter(author__isnull=True, body="Argument de Camille contre").exists()
    assert Flag.objects.filter(reporter__isnull=True).count() == 1
    for model, lookup in ((EmailAddress, "user_id"), (Follow, "user_id"), (CitizenProfile, "user_id"),
                          (Assurance, "user_id")):
        assert not model.objects.filter(**{lookup: person_id}).exists()
    # Other people keep everything.
    assert all(User.objects.filter(pk=other.pk).exists() for other in scene.others)
    assert Comment.objects.filter(author=scene.others[0]).count() == 4


def test_deleting_from_the_account_page_signs_out_everywhere_and_leaves_no_name(in_a, client_a, city_a):
    from conftest import HostClient

    scene = busy_scene()
    person = scene.person
    before = totals(scene.contributions)
    other_device = HostClient(city_a.host)
    assert other_device.login(email=person.email, password=PASSWORD)
    client_a.force_login(person)
    assert Session.objects.count() >= 2
    assert "Camille Effacée" in client_a.get(scene.own[0].get_absolute_url()).content.decode()
    url = reverse("identity:account_delete")
    page = client_a.get(url).content.decode()
    assert "Your password" in page or "Votre mot de passe" in page

    response = client_a.post(url, {"password": "pas le bon"})
    assert response.status_code == 400
    assert User.objects.filter(pk=person.pk).exists()

    response = client_a.post(url, {"password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("identity:account_deleted")
    assert client_a.get(response.url).status_code == 200
    assert totals(scene.contributions) == before

    # Signed out here and on the other device; cannot sign in again.
    assert not client_a.get(reverse("my_account")).wsgi_request.user.is_authenticated
    assert not other_device.get(reverse("my_account")).wsgi_request.user.is_authenticated
    assert not HostClient(city_a.host).login(email=person.email, password=PASSWORD)

    # Still listed and shown, without the name.
    own = scene.own[0]
    listing = client_a.get(reverse("participation:contribution_list", args=[own.process.slug])).content.decode()
    assert "Idée de Camille" in listing and "Camille Effacée" not in listing
    detail = client_a.get(own.get_absolute_url()).content.decode()
    assert "Idée de Camille" in detail and "Camille Effacée" not in detail
    assert f"Commentaire de Camille sur {own.pk}" in detail

    # The audit log says an account was erased, by its id only, and keeps no trace of the e-mail address.
    entry = AuditEntry.objects.get(action="privacy.erase")
    assert entry.data["account"] == person.pk
    dump = json.dumps([[e.actor_label, e.data] for e in AuditEntry.objects.all()], ensure_ascii=False)
    assert person.email not in dump and "Camille Effacée" not in dump


def test_an_account_without_password_confirms_with_a_sentence(in_a, client_a):
    person = account()
    person.set_unusable_password()
    person.save()
    client_a.force_login(person)
    url = reverse("identity:account_delete")
    page = client_a.get(url)
    with translation.override(page.wsgi_request.LANGUAGE_CODE):
        phrase = confirmation_phrase()
    assert phrase in page.content.decode() and 'name="password"' not in page.content.decode()
    assert client_a.post(url, {"phrase": "oui"}).status_code == 400
    assert User.objects.filter(pk=person.pk).exists()
    response = client_a.post(url, {"phrase": f"  {phrase.upper()} "})
    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()


def test_the_last_administrator_cannot_delete_their_account(in_a, client_a):
    admin = city_admin()
    User.objects.filter(role="city_admin").exclude(pk=admin.pk).update(is_active=False)
    client_a.force_login(admin)
    response = client_a.post(reverse("identity:account_delete"), {"password": PASSWORD})
    assert response.status_code == 400
    assert "last administrator" in response.content.decode() or "dernier administrateur" in response.content.decode()
    assert User.objects.filter(pk=admin.pk, is_active=True).exists()
    assert not AuditEntry.objects.filter(action="privacy.erase").exists()

    other = account("city_admin")
    account_erase(user=admin, actor=admin)
    assert not User.objects.filter(pk=admin.pk).exists() and User.objects.filter(pk=other.pk).exists()


def test_nobody_else_erases_an_account_and_anonymous_people_are_sent_to_sign_in(in_a, client_a):
    from shared_apps.core.errors import NotAllowed

    person, stranger = account(), account()
    with pytest.raises(NotAllowed):
        account_erase(user=person, actor=stranger)
    assert User.objects.filter(pk=person.pk).exists()
    response = client_a.post(reverse("identity:account_delete"), {"password": PASSWORD})
    assert response.status_code == 302 and reverse("account_login") in response.url
