"""Forms of the follow-up of the winners, of the news about them and of the satisfaction survey."""

from django import forms
from django.template.defaultfilters import linebreaks
from django.utils.translation import gettext_lazy as _

from tenant_apps.budgets.models import Project


class DescribedErrorsMixin:
    """Ties each field's error message to the field (`aria-describedby`), as RGAA asks."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            widget = self.fields[name].widget
            ids = [f"{bound.auto_id}_helptext"] if self.fields[name].help_text else []
            widget.attrs["aria-describedby"] = " ".join([*ids, f"{bound.auto_id}_errors"])
            widget.attrs["aria-invalid"] = "true"


class RealisationForm(DescribedErrorsMixin, forms.Form):
    realisation = forms.ChoiceField(label=_("Where the project stands"), choices=Project.Realisation.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100,
                                  help_text=_("From 0 to 100. A delivered project is at 100 %."))
    spent = forms.IntegerField(label=_("Money spent (€)"), min_value=0,
                               help_text=_("In whole euros, what has been paid so far."))


class InlineRealisationForm(RealisationForm):
    """The same fields on one row of the winners list; `project` says which row was sent."""

    project = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # explained once above the table, not on every row
            field.help_text = ""


class MilestoneForm(DescribedErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Planned for"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             help_text=_("Optional."))
    done_on = forms.DateField(label=_("Reached on"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              help_text=_("Leave empty while the milestone is not reached."))


class NewsForm(DescribedErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title of the news"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Sent to the project's holders and to the people who followed or supported "
                                       "its ideas."))
    photo = forms.FileField(label=_("Photo (optional)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                            help_text=_("JPEG, PNG or WebP, 10 MB at most. Its metadata (place, camera) is removed."))
    photo_alt = forms.CharField(label=_("Text alternative of the photo"), max_length=250, required=False,
                                help_text=_("Required with a photo: what it shows, for people who cannot see it."))

    def clean_body(self):
        # Staff type plain text: paragraphs and line breaks become HTML (escaped), cleaned again by the service.
        return linebreaks(self.cleaned_data["body"], autoescape=True)

    def clean(self):
        data = super().clean()
        if data.get("photo") and not (data.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("Describe the photo for people who cannot see it."))
        return data


YES_NO = (("yes", _("Yes")), ("no", _("No")))


class SatisfactionForm(DescribedErrorsMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with this participatory budget?"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 — very satisfied")), (4, _("4 — satisfied")), (3, _("3 — neither satisfied nor "
                                                                              "dissatisfied")),
                 (2, _("2 — dissatisfied")), (1, _("1 — very dissatisfied"))])
    again = forms.ChoiceField(label=_("Would you take part again?"), choices=YES_NO, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Read by the city's staff only. Do not write personal information."))


class FollowupFilterForm(forms.Form):
    budget = forms.ChoiceField(label=_("Budget"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, budgets, districts, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["budget"].choices = everything + [(str(b.pk), b.name) for b in budgets]
        self.fields["district"].choices = everything + [(str(d.pk), d.name) for d in districts]
        if len(budgets) < 2:
            del self.fields["budget"]
        if not districts:
            del self.fields["district"]
