"""Isolation cases of the city API: an object of city A, asked for on city B's host, is a 404 there."""

from tests.isolation import IsolationCase


def _process(city):
    from tenant_apps.participation.tests.factories import process_in_phase

    process = process_in_phase("ideas", "submission", title="Processus isolation API")
    return {"slug": process.slug}, "Processus isolation API"


def _statuses(city):
    kwargs, _title = _process(city)
    return kwargs, ""  # statuses are per kind, with the same labels in every city: no marker


def _contributions(city):
    from tenant_apps.participation.tests.factories import contribution, process_in_phase

    process = process_in_phase("ideas", "submission")
    contribution(process, title="Contribution listée isolation API")
    return {"slug": process.slug}, "Contribution listée isolation API"


def _contribution(city):
    from tenant_apps.participation.tests.factories import contribution, process_in_phase

    item = contribution(process_in_phase("ideas", "submission"), title="Contribution isolation API")
    return {"pk": item.pk}, "Contribution isolation API"


def _comments(city):
    from tenant_apps.discussion.services import comment_post
    from tenant_apps.participation.tests.factories import account, contribution, process_in_phase

    item = contribution(process_in_phase("ideas", "submission"))
    comment_post(contribution=item, author=account(), body="Commentaire isolation API")
    return {"pk": item.pk}, "Commentaire isolation API"


def _vote(city):
    kwargs, _title = _contribution(city)
    return kwargs, ""


CASES = [
    IsolationCase("api:process_detail", _process),
    IsolationCase("api:process_statuses", _statuses),
    IsolationCase("api:process_contributions", _contributions),
    IsolationCase("api:contribution_detail", _contribution),
    IsolationCase("api:contribution_comments", _comments),
    # POST and DELETE only: a GET is looked up first (404 elsewhere), then answered 405 at home.
    IsolationCase("api:contribution_vote", _vote, status_home=405),
]
