import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tenant_apps.participation.models import Contribution
from tenant_apps.participation.state import process_state
from tenant_apps.participation.tests.factories import account, process_in_phase
from tenant_apps.votes.models import Vote
from tenant_apps.votes.selectors import contribution_panel, votes_of_user
from tenant_apps.votes.services import vote_cast
from tenant_apps.votes.tests.helpers import contribution_submitted, counts, voting_on


@pytest.fixture
def client_en(client_a):
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client_a


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def _cast_url(contribution):
    return reverse("votes:cast", kwargs={"pk": contribution.pk})


def _withdraw_url(contribution):
    return reverse("votes:withdraw", kwargs={"pk": contribution.pk})


def _panel(contribution, user, state=None):
    state = state or process_state(contribution.process)
    panel = contribution_panel(contribution=contribution, user=user, state=state)
    return panel, render_to_string("votes/_contribution_panel.html", {"panel": panel, "contribution": contribution})


# --- Casting and withdrawing through the forms --------------------------------------------------------

def test_a_vote_is_recorded_and_the_page_says_so(in_a, client_en):
    contribution = voting_on("ideas", "submission")
    client_en.force_login(account())
    response = client_en.post(_cast_url(contribution), {"value": "against"})
    assert response.status_code == 302
    assert response["Location"] == f"/contributions/{contribution.pk}/"
    assert _messages(response) == [("success", "Your vote is recorded.")]
    assert counts(contribution) == (0, 0, 1, 0)


def test_a_support_is_recorded_and_the_page_says_so(in_a, client_en):
    contribution = voting_on("budget", "submission")
    client_en.force_login(account())
    response = client_en.post(_cast_url(contribution), {"value": "support"})
    assert _messages(response) == [("success", "Your support is recorded.")]
    assert counts(contribution) == (1, 0, 0, 0)


def test_a_vote_is_withdrawn_through_the_form(in_a, client_en):
    contribution = voting_on("ideas", "submission")
    voter = account()
    vote_cast(contribution=contribution, voter=voter, value=1)
    client_en.force_login(voter)
    response = client_en.post(_withdraw_url(contribution))
    assert response["Location"] == f"/contributions/{contribution.pk}/"
    assert _messages(response) == [("success", "Your vote is withdrawn.")]
    assert counts(contribution) == (0, 0, 0, 0)


@pytest.mark.parametrize("value", ["", "maybe", "neutral"])
def test_a_bad_value_is_refused_with_a_message(in_a, client_en, value):
    contribution = voting_on("ideas", "submission")  # no neutral vote offered here
    client_en.force_login(account())
    response = client_en.post(_cast_url(contribution), {"value": value} if value else {})
    assert response.status_code == 302
    assert response["Location"] == f"/contributions/{contribution.pk}/"
    [(level, _text)] = _messages(response)
    assert level == "error"
    assert counts(contribution) == (0, 0, 0, 0)
    assert not Vote.objects.filter(contribution=contribution).exists()


def test_a_closed_phase_is_explained_and_nothing_is_recorded(in_a, client_en):
    process = process_in_phase("ideas", "review")
    contribution = contribution_submitted(process)
    client_en.force_login(account())
    response = client_en.post(_cast_url(contribution), {"value": "for"})
    assert response["Location"] == f"/contributions/{contribution.pk}/"
    assert _messages(response) == [("error", "This is not open at this stage of the process.")]
    assert counts(contribution) == (0, 0, 0, 0)


def test_an_anonymous_visitor_is_sent_to_sign_in(in_a, client_en):
    contribution = voting_on("ideas", "submission")
    for url in (_cast_url(contribution), _withdraw_url(contribution)):
        response = client_en.post(url, {"value": "for"})
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next=%2Fcontributions%2F{contribution.pk}%2F"
    assert counts(contribution) == (0, 0, 0, 0)


def test_get_is_not_allowed(in_a, client_en):
    contribution = voting_on("ideas", "submission")
    client_en.force_login(account())
    assert client_en.get(_cast_url(contribution)).status_code == 405
    assert client_en.get(_withdraw_url(contribution)).status_code == 405


def test_an_unknown_or_invisible_contribution_is_not_found(in_a, client_en):
    client_en.force_login(account())
    assert client_en.post(reverse("votes:cast", kwargs={"pk": 999999}), {"value": "for"}).status_code == 404
    # In an internal status (an interpellation awaiting moderation), only its author and the staff see it.
    contribution = voting_on("interpellation", "vote")
    assert client_en.post(_cast_url(contribution), {"value": "for"}).status_code == 404
    assert counts(contribution) == (0, 0, 0, 0)


def test_a_hidden_contribution_refuses_votes_through_the_form(in_a, client_en):
    contribution = voting_on("ideas", "submission")
    Contribution.objects.filter(pk=contribution.pk).update(is_hidden=True, hidden_reason="Hors sujet")
    client_en.force_login(account())
    response = client_en.post(_cast_url(contribution), {"value": "for"})
    assert _messages(response) == [("error", "This contribution was hidden by moderation.")]
    assert counts(contribution) == (0, 0, 0, 0)


