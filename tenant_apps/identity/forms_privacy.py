from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.identity.privacy import RETENTION_MONTHS_MAX, RETENTION_MONTHS_MIN
from tenant_apps.participation.models import District
from tenant_apps.statistics.models import CitizenProfile

NOT_SAID = _("I prefer not to say")


def confirmation_phrase() -> str:
    """What a person without a password types to confirm the deletion (in their language)."""
    return str(_("delete my account"))


class AccountDeleteForm(forms.Form):
    """The password, or for an account without one (FranceConnect only) a typed sentence."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.uses_password = user.has_usable_password()
        if self.uses_password:
            self.fields["password"] = forms.CharField(
                label=_("Your password"), strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
        else:
            self.fields["phrase"] = forms.CharField(
                label=_("Type “%(phrase)s” to confirm") % {"phrase": confirmation_phrase()}, max_length=100,
                widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not right."), code="password")
        return password

    def clean_phrase(self):
        phrase = " ".join(self.cleaned_data["phrase"].split()).casefold()
        if phrase != confirmation_phrase().casefold():
            raise forms.ValidationError(_("Type the sentence exactly as shown."), code="phrase")
        return phrase


class ProfileForm(forms.Form):
    age_range = forms.ChoiceField(label=_("Age range"), required=False,
                                  choices=[("", NOT_SAID), *CitizenProfile.AgeRange.choices])
    gender = forms.ChoiceField(label=_("Gender"), required=False,
                               choices=[("", NOT_SAID), *CitizenProfile.Gender.choices])
    district = forms.ModelChoiceField(label=_("District where you live"), required=False,
                                      queryset=District.objects.all(), empty_label=NOT_SAID)
    consent = forms.BooleanField(
        label=_("I agree that these answers are kept and used only for the collectivity's anonymous statistics"),
        required=False,
        help_text=_("Without this agreement nothing is kept. Untick it and save to delete these answers at any "
                    "time."))


class PrivacySettingsForm(forms.Form):
    retention_months = forms.IntegerField(
        label=_("Months personal data of a finished process is kept"),
        min_value=RETENTION_MONTHS_MIN, max_value=RETENTION_MONTHS_MAX,
        help_text=_("Counted from the end of a process's last phase. After this, its contributions, votes, "
                    "comments and arguments are unlinked from the accounts (they stay, anonymous, and every count "
                    "stays the same)."))
