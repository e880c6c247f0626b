from django import forms
from django.utils.translation import gettext_lazy as _

from billing.catalogue import MODULE_CHOICES
from provisioning.models import CollectivityTemplate
from tenants.models import Collectivity


class CollectivityCreateForm(forms.ModelForm):
    admin_email = forms.EmailField(label=_("E-mail of the first administrator"),
                                   help_text=_("They receive a single-use invitation link."))
    admin_name = forms.CharField(label=_("Name of the first administrator"), required=False, max_length=150)
    modules = forms.MultipleChoiceField(label=_("Licensed modules"), choices=MODULE_CHOICES, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    template = forms.ModelChoiceField(label=_("Start from a template"), queryset=CollectivityTemplate.objects.all(),
                                      required=False, empty_label=_("No template"))

    class Meta:
        model = Collectivity
        fields = ["name", "slug", "kind", "population", "insee_code", "siren", "contact_email", "primary_colour",
                  "locale", "timezone"]

    def validate_unique(self):
        # Uniqueness and every other rule are checked by the provisioning service itself.
        pass

    def _post_clean(self):
        # Do not build the instance here: collectivity_provision validates and creates it.
        pass


class CollectivityEditForm(forms.ModelForm):
    modules = forms.MultipleChoiceField(label=_("Licensed modules"), choices=MODULE_CHOICES, required=False,
                                        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Collectivity
        fields = ["name", "kind", "population", "insee_code", "siren", "contact_email", "primary_colour",
                  "locale", "timezone"]


class DomainForm(forms.Form):
    domain = forms.CharField(label=_("Custom domain"), max_length=253,
                             help_text=_("For example participez.ville.fr (its DNS must point at Parvis)."))
    is_primary = forms.BooleanField(label=_("Make it the primary address"), required=False)


class TemplateSaveForm(forms.Form):
    name = forms.CharField(label=_("Template name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CollectivitySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Collectivity.Status.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *Collectivity.Kind.choices])
