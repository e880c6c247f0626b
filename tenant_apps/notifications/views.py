"""Follow buttons, the notification list, e-mail preferences and the one-click unsubscribe page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from shared_apps.core.errors import ApplicationError, Invalid
from tenant_apps.notifications import selectors, services
from tenant_apps.notifications.messages import notification_text
from tenant_apps.notifications.models import NotificationSettings
from tenant_apps.participation import selectors as participation_selectors

PAGE_SIZE = 20


def _next_url(request, fallback: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return fallback


def _follow_toggle(request, *, target: dict, panel, page_url: str, followed: str, unfollowed: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(page_url)
    action = request.POST.get("action", "")
    status = 200
    try:
        if action == "follow":
            services.follow_start(user=request.user, **target)
            text = followed
        elif action == "unfollow":
            services.follow_stop(user=request.user, **target)
            text = unfollowed
        else:
            raise Invalid("follow_action", _("Choose to follow or to stop following."))
    except ApplicationError as error:
        text, status = error.message, error.status
        if not request.htmx:
            messages.error(request, text)
    else:
        if not request.htmx:
            messages.success(request, text)
    if request.htmx:  # the button replaces itself; the plain form POST below is the path without JavaScript
        return render(request, "notifications/_follow_button.html",
                      {"panel": panel(user=request.user, **target), "announcement": text}, status=status)
    return redirect(_next_url(request, page_url))


def follow_process(request, slug):
    process = participation_selectors.process_get_for_user(slug=slug, user=request.user)
    return _follow_toggle(
        request, target={"process": process}, panel=selectors.process_panel,
        page_url=selectors.target_path(process=process),
        followed=_("You follow this process: you will be told when a new phase starts."),
        unfollowed=_("You no longer follow this process."),
    )


def follow_contribution(request, pk):
    contribution = participation_selectors.contribution_get_for_user(pk=pk, user=request.user)
    return _follow_toggle(
        request, target={"contribution": contribution}, panel=selectors.contribution_panel,
        page_url=selectors.target_path(contribution=contribution),
        followed=_("You follow this contribution: you will be told of its news."),
        unfollowed=_("You no longer follow this contribution."),
    )


@login_required
def notification_list(request):
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(notification, notification_text(notification)) for notification in page]
    has_unread = any(n.read_at is None for n, _text in rows)
    if not has_unread and page.has_other_pages():
        has_unread = selectors.unread_count(request.user) > 0
    return render(request, "notifications/list.html", {"page": page, "rows": rows, "has_unread": has_unread})


@require_POST
def mark_read(request):
    list_url = reverse("notifications:list")
    if not request.user.is_authenticated:
        return redirect_to_login(list_url)
    if "id" in request.POST:
        ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
        services.notifications_mark_read(user=request.user, ids=ids)
        messages.success(request, _("The notification is marked as read."))
    else:
        services.notifications_mark_read(user=request.user)
        messages.success(request, _("All your notifications are marked as read."))
    return redirect(_next_url(request, list_url))


class PreferencesForm(forms.Form):
    email_frequency = forms.ChoiceField(label=gettext_lazy("E-mails about my notifications"),
                                        choices=NotificationSettings.Frequency.choices, widget=forms.RadioSelect)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None,
                           initial={"email_frequency": selectors.email_frequency_get(user=request.user)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.notification_settings_update(user=request.user,
                                                      email_frequency=form.cleaned_data["email_frequency"])
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Your preferences are saved."))
                return redirect("notifications:preferences")
        else:
            status = 400
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


# Mail clients send the RFC 8058 one-click POST without any CSRF token: the signed token, valid in
# this collectivity only, is what protects this view.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user = selectors.unsubscribe_user_get(token=token)
    except ApplicationError:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        services.unsubscribe_by_token(token)
        return render(request, "notifications/unsubscribe_done.html", {"email": user.email})
    frequency = selectors.email_frequency_get(user=user)
    return render(request, "notifications/unsubscribe_confirm.html", {
        "email": user.email, "already": frequency == NotificationSettings.Frequency.NEVER,
    })
