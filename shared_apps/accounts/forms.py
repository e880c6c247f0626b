from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form: name and consent to the collectivity's terms."""

    # Consent comes last, right above the button, after the person has seen what they fill in.
    field_order = ["email", "full_name", "password1", "password2", "accept_terms"]

    full_name = forms.CharField(label=_("First and last name"), max_length=150, required=False)
    accept_terms = forms.BooleanField(
        required=True,
        error_messages={"required": _("You must accept the terms of use to create an account.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_terms"].label = format_html(
            '{} <a href="{}">{}</a>',
            _("I have read and accept the"),
            reverse("terms"),
            _("terms of use"),
        )

    def signup(self, request, user):
        user.full_name = self.cleaned_data.get("full_name", "")
        user.terms_accepted_at = timezone.now()
        user.save(update_fields=["full_name", "terms_accepted_at"])
