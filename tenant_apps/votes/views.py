"""Voting on a contribution: plain form posts that come back to the contribution page (htmx optional)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shared_apps.core.errors import ApplicationError
from tenant_apps.participation.selectors import contribution_get_for_user
from tenant_apps.participation.state import process_state
from tenant_apps.votes import selectors, services
from tenant_apps.votes.models import Vote

PANEL_TEMPLATE = "votes/_contribution_panel.html"


def _panel_response(request, contribution, *, notice: str, is_error: bool):
    """The panel alone, for htmx to swap in place, with the outcome said inside it."""
    state = process_state(contribution.process)
    panel = selectors.contribution_panel(contribution=contribution, user=request.user, state=state)
    return render(request, PANEL_TEMPLATE, {"contribution": contribution, "panel": panel, "notice": notice,
                                            "notice_is_error": is_error})


def _done(request, contribution, message: str, *, is_error: bool = False):
    if request.htmx:
        return _panel_response(request, contribution, notice=message, is_error=is_error)
    (messages.error if is_error else messages.success)(request, message)
    return redirect(contribution.get_absolute_url())


def _guard(request, pk):
    """The contribution (404 when not visible on this host), or the response refusing the request."""
    contribution = contribution_get_for_user(pk=pk, user=request.user)
    if request.method != "POST":
        return contribution, HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        login = f"{reverse('account_login')}?{urlencode({'next': contribution.get_absolute_url()})}"
        if request.htmx:
            response = _panel_response(request, contribution, notice=_("Sign in to take part."), is_error=True)
            response["HX-Redirect"] = login
            return contribution, response
        return contribution, redirect(login)
    return contribution, None


def vote_cast(request, pk):
    contribution, refusal = _guard(request, pk)
    if refusal is not None:
        return refusal
    value = selectors.CHOICE_VALUES.get(request.POST.get("value", ""))
    if value is None:
        # A tampered or outdated form: say so on the page rather than fail.
        return _done(request, contribution, _("This vote is not valid."), is_error=True)
    try:
        vote = services.vote_cast(contribution=contribution, voter=request.user, value=value)
    except ApplicationError as error:
        return _done(request, contribution, error.message, is_error=True)
    if vote.mode == Vote.Mode.SUPPORT:
        return _done(request, contribution, _("Your support is recorded."))
    return _done(request, contribution, _("Your vote is recorded."))


def vote_withdraw(request, pk):
    contribution, refusal = _guard(request, pk)
    if refusal is not None:
        return refusal
    try:
        services.vote_withdraw(contribution=contribution, voter=request.user)
    except ApplicationError as error:
        return _done(request, contribution, error.message, is_error=True)
    return _done(request, contribution, _("Your vote is withdrawn."))
