"""FranceConnect sign-in, its callback and logout; the back-office settings page.

Every failure ends on one page that says why in plain words ("FranceConnect sign-in failed: ..."),
with a way to start again or to sign in with an e-mail address; nothing is created then.
"""

import structlog
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.internal import statekit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from requests import RequestException

from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice.access import admin_required
from tenant_apps.identity import franceconnect
from tenant_apps.identity.forms_franceconnect import FranceConnectSettingsForm
from tenant_apps.identity.franceconnect import Failure, FranceConnectError

PROCESSES = franceconnect.PROCESSES
log = structlog.get_logger(__name__)


def _offered_or_404():
    config = franceconnect.franceconnect_offered()
    if config is None:
        raise Http404(_("FranceConnect sign-in is not offered on this site."))
    return config


def _failure(request, error: FranceConnectError):
    # The reason only: never a token, a code or a claim of the person.
    log.warning("franceconnect_sign_in_refused", reason=error.code)
    return render(request, "identity/franceconnect/error.html", {"reason": error.message, "code": error.code},
                  status=error.status)


def franceconnect_login(request):
    """GET: a page with the FranceConnect button. POST (the button): off to FranceConnect."""
    config = _offered_or_404()
    process = request.POST.get("process") if request.method == "POST" else request.GET.get("process")
    process = process if process in PROCESSES else "login"
    if request.method == "GET":
        return render(request, "identity/franceconnect/start.html",
                      {"process": process, "next": request.GET.get("next", "")})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if process == "connect" and not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={reverse('identity:franceconnect_login')}")
    adapter = franceconnect.FranceConnectOAuth2Adapter(request, config)
    provider = adapter.get_provider()
    try:
        adapter.openid_config  # noqa: B018 (the discovery document: reachable, same issuer, secure endpoints)
    except FranceConnectError as error:
        return _failure(request, error)
    return provider.redirect_from_request(request)


def franceconnect_callback(request):
    """FranceConnect sends the browser back here with a code (or an error) and the state of the attempt."""
    config = _offered_or_404()
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    adapter = franceconnect.FranceConnectOAuth2Adapter(request, config)
    provider = adapter.get_provider()
    state_id = request.GET.get("state", "")
    state = statekit.unstash_state(request, provider_id=provider.sub_id, state_id=state_id) if state_id else None
    if state is None:
        return _failure(request, FranceConnectError(Failure.UNKNOWN_STATE))
    error = request.GET.get("error")
    if error:
        if error == "access_denied":
            return _failure(request, FranceConnectError(Failure.CANCELLED))
        return _failure(request, FranceConnectError(Failure.PROVIDER_ERROR, detail=error[:60]))
    if not request.GET.get("code"):
        return _failure(request, FranceConnectError(Failure.MALFORMED))
    try:
        client = adapter.get_client(request, provider.app)
        token_response = adapter.get_access_token_data(request, provider.app, client)
        token = adapter.parse_token(token_response)
        login = adapter.complete_login(request, provider.app, token, response=token_response,
                                       nonce=state.get(franceconnect.STATE_NONCE))
    except FranceConnectError as failure:
        return _failure(request, failure)
    except OAuth2Error:
        return _failure(request, FranceConnectError(Failure.REFUSED))
    except RequestException:
        return _failure(request, FranceConnectError(Failure.UNREACHABLE))
    except (KeyError, ValueError, TypeError):
        return _failure(request, FranceConnectError(Failure.MALFORMED))
    login.state = state
    franceconnect.sociallogin_stash(login)
    return complete_social_login(request, login)


def franceconnect_logout(request):
    """Sign out here and, for a FranceConnect session, at FranceConnect too (it asks for the ID token)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    id_token = request.session.get(franceconnect.SESSION_ID_TOKEN)
    config = franceconnect.franceconnect_offered() if id_token else None
    get_account_adapter(request).logout(request)
    if config is not None:
        url = franceconnect.logout_url(request, config, id_token)  # keeps its state in the new session
        if url:
            return redirect(url)
    messages.success(request, _("You have signed out."))
    return redirect("home")


def franceconnect_logout_return(request):
    """FranceConnect sends the browser back here once its session is ended too."""
    expected = request.session.pop(franceconnect.SESSION_LOGOUT_STATE, None)
    if expected and constant_time_compare(expected, request.GET.get("state", "")):
        messages.success(request, _("You have signed out, of FranceConnect too."))
    else:
        messages.success(request, _("You have signed out."))
    return redirect("home")


@admin_required
def franceconnect_settings(request):
    config = franceconnect.franceconnect_config_get()
    initial = {"is_enabled": config.is_enabled, "issuer": config.issuer, "client_id": config.client_id,
               "acr_values": config.acr_values or franceconnect.EIDAS_LEVELS[0]}
    has_secret = bool(config.client_secret)
    form = FranceConnectSettingsForm(request.POST if request.method == "POST" else None, initial=initial,
                                     has_secret=has_secret)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            franceconnect.franceconnect_config_update(
                actor=request.user, is_enabled=data["is_enabled"], issuer=data["issuer"],
                client_id=data["client_id"], client_secret=data["client_secret"] or None,
                acr_values=data["acr_values"])
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The FranceConnect settings are saved."))
            return redirect("identity:franceconnect_settings")
    context = {
        "form": form,
        "config": config,
        "has_secret": has_secret,
        "offered": config.is_enabled and franceconnect.config_is_complete(config),
        "callback_url": request.build_absolute_uri(reverse("identity:franceconnect_callback")),
        "logout_return_url": request.build_absolute_uri(reverse("identity:franceconnect_logout_return")),
    }
    return render(request, "identity/franceconnect/settings.html", context, status=400 if form.errors else 200)
