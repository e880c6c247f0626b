"""Forms of the back-office's processes, statuses and notification texts (HTTP input only; services decide)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.core.colours import parse_hex_colour
from tenant_apps.notifications.messages import placeholders_check
from tenant_apps.participation.models import District, Phase, Process, Theme
from tenant_apps.participation.phases import Capability, PhaseType, phase_types

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label):
    return forms.DateTimeField(label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                        format=DATETIME_FORMAT),
                               help_text=_("Date and time, for example 2027-03-01 09:00."))


def _date_field(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


class ProcessCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of process"), widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(label=_("Address (optional)"), max_length=80, required=False,
                           help_text=_("The end of the page's address, for example budget-2027. "
                                       "Left empty, it is made from the title."))
    summary = forms.CharField(label=_("Summary"), max_length=400, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Description"), required=False, max_length=50000,
                                  widget=forms.Textarea(attrs={"rows": 8}))
    starts_on = _date_field(_("Start date"), help_text=_("The phases of the kind are laid end to end from this "
                                                          "day; you can change their dates afterwards."))

    def __init__(self, *args, blueprints, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(b.key, f"{b.label} — {b.description}") for b in blueprints]
        self.fields["starts_on"].initial = timezone.localdate()


class ProcessEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=400, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Description"), required=False, max_length=50000,
                                  widget=forms.Textarea(attrs={"rows": 12}),
                                  help_text=_("Formatting: paragraphs, bold, italics, lists and links are kept."))
    cover = forms.FileField(label=_("Cover image"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                            help_text=_("JPEG, PNG or WebP, 10 MB at most. Hidden data (such as GPS position) "
                                        "is removed."))
    remove_cover = forms.BooleanField(label=_("Remove the current cover image"), required=False)
    cover_alt = forms.CharField(label=_("Text alternative of the cover image"), max_length=250, required=False,
                                help_text=_("What the image shows, for people who cannot see it. Leave empty "
                                            "if it is only decorative."))
    themes = forms.ModelMultipleChoiceField(label=_("Themes"), queryset=Theme.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    districts = forms.ModelMultipleChoiceField(label=_("Districts concerned"), queryset=District.objects.all(),
                                               required=False, widget=forms.CheckboxSelectMultiple)
    allows_anonymous = forms.BooleanField(label=_("Contributions may be published anonymously"), required=False)
    max_attachments = forms.IntegerField(label=_("Attachments per contribution"), min_value=0, max_value=10,
                                         help_text=_("Between 0 and 10."))

    def __init__(self, *args, process: Process, **kwargs):
        kwargs.setdefault("initial", {
            "title": process.title, "summary": process.summary, "description": process.description,
            "cover_alt": process.cover_alt, "themes": list(process.themes.all()),
            "districts": list(process.districts.all()), "allows_anonymous": process.allows_anonymous,
            "max_attachments": process.max_attachments,
        })
        super().__init__(*args, **kwargs)
        if not process.cover_image:
            del self.fields["remove_cover"]
        if not self.fields["themes"].queryset.exists():
            del self.fields["themes"]
        if not self.fields["districts"].queryset.exists():
            del self.fields["districts"]


def config_field_name(name: str) -> str:
    return f"config_{name}"


class PhaseForm(forms.Form):
    """A phase's title, dates, capabilities (among its type's) and configuration (from its type's schema)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    starts_at = _datetime_field(_("Start"))
    ends_at = _datetime_field(_("End"))
    capabilities = forms.MultipleChoiceField(label=_("What citizens can do"), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, phase: Phase, phase_type: PhaseType, **kwargs):
        kwargs.setdefault("auto_id", f"phase{phase.pk}_%s")
        initial = {"title": phase.title, "description": phase.description,
                   "starts_at": timezone.localtime(phase.starts_at), "ends_at": timezone.localtime(phase.ends_at),
                   "capabilities": list(phase.capabilities)}
        for name in phase_type.config_schema:
            initial[config_field_name(name)] = phase.config.get(name, phase_type.config_schema[name].default)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.phase = phase
        self.phase_type = phase_type
        self.fields["capabilities"].choices = [(str(c), Capability(c).label)
                                               for c in sorted(phase_type.capabilities)]
        for name, spec in phase_type.config_schema.items():
            label = spec.label or name
            if spec.kind is bool:
                field = forms.BooleanField(label=label, required=False)
            elif spec.kind is int:
                field = forms.IntegerField(label=label, min_value=spec.minimum, max_value=spec.maximum)
            elif spec.choices:
                field = forms.ChoiceField(label=label, choices=[(c, _config_choice_label(c)) for c in spec.choices])
            else:
                field = forms.CharField(label=label, max_length=200, required=False)
            self.fields[config_field_name(name)] = field

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A phase must end after it starts."))
        return data

    def config(self) -> dict:
        return {name: self.cleaned_data[config_field_name(name)] for name in self.phase_type.config_schema}

    def config_fields(self):
        return [self[config_field_name(name)] for name in self.phase_type.config_schema]

    def main_fields(self):
        return [self[name] for name in ("title", "description", "starts_at", "ends_at", "capabilities")]


_CONFIG_CHOICE_LABELS = {
    "none": _("No location"),
    "optional": _("Optional"),
    "required": _("Required"),
}


def _config_choice_label(value: str):
    return _CONFIG_CHOICE_LABELS.get(value, value)


class PhaseAddForm(forms.Form):
    type_key = forms.ChoiceField(label=_("Phase type"))
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False,
                            help_text=_("Left empty, the phase is named after its type."))
    starts_at = _datetime_field(_("Start"))
    ends_at = _datetime_field(_("End"))

    def __init__(self, *args, process: Process, **kwargs):
        kwargs.setdefault("auto_id", "add_%s")
        last_end = process.phases.order_by("-ends_at").values_list("ends_at", flat=True).first()
        start = timezone.localtime(last_end) if last_end else timezone.localtime().replace(
            hour=0, minute=0, second=0, microsecond=0)
        kwargs.setdefault("initial", {"starts_at": start, "ends_at": start + dt.timedelta(days=30)})
        super().__init__(*args, **kwargs)
        self.fields["type_key"].choices = [(t.key, f"{t.label} — {t.description}" if t.description else t.label)
                                           for t in phase_types()]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A phase must end after it starts."))
        return data


