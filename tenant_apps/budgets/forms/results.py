"""Forms of the results part: count a budget, publish a result, import a pabulib file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.budgets.models import CountingRule


class ComputeForm(forms.Form):
    budget = forms.TypedChoiceField(label=_("Budget"), coerce=int)
    rule = forms.ChoiceField(label=_("Counting method"), required=False,
                             help_text=_("Leave empty to use the method set in the rules of this budget."))

    def __init__(self, *args, budgets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].choices = [(b.pk, b.name) for b in budgets]
        self.fields["rule"].choices = [("", _("The budget's method")), *CountingRule.choices]


class PublishForm(forms.Form):
    result = forms.IntegerField(widget=forms.HiddenInput)


class PbImportForm(forms.Form):
    file = forms.FileField(label=_("pabulib file (.pb)"),
                           help_text=_("A file in the pabulib format (pabulib.org), UTF-8 text, at most 20 MB."))
    name = forms.CharField(label=_("Name of the new budget"), max_length=120, required=False,
                           help_text=_("Leave empty to use the description in the file."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".pb"):
            raise forms.ValidationError(_("Choose a file whose name ends in .pb."))
        return upload
