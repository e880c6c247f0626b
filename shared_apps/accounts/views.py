from allauth.account.internal.flows.login import record_authentication
from django import forms
from django.contrib.auth import login, password_validation
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.services import InvitationInvalid, invitation_accept, invitation_get_usable


class InvitationAcceptForm(forms.Form):
    password1 = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), strip=False)
    password2 = forms.CharField(label=_("Confirm the password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), strip=False)

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif cleaned.get("password1"):
            try:
                password_validation.validate_password(cleaned["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def invitation_accept_view(request, token):
    try:
        invitation = invitation_get_usable(token=token)
    except InvitationInvalid:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, password=form.cleaned_data["password1"])
        except InvitationInvalid:  # used by a concurrent request in the meantime
            return render(request, "accounts/invitation_invalid.html", status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # Tell allauth the password was just typed, so setting up the second factor needs no re-entry.
        record_authentication(request, user, method="password", email=user.email, reauthenticated=True)
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})
