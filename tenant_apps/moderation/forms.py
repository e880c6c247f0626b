from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.moderation.models import Flag
from tenant_apps.moderation.services import DETAILS_MAX


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why are you reporting this?"), choices=Flag.Reason.choices,
                               widget=forms.RadioSelect)
    details = forms.CharField(label=_("Details (optional)"), required=False, max_length=DETAILS_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What should the moderators look at? Do not write personal data here."))
