"""Forms of the FranceConnect area: the sign-up form after a first FranceConnect sign-in, the settings."""

from allauth.socialaccount.forms import SignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from shared_apps.core.errors import Invalid
from tenant_apps.identity import franceconnect


class FranceConnectSignupForm(SignupForm):
    """allauth's social sign-up form (with the terms of use of ACCOUNT_SIGNUP_FORM_CLASS).

    settings: SOCIALACCOUNT_FORMS = {"signup": "tenant_apps.identity.forms_franceconnect.FranceConnectSignupForm"}
    The e-mail address given by FranceConnect is verified: it cannot be changed here (an address typed in
    would have to be verified by e-mail first).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields.get("email")
        if email is not None and franceconnect.is_franceconnect(self.sociallogin) and self.initial.get("email"):
            email.disabled = True
            email.help_text = _("The address given by FranceConnect. You can change it in your account once "
                                "it is created.")


class FranceConnectSettingsForm(forms.Form):
    is_enabled = forms.BooleanField(label=_("Offer FranceConnect sign-in on this site"), required=False)
    issuer = forms.CharField(
        label=_("FranceConnect address (issuer)"), max_length=300, required=False,
        help_text=_("Given by FranceConnect, for example https://oidc.franceconnect.gouv.fr/api/v2 (production) "
                    "or https://fcp-low.sbx.dev-franceconnect.fr/api/v2 (test environment)."),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    client_id = forms.CharField(label=_("Client id"), max_length=200, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    client_secret = forms.CharField(
        label=_("Client secret"), max_length=500, required=False, strip=True,
        # Write-only: the current secret is never sent back to the browser.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    acr_values = forms.ChoiceField(
        label=_("Level of assurance asked (acr_values)"),
        choices=[("eidas1", _("eidas1 — FranceConnect (low)")),
                 ("eidas2", _("eidas2 — FranceConnect+ (substantial)")),
                 ("eidas3", _("eidas3 — FranceConnect+ (high)"))],
        help_text=_("FranceConnect offers eidas1; eidas2 and eidas3 need FranceConnect+."),
    )

    def __init__(self, *args, has_secret: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret = has_secret
        self.fields["client_secret"].help_text = (
            _("A secret is saved; it is never shown. Leave empty to keep it, or type a new one to replace it.")
            if has_secret else _("Given by FranceConnect. It is stored encrypted and never shown again."))

    def clean_issuer(self):
        return franceconnect_issuer_field(self.cleaned_data.get("issuer", ""))

    def clean(self):
        data = super().clean()
        if data.get("is_enabled"):
            if not data.get("issuer") and "issuer" not in self.errors:
                self.add_error("issuer", _("Fill in the FranceConnect address to offer FranceConnect."))
            if not data.get("client_id"):
                self.add_error("client_id", _("Fill in the client id to offer FranceConnect."))
            if not data.get("client_secret") and not self.has_secret:
                self.add_error("client_secret", _("Fill in the client secret to offer FranceConnect."))
        return data


def franceconnect_issuer_field(value: str) -> str:
    try:
        return franceconnect.issuer_clean(value)
    except Invalid as error:
        raise forms.ValidationError(error.message, code=error.code) from None
