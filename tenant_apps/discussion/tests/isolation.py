"""Isolation cases of the discussion: a comment or argument of city A is never served on city B."""

from tests.isolation import IsolationCase


def _contribution(title):
    from tenant_apps.participation.tests.factories import contribution, process_in_phase

    return contribution(process_in_phase("ideas", "submission"), title=title)


def _contribution_kwargs(city):
    idea = _contribution("Isolation discussion contribution")
    return {"pk": idea.pk}, "Isolation discussion contribution"


def _comment(city):
    from tenant_apps.discussion.services import comment_edit, comment_post
    from tenant_apps.participation.tests.factories import account

    author = account()
    comment = comment_post(contribution=_contribution("Isolation comment"), author=author,
                           body="Isolation first text")
    comment_edit(comment=comment, actor=author, body="Isolation second text")
    return {"pk": comment.pk}, "Isolation first text"


def _argument(city):
    from tenant_apps.discussion.services import argument_post
    from tenant_apps.participation.tests.factories import account

    argument = argument_post(contribution=_contribution("Isolation argument"), author=account(), side="for",
                             body="Isolation argument text")
    return {"pk": argument.pk}, "Isolation argument text"


CASES = [
    IsolationCase("discussion:comment_post", _contribution_kwargs, status_home=405),
    IsolationCase("discussion:argument_post", _contribution_kwargs, status_home=405),
    # Signed-in pages: the anonymous client of the check is sent to the sign-in page at home.
    IsolationCase("discussion:comment_edit", _comment, status_home=302),
    IsolationCase("discussion:comment_delete", _comment, status_home=302),
    IsolationCase("discussion:comment_history", _comment),
    IsolationCase("discussion:argument_delete", _argument, status_home=405),
]