class ProcessDuplicateForm(forms.Form):
    title = forms.CharField(label=_("Title of the new edition"), max_length=200, required=False,
                            help_text=_("Left empty: the same title followed by “(copy)”."))
    starts_on = _date_field(_("The first phase starts on"),
                            help_text=_("Every phase moves by the same number of days."))


class StatusForm(forms.Form):
    label_fr = forms.CharField(label=_("Label in French"), max_length=120)
    label_en = forms.CharField(label=_("Label in English"), max_length=120, required=False)
    colour = forms.CharField(label=_("Colour"), max_length=7,
                             help_text=_("As #RRGGBB; white text must stay readable on it (contrast 4.5:1)."))
    is_public = forms.BooleanField(label=_("Shown to the public"), required=False)
    is_final = forms.BooleanField(label=_("Final (the contribution is settled)"), required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, required=False)
    is_default = forms.BooleanField(label=_("Given to new contributions"), required=False,
                                    help_text=_("Exactly one status per kind of process."))

    def clean_colour(self):
        colour = self.cleaned_data["colour"].strip()
        if parse_hex_colour(colour) is None:
            raise forms.ValidationError(_("Give the colour as #RRGGBB."))
        return colour.lower()


class StatusCreateForm(StatusForm):
    kind = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "new_%s")
        super().__init__(*args, **kwargs)
        del self.fields["position"]
        del self.fields["is_default"]


class NotificationTextForm(forms.Form):
    title_fr = forms.CharField(label=_("Title and e-mail subject in French"), max_length=250, required=False)
    body_fr = forms.CharField(label=_("Text in French"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    title_en = forms.CharField(label=_("Title and e-mail subject in English"), max_length=250, required=False)
    body_en = forms.CharField(label=_("Text in English"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self):
        data = super().clean()
        for name in ("title_fr", "body_fr", "title_en", "body_en"):
            for problem in placeholders_check(self.kind, data.get(name, "")):
                self.add_error(name, problem)
        return data