def test_with_htmx_the_panel_comes_back_updated(in_a, client_en):
    contribution = voting_on("ideas", "submission")
    client_en.force_login(account())
    response = client_en.post(_cast_url(contribution), {"value": "for"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="vote-panel-{contribution.pk}"' in html
    assert "Your vote is recorded." in html
    assert "1 vote for" in html
    assert 'value="for" aria-pressed="true"' in html
    assert 'value="against" aria-pressed="false"' in html
    assert "Withdraw my vote" in html
    assert not _messages(response)  # said in the panel, not left for the next page

    response = client_en.post(_withdraw_url(contribution), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Your vote is withdrawn." in html and "0 votes for" in html
    assert 'aria-pressed="true"' not in html


def test_with_htmx_an_anonymous_visitor_is_sent_to_sign_in(in_a, client_en):
    contribution = voting_on("ideas", "submission")
    response = client_en.post(_cast_url(contribution), {"value": "for"}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert counts(contribution) == (0, 0, 0, 0)


# --- The panel ----------------------------------------------------------------------------------------

def test_the_panel_of_a_for_against_vote(in_a, django_assert_max_num_queries):
    contribution = voting_on("interpellation", "vote", config={"allow_neutral": True})
    voter = account()
    vote_cast(contribution=contribution, voter=voter, value=-1)
    contribution = Contribution.objects.select_related("process").get(pk=contribution.pk)
    state = process_state(contribution.process)  # the page has it already
    with django_assert_max_num_queries(2):
        panel, html = _panel(contribution, voter, state)
    assert panel["mode"] == "for_against" and panel["decision"].allowed and panel["can_withdraw"]
    assert [c["value"] for c in panel["choices"]] == ["for", "against", "neutral"]
    assert panel["current"] == "against" and panel["show_counts"]
    assert panel["counts"] == {"support": 0, "for": 0, "against": 1, "neutral": 0}
    assert "1 vote against" in html and "0 neutral votes" in html
    assert "You voted against." in html
    assert 'name="value" value="against" aria-pressed="true"' in html
    assert 'name="value" value="neutral" aria-pressed="false"' in html


def test_the_panel_of_a_support_phase(in_a):
    contribution = voting_on("budget", "submission")
    panel, html = _panel(contribution, account())
    assert panel["mode"] == "support" and [c["value"] for c in panel["choices"]] == ["support"]
    assert panel["current"] is None and not panel["can_withdraw"]
    assert "0 supports" in html and "Withdraw" not in html


def test_the_panel_asks_anonymous_visitors_to_sign_in(in_a, django_assert_max_num_queries):
    contribution = voting_on("ideas", "submission")
    state = process_state(contribution.process)
    with django_assert_max_num_queries(0):
        panel, html = _panel(contribution, AnonymousUser(), state)
    assert panel["decision"].code == "login_required"
    assert f'href="{reverse("account_login")}?next=/contributions/{contribution.pk}/"' in html
    assert "Sign in to take part." in html
    assert "<button" not in html


def test_results_are_hidden_while_a_vote_asks_for_it_and_shown_once_it_closes(in_a, frozen):
    contribution = voting_on("interpellation", "vote", config={"show_results": False})
    vote_phase = process_state(contribution.process).current
    vote_cast(contribution=contribution, voter=account(), value=1)
    contribution.refresh_from_db()
    panel, html = _panel(contribution, account())
    assert not panel["show_counts"]
    assert "1 vote for" not in html and "The results will be published when the vote closes." in html
    with frozen(vote_phase.ends_at + dt.timedelta(hours=1)):
        panel, html = _panel(contribution, account())
    assert panel["mode"] is None and panel["show_counts"]
    assert "1 vote for" in html
    assert "This is not open at this stage of the process." in html
    assert "<button" not in html


def test_before_the_vote_the_panel_says_when_it_opens(in_a):
    process = process_in_phase("interpellation", "submission")
    contribution = contribution_submitted(process)
    panel, html = _panel(contribution, account())
    assert panel["mode"] is None and panel["next_phase"].type_key == "vote"
    assert panel["decision"].code == "phase_not_open"
    assert "This will open on" in html


def test_a_process_without_votes_shows_an_empty_panel(in_a):
    process = process_in_phase("call_for_projects", "submission")
    contribution = contribution_submitted(process)
    _panel_data, html = _panel(contribution, account())
    assert "<h2" not in html


def test_votes_of_user_in_one_query(in_a, django_assert_num_queries):
    first, second, third = (voting_on("ideas", "submission") for _ in range(3))
    voter = account()
    vote_cast(contribution=first, voter=voter, value=1)
    vote_cast(contribution=second, voter=voter, value=-1)
    vote_cast(contribution=third, voter=account(), value=1)
    with django_assert_num_queries(1):
        mine = votes_of_user(user=voter, contribution_ids=[first.pk, second.pk, third.pk])
    assert mine == {first.pk: 1, second.pk: -1}
    with django_assert_num_queries(0):
        assert votes_of_user(user=AnonymousUser(), contribution_ids=[first.pk]) == {}
