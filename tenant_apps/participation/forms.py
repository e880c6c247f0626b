from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.participation.models import District, Theme


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        accept = "image/jpeg,image/png,image/webp,application/pdf"
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ContributionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("A short sentence that says what it is about."))
    body = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000,
                           help_text=_("Explain your contribution. Leave an empty line between paragraphs."))
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False,
                                      empty_label=_("Whole territory / I do not know"))
    themes = forms.ModelMultipleChoiceField(label=_("Themes"), queryset=Theme.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    address = forms.CharField(label=_("Address or place"), max_length=300, required=False,
                              help_text=_("For example: 12 rue de la Mairie, or: the playground of the park."))
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False,
                                  min_value=-90, max_value=90, help_text=_("Optional, for example 45.764043."))
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
                                   min_value=-180, max_value=180, help_text=_("Optional, for example 4.835659."))
    files = MultipleFileField(label=_("Photos or documents"), required=False,
                              help_text=_("JPEG, PNG or WebP images and PDF documents, 10 MB each at most. "
                                          "Photos are cleaned of their hidden data (such as GPS position)."))
    is_anonymous = forms.BooleanField(label=_("Publish without my name"), required=False)
    # Identifies this form: sending it twice (double click, retry) makes one contribution.
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, process, location_mode: str = "optional", **kwargs):
        import uuid

        kwargs.setdefault("initial", {}).setdefault("submission_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        districts = process.districts.all() or District.objects.all()
        self.fields["district"].queryset = districts
        self.fields["themes"].queryset = process.themes.all() or Theme.objects.all()
        if not self.fields["district"].queryset.exists():
            del self.fields["district"]
        if not self.fields["themes"].queryset.exists():
            del self.fields["themes"]
        if location_mode == "none":
            for name in ("address", "latitude", "longitude"):
                del self.fields[name]
        if not process.allows_anonymous:
            del self.fields["is_anonymous"]
        if process.max_attachments == 0:
            del self.fields["files"]
        else:
            self.fields["files"].help_text = _(
                "Up to %(n)s files: JPEG, PNG or WebP images and PDF documents, 10 MB each at most. "
                "Photos are cleaned of their hidden data (such as GPS position).") % {"n": process.max_attachments}


class ContributionEditForm(forms.Form):
    title = ContributionForm.base_fields["title"]
    body = ContributionForm.base_fields["body"]


class ContributionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("recent", _("Most recent")), ("supported", _("Most supported")), ("random", _("Random order"))])

    def __init__(self, *args, statuses, districts, themes, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["status"].choices = everything + [(s.key, s.label) for s in statuses]
        self.fields["district"].choices = everything + [(d.slug, d.name) for d in districts]
        self.fields["theme"].choices = everything + [(t.slug, t.label) for t in themes]
        if not districts:
            del self.fields["district"]
        if not themes:
            del self.fields["theme"]
