"""The city API as a program uses it: public reads, filtered pages, writes under the site's rules."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conftest import HostClient
from tenant_apps.api.serializers import HIDDEN_TITLE
from tenant_apps.discussion.models import Comment
from tenant_apps.discussion.services import comment_delete, comment_post
from tenant_apps.moderation.services import content_hide
from tenant_apps.participation.models import Contribution, Status
from tenant_apps.participation.services import (
    contribution_status_change,
    district_create,
    official_answer_publish,
    process_archive,
    theme_create,
)
from tenant_apps.participation.state import process_state
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase
from tenant_apps.votes.models import Vote
from tenant_apps.votes.tests.helpers import contribution_submitted, counts, interpellation_open, voting_on

pytestmark = pytest.mark.django_db


def _json(client, url, *, method="post", payload=None, raw=None, content_type="application/json", **extra):
    body = raw if raw is not None else json.dumps(payload if payload is not None else {})
    return getattr(client, method)(url, data=body, content_type=content_type, **extra)


def _contributions_url(process):
    return reverse("api:process_contributions", kwargs={"slug": process.slug})


def city_a_locale(city) -> str:
    return city.locale or "fr"


# --- Reads ----------------------------------------------------------------------------------------

def test_anyone_reads_the_published_processes_with_their_phases_and_what_is_open(in_a, client_a):
    ideas = process_in_phase("ideas", "submission", title="Boîte à idées 2026")
    process_in_phase("budget", "submission", title="Budget participatif 2026")
    process_in_phase("ideas", "submission", title="Brouillon secret", publish=False)

    response = client_a.get(reverse("api:processes"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["count"] == 2
    assert {p["title"] for p in data["results"]} == {"Boîte à idées 2026", "Budget participatif 2026"}
    row = next(p for p in data["results"] if p["slug"] == ideas.slug)
    state = process_state(ideas)
    assert row["state"]["active_phases"] == state.active_ids
    assert row["state"]["current_phase"] == state.current.pk
    assert {"submit", "comment", "vote"} <= set(row["state"]["open_capabilities"])
    assert [p["type_key"] for p in row["phases"]] == [p.type_key for p in ideas.phases.order_by("position")]
    assert row["contributions"].endswith(_contributions_url(ideas))

    detail = client_a.get(reverse("api:process_detail", kwargs={"slug": ideas.slug})).json()
    assert detail["title"] == "Boîte à idées 2026"
    assert "description" in detail and detail["state"]["is_published"] is True


def test_processes_are_filtered_by_kind_and_visibility(in_a, client_a):
    ideas = process_in_phase("ideas", "submission", title="Idées")
    budget = process_in_phase("budget", "submission", title="Budget")
    old = process_in_phase("ideas", "submission", title="Idées 2024")
    process_archive(process=old, actor=account("city_admin"))
    url = reverse("api:processes")

    assert [p["title"] for p in client_a.get(url, {"kind": "budget"}).json()["results"]] == ["Budget"]
    assert [p["title"] for p in client_a.get(url, {"visibility": "archived"}).json()["results"]] == ["Idées 2024"]
    published = client_a.get(url, {"visibility": "published"}).json()["results"]
    assert {p["slug"] for p in published} == {budget.slug, ideas.slug}

    wrong = client_a.get(url, {"visibility": "draft"})
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid" and "visibility" in wrong.json()["errors"]


def test_drafts_and_their_contributions_are_invisible(in_a, client_a):
    draft = process_in_phase("ideas", "submission", title="Brouillon", publish=False)
    assert client_a.get(reverse("api:process_detail", kwargs={"slug": draft.slug})).status_code == 404
    assert client_a.get(_contributions_url(draft)).status_code == 404
    assert client_a.get(reverse("api:process_statuses", kwargs={"slug": draft.slug})).status_code == 404
    missing = client_a.get(reverse("api:contribution_detail", kwargs={"pk": 987654}))
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_statuses_of_a_process_are_its_public_ones(in_a, client_a):
    process = process_in_phase("call_for_projects", "submission")
    keys = [s["key"] for s in client_a.get(reverse("api:process_statuses", kwargs={"slug": process.slug})).json()]
    assert keys == ["granted"]  # the others of this kind are internal
    client_a.force_login(account("agent"))
    keys = [s["key"] for s in client_a.get(reverse("api:process_statuses", kwargs={"slug": process.slug})).json()]
    assert "refused" in keys and "draft" in keys


def test_contributions_are_paginated_filtered_and_sorted(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    north = district_create(name="Nord")
    sport = theme_create(label_fr="Sport")
    first = contribution(process, title="Un terrain de basket", district=north, themes=[sport])
    second = contribution(process, title="Des bancs au parc")
    third = contribution(process, title="Une piste cyclable")
    voter = account()
    from tenant_apps.votes.services import vote_cast

    vote_cast(contribution=Contribution.objects.select_related("process").get(pk=second.pk), voter=voter, value=1)
    contribution_status_change(contribution=third, status=Status.objects.get(process_kind="ideas", key="accepted"),
                               actor=account("agent"))
    url = _contributions_url(process)

    page_one = client_a.get(url, {"page_size": 2}).json()
    assert page_one["count"] == 3 and len(page_one["results"]) == 2 and page_one["next"]
    assert [c["id"] for c in page_one["results"]] == [third.pk, second.pk]  # newest first
    page_two = client_a.get(page_one["next"]).json()
    assert [c["id"] for c in page_two["results"]] == [first.pk]

    def ids(**params):
        response = client_a.get(url, params)
        assert response.status_code == 200, response.json()
        return [c["id"] for c in response.json()["results"]]

    assert ids(district="nord") == [first.pk]
    assert ids(theme=sport.slug) == [first.pk]
    assert ids(status="accepted") == [third.pk]
    assert ids(q="basket") == [first.pk]
    assert ids(sort="supported")[0] == second.pk

    row = next(c for c in client_a.get(url).json()["results"] if c["id"] == first.pk)
    assert row["title"] == "Un terrain de basket" and row["district"] == {"slug": "nord", "name": "Nord"}
    assert row["themes"] == [{"slug": sport.slug, "label": "Sport"}]
    assert row["url"].endswith(f"/contributions/{first.pk}/")

    wrong = client_a.get(url, {"sort": "loudest"})
    assert wrong.status_code == 400 and "sort" in wrong.json()["errors"]
    assert client_a.get(url, {"page": 9}).status_code == 404


def test_a_contribution_shows_its_counts_status_and_official_answer(in_a, client_a):
    item = voting_on("ideas", "submission", title="Jardins partagés")
    for value in (1, 1, -1):
        from tenant_apps.votes.services import vote_cast

        vote_cast(contribution=item, voter=account(), value=value)
    agent = account("agent")
    contribution_status_change(contribution=item, status=Status.objects.get(process_kind="ideas", key="accepted"),
                               actor=agent, message="Retenue au budget.")
    official_answer_publish(contribution=item, body="<p>Nous allons le faire.</p>", actor=agent)

    data = client_a.get(reverse("api:contribution_detail", kwargs={"pk": item.pk})).json()

    assert data["title"] == "Jardins partagés"
    assert data["votes"] == {"results_visible": True, "counts": {"support": 0, "for": 2, "against": 1, "neutral": 0}}
    assert data["status"]["key"] == "accepted"
    assert data["status_history"][-1]["message"] == "Retenue au budget."
    assert "Nous allons le faire." in data["official_answer"]["body"]
    assert data["voting"]["mode"] == "for_against" and data["voting"]["choices"] == ["for", "against"]
    assert data["voting"]["can_vote"]["code"] == "login_required"
    assert data["can_comment"]["allowed"] is False
    assert "@" not in json.dumps(data)  # no e-mail address, whatever the author's profile


def test_counts_stay_hidden_while_the_open_vote_asks_for_it(in_a, client_a):
    item = voting_on("interpellation", "vote", config={"show_results": False},
                      capabilities=["support", "comment"], opened=True)
    data = client_a.get(reverse("api:contribution_detail", kwargs={"pk": item.pk})).json()
    assert data["votes"] == {"results_visible": False, "counts": None}
    listed = client_a.get(_contributions_url(item.process)).json()["results"]
    assert listed[0]["votes"]["counts"] is None


def test_hidden_contributions_stay_listed_without_their_content(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    item = contribution(process, title="Propos déplacés", body="Un texte injurieux.")
    content_hide(target=item, moderator=account("moderator"), reason="Propos injurieux")

    row = client_a.get(_contributions_url(process)).json()["results"][0]
    assert row["is_hidden"] is True
    with translation.override(city_a_locale(in_a)):
        assert row["title"] == str(HIDDEN_TITLE)
    assert row["body"] is None and row["author"] is None and row["hidden_reason"] == "Propos injurieux"
    detail = client_a.get(reverse("api:contribution_detail", kwargs={"pk": item.pk})).json()
    assert "Propos déplacés" not in json.dumps(detail) and "injurieux." not in json.dumps(detail)

    client_a.force_login(account("moderator"))
    assert client_a.get(reverse("api:contribution_detail", kwargs={"pk": item.pk})).json()["title"] == "Propos déplacés"


def test_comments_are_listed_in_thread_order(in_a, client_a):
    item = contribution(process_in_phase("ideas", "submission"))
    alice = account(full_name="Alice Martin")
    first = comment_post(contribution=item, author=alice, body="Bonne idée")
    comment_post(contribution=item, author=account(), body="Je réponds", parent=first)
    gone = comment_post(contribution=item, author=alice, body="Oups")
    comment_delete(comment=gone, actor=alice)

    data = client_a.get(reverse("api:contribution_comments", kwargs={"pk": item.pk})).json()

    assert data["count"] == 3
    assert [c["body"] for c in data["results"]] == ["Bonne idée", "Je réponds", None]
    assert data["results"][0]["author"] == "Alice Martin"
    assert data["results"][1]["parent"] == first.pk
    assert data["results"][2]["is_deleted"] is True and data["results"][2]["author"] is None


# --- Writes ---------------------------------------------------------------------------------------

def test_submitting_needs_a_sign_in_and_goes_through_the_site_rules(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    district_create(name="Centre")
    url = _contributions_url(process)
    payload = {"title": "Un abri à vélos", "body": "Devant la médiathèque.", "district": "centre",
               "latitude": 45.7612345678, "longitude": 4.8312345678}

    anonymous = _json(client_a, url, payload=payload)
    assert anonymous.status_code == 403
    assert anonymous.json()["code"] == "login_required" and anonymous.json()["detail"]
    assert not Contribution.objects.filter(process=process).exists()

    author = account()
    client_a.force_login(author)
    created = _json(client_a, url, payload=payload)

    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["title"] == "Un abri à vélos" and data["district"]["slug"] == "centre"
    assert created["Location"] == reverse("api:contribution_detail", kwargs={"pk": data["id"]})
    stored = Contribution.objects.get(pk=data["id"])
    assert stored.author == author and stored.process == process
    assert str(stored.latitude) == "45.761235"


@pytest.mark.parametrize("payload, field", [
    ({"title": "Sans texte", "body": "   "}, None),  # the service's rule: body_required
    ({"title": "x" * 201, "body": "Texte"}, "title"),
    ({"body": "Sans titre"}, "title"),
    ({"title": "Quartier", "body": "Texte", "district": "atlantide"}, None),
    ({"title": "Thème", "body": "Texte", "themes": ["inconnu"]}, None),
    ({"title": "Lieu", "body": "Texte", "latitude": 120, "longitude": 4}, "latitude"),
    ({"title": "Lieu", "body": "Texte", "latitude": 45}, None),  # location_incomplete
    ({"title": "Anonyme", "body": "Texte", "is_anonymous": "peut-être"}, "is_anonymous"),
])
def test_invalid_contributions_are_refused_with_a_reason(in_a, client_a, payload, field):
    process = process_in_phase("ideas", "submission")
    client_a.force_login(account())
    response = _json(client_a, _contributions_url(process), payload=payload)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] and body["detail"]
    if field:
        assert field in body["errors"]
    assert not Contribution.objects.filter(process=process).exists()


def test_bad_json_and_other_media_types_are_400_and_415_never_500(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    item = contribution(process)
    client_a.force_login(account())
    url = _contributions_url(process)

    broken = _json(client_a, url, raw='{"title": "ouvert"')
    assert broken.status_code == 400 and broken.json()["code"] == "parse_error"
    listed = _json(client_a, url, raw='["a", "list"]')
    assert listed.status_code == 400 and listed.json()["code"] == "invalid"
    form = client_a.post(url, {"title": "Formulaire", "body": "Texte"})
    assert form.status_code == 415 and form.json()["code"] == "unsupported_media_type"
    vote = _json(client_a, reverse("api:contribution_vote", kwargs={"pk": item.pk}), raw="null")
    assert vote.status_code == 400
    assert not Contribution.objects.filter(process=process).exclude(pk=item.pk).exists()


def test_a_closed_phase_refuses_with_its_reason_and_writes_nothing(in_a, client_a, frozen):
    process = process_in_phase("ideas", "submission")
    item = contribution(process)
    submission = process.phases.get(type_key="submission")
    citizen = account()

    with frozen(submission.ends_at + dt.timedelta(days=1)):  # the review phase: nothing open to citizens
        client_a.force_login(citizen)
        submit = _json(client_a, _contributions_url(process), payload={"title": "Trop tard", "body": "Texte"})
        comment = _json(client_a, reverse("api:contribution_comments", kwargs={"pk": item.pk}),
                        payload={"body": "Trop tard"})
        vote = _json(client_a, reverse("api:contribution_vote", kwargs={"pk": item.pk}), payload={"value": "for"})

    for response in (submit, comment, vote):
        assert response.status_code == 403
        assert response.json()["code"] == "phase_not_open"
        assert response.json()["detail"]
    assert Contribution.objects.filter(process=process).count() == 1
    assert not Comment.objects.filter(contribution=item).exists()
    assert counts(item) == (0, 0, 0, 0)


def test_commenting_and_replying(in_a, client_a):
    item = contribution(process_in_phase("ideas", "submission"))
    other = contribution(process_in_phase("ideas", "submission"))
    elsewhere = comment_post(contribution=other, author=account(), body="Ailleurs")
    url = reverse("api:contribution_comments", kwargs={"pk": item.pk})

    assert _json(client_a, url, payload={"body": "Anonyme"}).status_code == 403
    client_a.force_login(account(full_name="Bruno Petit"))
    first = _json(client_a, url, payload={"body": "Je soutiens"})
    assert first.status_code == 201 and first.json()["author"] == "Bruno Petit"
    reply = _json(client_a, url, payload={"body": "Précision", "parent": first.json()["id"]})
    assert reply.status_code == 201 and reply.json()["parent"] == first.json()["id"]

    wrong_parent = _json(client_a, url, payload={"body": "Perdu", "parent": elsewhere.pk})
    assert wrong_parent.status_code == 400 and wrong_parent.json()["code"] == "parent_unknown"
    empty = _json(client_a, url, payload={"body": "  "})
    assert empty.status_code == 400 and empty.json()["code"] == "comment_required"
    assert Comment.objects.filter(contribution=item).count() == 2
    item.refresh_from_db()
    assert item.comment_count == 2


def test_voting_replaying_and_withdrawing(in_a, client_a):
    item = voting_on("ideas", "submission")
    url = reverse("api:contribution_vote", kwargs={"pk": item.pk})
    voter = account()

    assert _json(client_a, url, payload={"value": "for"}).status_code == 403
    assert client_a.delete(url).status_code == 403
    client_a.force_login(voter)

    cast = _json(client_a, url, payload={"value": "for"})
    assert cast.status_code == 200
    assert cast.json()["votes"]["counts"]["for"] == 1 and cast.json()["voting"]["my_vote"] == "for"
    replay = _json(client_a, url, payload={"value": "for"})
    assert replay.status_code == 200 and replay.json()["votes"]["counts"]["for"] == 1
    assert Vote.objects.filter(contribution=item).count() == 1

    changed = _json(client_a, url, payload={"value": "against"})
    assert changed.json()["votes"]["counts"] == {"support": 0, "for": 0, "against": 1, "neutral": 0}

    neutral = _json(client_a, url, payload={"value": "neutral"})
    assert neutral.status_code == 400 and neutral.json()["code"] == "neutral_not_allowed"
    invalid = _json(client_a, url, payload={"value": "maybe"})
    assert invalid.status_code == 400 and "value" in invalid.json()["errors"]
    assert counts(item) == (0, 0, 1, 0)

    withdrawn = client_a.delete(url)
    assert withdrawn.status_code == 200 and withdrawn.json()["voting"]["my_vote"] is None
    assert client_a.delete(url).status_code == 200  # withdrawing twice changes nothing
    assert counts(item) == (0, 0, 0, 0)
    assert client_a.get(url).status_code == 405


def test_supports_follow_the_phase_limit(in_a, client_a):
    first = voting_on("interpellation", "vote", config={"max_supports_per_person": 1},
                      capabilities=["support", "comment"], opened=True)
    second = Contribution.objects.select_related("process").get(
        pk=interpellation_open(contribution_submitted(first.process)).pk)
    client_a.force_login(account())

    supported = _json(client_a, reverse("api:contribution_vote", kwargs={"pk": first.pk}), payload={"value": "support"})
    assert supported.status_code == 200 and supported.json()["voting"]["my_vote"] == "support"
    against = _json(client_a, reverse("api:contribution_vote", kwargs={"pk": first.pk}), payload={"value": "against"})
    assert against.status_code == 400  # only supports in a support phase
    over = _json(client_a, reverse("api:contribution_vote", kwargs={"pk": second.pk}), payload={"value": "support"})
    assert over.status_code == 403 and over.json()["code"] == "support_limit_reached"
    assert counts(first) == (1, 0, 0, 0) and counts(second) == (0, 0, 0, 0)


def test_session_writes_need_the_csrf_token(in_a, city_a):
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    process = process_in_phase("ideas", "submission")
    client = HostClient(city_a.host, enforce_csrf_checks=True)
    client.force_login(account())
    url = _contributions_url(process)
    payload = {"title": "Avec jeton", "body": "Texte"}

    refused = _json(client, url, payload=payload)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not Contribution.objects.filter(process=process).exists()

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    accepted = _json(client, url, payload=payload, HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret))
    assert accepted.status_code == 201
    assert client.get(url).status_code == 200  # reads need no token


# --- Query counts ---------------------------------------------------------------------------------

def test_list_endpoints_use_a_bounded_number_of_queries(in_a, client_a):
    theme = theme_create(label_fr="Sport")
    process = process_in_phase("ideas", "submission")
    item = contribution(process)
    client_a.force_login(account())
    urls = [reverse("api:processes"), _contributions_url(process),
            reverse("api:contribution_comments", kwargs={"pk": item.pk})]
    queries_by_url: dict[str, list[int]] = {}
    for rows in (2, 20):
        while Contribution.objects.filter(process=process).count() < rows:
            contribution(process, themes=[theme])
        while Comment.objects.filter(contribution=item).count() < rows:
            comment_post(contribution=item, author=account(), body="Un avis")
        while len(client_a.get(reverse("api:processes"), {"page_size": 100}).json()["results"]) < rows:
            process_in_phase("budget", "submission")
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client_a.get(url, {"page_size": 50})
            assert response.status_code == 200
            assert len(response.json()["results"]) >= rows
            queries_by_url.setdefault(url, []).append(len(queries))
    assert all(small == large for small, large in queries_by_url.values()), queries_by_url
    assert max(max(c) for c in queries_by_url.values()) <= 20, queries_by_url
