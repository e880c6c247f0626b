"""HTTP for the discussion: post, edit, delete and read the history of comments; post and delete arguments.

Every view looks its object up first (404 when it is not visible on this host), then checks the
method, then asks anonymous visitors to sign in. Refusals come back as messages on the
contribution page (or on the form page, with a 4xx status), never as an error page.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from shared_apps.core.errors import ApplicationError, Invalid
from tenant_apps.discussion import services
from tenant_apps.discussion.forms import ArgumentForm, CommentEditForm, CommentForm
from tenant_apps.discussion.selectors import (
    argument_get_for_user,
    comment_delete_decision,
    comment_edit_decision,
    comment_get_for_user,
    comment_history_for_user,
    comment_in_contribution,
)
from tenant_apps.participation.selectors import contribution_get_for_user


def _contribution_url(contribution, anchor: str = "") -> str:
    try:
        url = contribution.get_absolute_url()
    except NoReverseMatch:  # the contribution page belongs to the kernel; stay usable until its route exists
        url = f"/contributions/{contribution.pk}/"
    return f"{url}#{anchor}" if anchor else url


def _form_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return _("Check what you entered.")


def _back_with_error(request, message: str, url: str):
    messages.error(request, message)
    return redirect(url)


def comment_post(request, pk: int):
    contribution = contribution_get_for_user(pk=pk, user=request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = _contribution_url(contribution, "commentaires")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _back_with_error(request, _form_error(form), back)
    parent = None
    if form.cleaned_data["parent"] is not None:
        parent = comment_in_contribution(contribution=contribution, pk=form.cleaned_data["parent"])
        if parent is None:
            return _back_with_error(request, _("The comment you are replying to no longer exists."), back)
    try:
        comment = services.comment_post(contribution=contribution, author=request.user,
                                        body=form.cleaned_data["body"], parent=parent,
                                        is_official=form.cleaned_data["is_official"])
    except ApplicationError as error:
        return _back_with_error(request, error.message, back)
    messages.success(request, _("Your reply is published.") if parent else _("Your comment is published."))
    return redirect(_contribution_url(contribution, f"commentaire-{comment.pk}"))


def comment_edit(request, pk: int):
    comment = comment_get_for_user(pk=pk, user=request.user)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    back = _contribution_url(comment.contribution, f"commentaire-{comment.pk}")
    decision = comment_edit_decision(comment=comment, user=request.user)
    if not decision:
        return _back_with_error(request, decision.reason, back)
    status = 200
    if request.method == "POST":
        form = CommentEditForm(request.POST)
        if form.is_valid():
            try:
                services.comment_edit(comment=comment, actor=request.user, body=form.cleaned_data["body"])
            except Invalid as error:
                form.add_error("body", error.message)
            except ApplicationError as error:
                return _back_with_error(request, error.message, back)
            else:
                messages.success(request, _("Your comment is updated."))
                return redirect(back)
        status = 400
    else:
        form = CommentEditForm(initial={"body": comment.body})
    return render(request, "discussion/comment_edit.html",
                  {"form": form, "comment": comment, "contribution": comment.contribution, "back_url": back},
                  status=status)


def comment_delete(request, pk: int):
    comment = comment_get_for_user(pk=pk, user=request.user)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    back = _contribution_url(comment.contribution, f"commentaire-{comment.pk}")
    if request.method == "GET":
        decision = comment_delete_decision(comment=comment, user=request.user)
        if not decision:
            return _back_with_error(request, decision.reason, back)
        return render(request, "discussion/comment_delete.html",
                      {"comment": comment, "contribution": comment.contribution, "back_url": back})
    try:
        services.comment_delete(comment=comment, actor=request.user)
    except ApplicationError as error:
        return _back_with_error(request, error.message, back)
    messages.success(request, _("The comment is deleted."))
    return redirect(back)


def comment_history(request, pk: int):
    comment, revisions = comment_history_for_user(pk=pk, user=request.user)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return render(request, "discussion/comment_history.html",
                  {"comment": comment, "revisions": revisions, "contribution": comment.contribution,
                   "back_url": _contribution_url(comment.contribution, f"commentaire-{comment.pk}")})


def argument_post(request, pk: int):
    contribution = contribution_get_for_user(pk=pk, user=request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = _contribution_url(contribution, "arguments")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    form = ArgumentForm(request.POST)
    if not form.is_valid():
        return _back_with_error(request, _form_error(form), back)
    try:
        argument = services.argument_post(contribution=contribution, author=request.user,
                                          side=form.cleaned_data["side"], body=form.cleaned_data["body"])
    except ApplicationError as error:
        return _back_with_error(request, error.message, back)
    messages.success(request, _("Your argument is published."))
    return redirect(_contribution_url(contribution, f"argument-{argument.pk}"))


def argument_delete(request, pk: int):
    argument = argument_get_for_user(pk=pk, user=request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = _contribution_url(argument.contribution, "arguments")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    try:
        services.argument_delete(argument=argument, actor=request.user)
    except ApplicationError as error:
        return _back_with_error(request, error.message, back)
    messages.success(request, _("Your argument is deleted."))
    return redirect(back)
