"""A person's data: archive, optional statistics profile, account deletion; the retention settings (admins)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice.access import admin_required
from tenant_apps.identity import privacy
from tenant_apps.identity.forms_privacy import AccountDeleteForm, PrivacySettingsForm, ProfileForm
from tenant_apps.statistics.models import CitizenProfile
from tenant_apps.statistics.services import profile_update


@login_required
def my_data(request):
    return render(request, "identity/privacy/my_data.html")


def my_data_download(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("identity:my_data"))
    archive = privacy.personal_data_export(user=request.user)
    slug = getattr(request.tenant, "slug", "") or "parvis"
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="donnees-personnelles-{slug}-{timezone.localdate():%Y-%m-%d}.zip"')
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                privacy.account_erase(user=request.user, actor=request.user)
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                logout(request)
                return redirect("identity:account_deleted")
        else:
            status = 400
    return render(request, "identity/privacy/account_delete.html", {"form": form}, status=status)


def account_deleted(request):
    return render(request, "identity/privacy/account_deleted.html")


def _profile_initial(user) -> dict:
    profile = CitizenProfile.objects.filter(user=user).first()
    if profile is None:
        return {}
    return {"age_range": profile.age_range, "gender": profile.gender, "district": profile.district_id,
            "consent": True}


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    initial = _profile_initial(request.user)
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["consent"]:
                    profile_update(user=request.user, age_range=data["age_range"], gender=data["gender"],
                                   district=data["district"], consent=True)
                else:
                    profile_update(user=request.user, consent=False)
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if data["consent"]:
                    messages.success(request, _("Your answers are saved. They are used only for anonymous "
                                                "statistics."))
                elif initial:
                    messages.success(request, _("Your consent is withdrawn and your answers are deleted."))
                else:
                    messages.success(request, _("Nothing is kept without your agreement."))
                return redirect("identity:profile")
        else:
            status = 400
    return render(request, "identity/privacy/profile.html", {"form": form, "has_profile": bool(initial)},
                  status=status)


@admin_required
@require_http_methods(["GET", "POST"])
def privacy_settings(request):
    settings = privacy.privacy_settings_get()
    form = PrivacySettingsForm(request.POST or None, initial={"retention_months": settings.retention_months})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                privacy.privacy_settings_update(retention_months=form.cleaned_data["retention_months"],
                                                actor=request.user)
            except ApplicationError as error:
                form.add_error("retention_months", error.message)
                status = error.status
            else:
                messages.success(request, _("The retention period is saved."))
                return redirect("identity:privacy_settings")
        else:
            status = 400
    return render(request, "identity/privacy/settings.html", {
        "form": form, "settings": settings, "runs": privacy.retention_runs_list(),
    }, status=status)
