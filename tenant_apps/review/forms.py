from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.organisation.models import Department
from tenant_apps.participation.blueprints import BLUEPRINTS
from tenant_apps.participation.models import Contribution, Status
from tenant_apps.review.selectors import ASSIGNED_TO_ME, MERGE_CANDIDATES_MAX, UNASSIGNED, staff_list


def kind_label(kind: str) -> str:
    blueprint = BLUEPRINTS.get(kind)
    return str(blueprint.label) if blueprint else kind


def status_choices(statuses) -> list:
    """Statuses grouped by process kind (an <optgroup> each), the internal ones marked as such."""
    groups: dict[str, list] = {}
    for status in statuses:
        label = status.label if status.is_public else _("%(label)s (internal)") % {"label": status.label}
        groups.setdefault(status.process_kind, []).append((str(status.pk), label))
    if len(groups) == 1:
        return next(iter(groups.values()))
    return [(kind_label(kind), choices) for kind, choices in groups.items()]


def _status_key_choices(statuses) -> list[tuple[str, str]]:
    """One choice per status key (the same key in several kinds is one filter), told apart when labels clash."""
    labels: dict[str, list[str]] = {}
    kinds: dict[str, list[str]] = {}
    for status in statuses:
        names = labels.setdefault(status.key, [])
        if status.label not in names:
            names.append(status.label)
        kinds.setdefault(status.key, []).append(kind_label(status.process_kind))
    texts = {key: " / ".join(names) for key, names in labels.items()}
    clashes = {text for text in texts.values() if list(texts.values()).count(text) > 1}
    return [(key, f"{text} ({', '.join(kinds[key])})" if text in clashes else text) for key, text in texts.items()]


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search (words or number)"), required=False, max_length=200)
    process = forms.ChoiceField(label=_("Process"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    assigned = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args, processes, statuses, districts, themes, departments, agents, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["process"].choices = everything + [(str(p.pk), p.title) for p in processes]
        self.fields["status"].choices = everything + _status_key_choices(statuses)
        self.fields["district"].choices = everything + [(d.slug, d.name) for d in districts]
        self.fields["theme"].choices = everything + [(t.slug, t.label) for t in themes]
        self.fields["department"].choices = everything + [(str(d.pk), d.name) for d in departments]
        self.fields["assigned"].choices = everything + [
            (ASSIGNED_TO_ME, _("Me or my departments")), (UNASSIGNED, _("Nobody yet"))] + [
            (str(a.pk), a.get_full_name()) for a in agents]
        for name, field in (("district", districts), ("theme", themes), ("department", departments)):
            if not field:
                del self.fields[name]


class BulkStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status of the selected contributions"))
    message = forms.CharField(label=_("Message to the authors and followers (optional)"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Choose a status"))] + status_choices(statuses)


class AssignForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=None, required=False, empty_label=_("Nobody"))
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False,
                                        empty_label=_("No department"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = staff_list()
        self.fields["agent"].label_from_instance = lambda user: f"{user.get_full_name()} ({user.email})"
        self.fields["department"].queryset = Department.objects.order_by("name")


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Seen only by the city's staff, never by the public or the author."))


class StatusForm(forms.Form):
    status = forms.ModelChoiceField(label=_("Status"), queryset=None, empty_label=None)
    message = forms.CharField(label=_("Message to the author and followers (optional)"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, process_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = Status.objects.filter(process_kind=process_kind)
        self.fields["status"].label_from_instance = lambda s: s.label if s.is_public else _(
            "%(label)s (internal)") % {"label": s.label}


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Official answer"), max_length=50000, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Published on the contribution's page. Simple formatting is kept (paragraphs, "
                                       "bold, italics, lists, links, headings); anything else is removed."))


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(label=_("Contribution to keep"), queryset=None, required=False,
                                      empty_label=_("Choose a contribution"))
    survivor_id = forms.IntegerField(label=_("…or its number"), required=False, min_value=1)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["survivor"]
        field.queryset = candidates
        # Any candidate is accepted; the list shows the first ones (the number field reaches the others).
        field.widget.choices = [("", field.empty_label)] + [
            (str(c.pk), _("%(title)s (no. %(id)s)") % {"title": c.title, "id": c.pk})
            for c in candidates[:MERGE_CANDIDATES_MAX]]

    def clean(self):
        data = super().clean()
        if data.get("survivor_id"):
            data["survivor"] = Contribution.objects.filter(pk=data["survivor_id"]).first()
            if data["survivor"] is None:
                raise forms.ValidationError(_("No contribution has this number."))
        if not data.get("survivor"):
            raise forms.ValidationError(_("Choose the contribution to keep."))
        return data
