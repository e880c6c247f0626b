"""Pages of moderation: report content (everyone signed in), the moderators' queue, log and decisions."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.core.errors import ApplicationError
from tenant_apps.moderation import selectors, services
from tenant_apps.moderation.forms import FlagForm
from tenant_apps.moderation.models import Flag
from tenant_apps.participation.permissions import is_moderator

QUEUE_STATES = {"ouverts": Flag.State.OPEN, "retenus": Flag.State.UPHELD, "classes": Flag.State.DISMISSED}

CONTENT_ACTIONS = {
    "hide": (services.content_hide, gettext_lazy("The content is hidden; its author is told why.")),
    "restore": (services.content_restore, gettext_lazy("The content is shown again; its author is told.")),
    "dismiss": (services.flags_dismiss, gettext_lazy("The reports are dismissed; the content stays visible.")),
}
ACCOUNT_ACTIONS = {
    "block": (services.account_block,
              gettext_lazy("The account is blocked: this person is signed out and cannot sign in.")),
    "unblock": (services.account_unblock, gettext_lazy("The account is unblocked.")),
}


def _moderators_only(request, *, next_url: str = ""):
    """A response refusing the visitor (sign in, or a 403 page), or None for a moderator."""
    if not request.user.is_authenticated:
        return redirect_to_login(next_url or request.get_full_path())
    if not is_moderator(request.user):
        return render(request, "moderation/forbidden.html", status=403)
    return None


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("moderation:queue")


def flag(request, kind, pk):
    flag_kind, target, contribution = selectors.target_get_for_user(kind=kind, pk=pk, user=request.user)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    existing = selectors.flag_of(target=target, reporter=request.user)
    is_own = target.author_id is not None and target.author_id == request.user.pk
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.flag_create(target=target, reporter=request.user, reason=form.cleaned_data["reason"],
                                     details=form.cleaned_data["details"])
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if existing is None:
                    messages.success(request, _("Thank you. The moderators will review your report."))
                else:
                    messages.info(request, _("You had already reported this; the moderators will review it."))
                return redirect(contribution)
        else:
            status = 400
    return render(request, "moderation/flag_form.html", {
        "kind": flag_kind, "target": target, "contribution": contribution, "text": flag_kind.text_of(target),
        "form": form, "existing": existing, "is_own": is_own,
    }, status=status)


def queue(request):
    refusal = _moderators_only(request)
    if refusal:
        return refusal
    state_key = request.GET.get("etat", "ouverts")
    state = QUEUE_STATES.get(state_key, Flag.State.OPEN)
    return render(request, "moderation/queue.html", {
        "items": selectors.flag_queue(state=state), "state": state, "state_key": state_key,
        "states": [(key, Flag.State(value).label) for key, value in QUEUE_STATES.items()],
    })


def log(request):
    refusal = _moderators_only(request)
    if refusal:
        return refusal
    return render(request, "moderation/log.html", {"rows": selectors.decision_list()})


def act(request, kind, pk, action):
    _flag_kind, target, _contribution = selectors.target_get_for_user(kind=kind, pk=pk, user=request.user)
    return _decide(request, CONTENT_ACTIONS, action, target=target)


def account(request, pk, action):
    return _decide(request, ACCOUNT_ACTIONS, action, account=selectors.account_get(pk=pk))


def _decide(request, actions, action, **subject):
    """Run a moderator's decision on what the URL named (already looked up: 404 on another collectivity)."""
    if action not in actions:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    refusal = _moderators_only(request, next_url=reverse("moderation:queue"))
    if refusal:
        return refusal
    service, done = actions[action]
    try:
        service(moderator=request.user, reason=request.POST.get("reason", ""), **subject)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_back(request))
