"""HTTP input of the vote: the ballot's fields (the same names online, on the paper-entry page and in the
bench), the polling places, the marking (émargement) and paper-entry forms. Services decide what is valid."""

import uuid

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tenant_apps.budgets.ballots import Problem
from tenant_apps.budgets.models import BallotKind, Budget, Project
from tenant_apps.participation.models import District


def field_id(budget: Budget, project_id) -> str:
    """The HTML id of a project's field, for labels and for error links ("#rank-12")."""
    prefix = {BallotKind.CUMULATIVE: "points", BallotKind.ORDINAL: "rank",
              BallotKind.MAJORITY_JUDGMENT: "grade"}.get(budget.ballot_kind, "project")
    suffix = "-0" if budget.ballot_kind == BallotKind.MAJORITY_JUDGMENT else ""
    return f"{prefix}-{project_id}{suffix}"


def choices_from_post(budget: Budget, projects: list[Project], data) -> tuple[dict, list[Problem]]:
    """{project id: value} from the posted fields (`project`, `points-<id>`, `rank-<id>`, `grade-<id>`);
    empty fields are "not chosen", anything that is not a whole number is a problem of that project."""
    choices, problems = {}, []
    if budget.ballot_kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        for value in data.getlist("project"):
            value = (value or "").strip()
            choices[value if value.isdigit() else f"?{value[:20]}"] = 1
        return choices, problems
    prefix = {BallotKind.CUMULATIVE: "points", BallotKind.ORDINAL: "rank",
              BallotKind.MAJORITY_JUDGMENT: "grade"}[budget.ballot_kind]
    for project in projects:
        raw = (data.get(f"{prefix}-{project.pk}") or "").strip()
        if not raw:
            continue
        if not raw.isdigit():
            problems.append(Problem("not_a_number", _("“%(title)s”: write a whole number.") % {"title": project.title},
                                    project.pk))
            continue
        choices[str(project.pk)] = int(raw)
    return choices, problems


def ballot_rows(budget: Budget, projects: list[Project], choices: dict | None, raw=None) -> list[dict]:
    """What the ballot template shows for each project: its field, and the value to show in it."""
    choices = choices or {}
    grades = list(enumerate(budget.grades or []))
    rows = []
    for project in projects:
        key = str(project.pk)
        value = choices.get(key)
        if raw is not None and budget.ballot_kind in (BallotKind.CUMULATIVE, BallotKind.ORDINAL):
            prefix = "points" if budget.ballot_kind == BallotKind.CUMULATIVE else "rank"
            value = (raw.get(f"{prefix}-{project.pk}") or "").strip()[:6]
        rows.append({"project": project, "id": field_id(budget, project.pk), "value": "" if value is None else value,
                     "checked": value == 1, "grades": [
                         {"index": i, "label": label, "id": f"grade-{project.pk}-{i}", "checked": value == i}
                         for i, label in grades]})
    return rows


def submission_token(value) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except (TypeError, ValueError):
        return None


class PollingPlaceForm(forms.Form):
    name = forms.CharField(label=_lazy("Name"), max_length=150)
    address = forms.CharField(label=_lazy("Address"), max_length=300, required=False)
    opening_hours = forms.CharField(label=_lazy("Opening hours"), max_length=300, required=False,
                                    help_text=_lazy("For example: Saturday 9 am to 6 pm."))
    district = forms.ModelChoiceField(label=_lazy("District"), queryset=District.objects.none(), required=False,
                                      empty_label=_lazy("City-wide"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.all()


class MarkForm(forms.Form):
    """Find the person who votes at the polling place: by account, and/or by the papers they show."""

    budget = forms.TypedChoiceField(label=_lazy("Budget they vote in"), coerce=int)
    email = forms.EmailField(label=_lazy("E-mail address of their account"), required=False)
    given_name = forms.CharField(label=_lazy("Given name"), max_length=150, required=False)
    family_name = forms.CharField(label=_lazy("Family name"), max_length=150, required=False)
    birth_date = forms.DateField(label=_lazy("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, budgets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].choices = [(b.pk, b.name) for b in budgets]

    def clean(self):
        data = super().clean()
        identity = [data.get("given_name"), data.get("family_name"), data.get("birth_date")]
        if any(identity) and not all(identity):
            raise forms.ValidationError(_("Give the given name, the family name and the date of birth."))
        if not data.get("email") and not any(identity):
            raise forms.ValidationError(_("Find the person by their e-mail address, or give their name and date "
                                          "of birth."))
        return data


class PaperSheetForm(forms.Form):
    sheet = forms.IntegerField(label=_lazy("Ballot number"), min_value=1, max_value=10_000_000,
                               help_text=_lazy("The number written on the paper ballot."))
    void = forms.BooleanField(label=_lazy("Void ballot (blank, spoiled or unreadable)"), required=False)


class ResolveForm(forms.Form):
    version = forms.ChoiceField(label=_lazy("Which entry matches the paper ballot?"), widget=forms.RadioSelect,
                                choices=[("first", _lazy("The first entry")), ("second", _lazy("The second entry"))])
