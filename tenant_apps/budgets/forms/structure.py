"""Forms of the structure part of the budget module (HTTP input only; the services decide)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.budgets.models import BallotKind, CountingRule, Edition, IdeaReview
from tenant_apps.organisation.models import Department
from tenant_apps.participation.models import District

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class AriaErrorsMixin:
    """Ties each field's errors to it (aria-invalid, aria-describedby) once the form is validated."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                attrs = self.fields[name].widget.attrs
                described = [attrs.get("aria-describedby", ""), f"{bound.auto_id}_errors"]
                if self.fields[name].help_text:
                    described.insert(0, f"{bound.auto_id}_helptext")
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = " ".join(dict.fromkeys(d for d in described if d))


def _freeze(form, names, reason):
    for name in names:
        if name in form.fields:
            form.fields[name].disabled = True
            form.fields[name].help_text = reason


class EditionSettingsForm(AriaErrorsMixin, forms.Form):
    voting_scope = forms.ChoiceField(label=_("Who votes in which budget"), choices=Edition.VotingScope.choices,
                                     widget=forms.RadioSelect)
    rules_text = forms.CharField(label=_("Rules (règlement)"), required=False, max_length=100_000,
                                 widget=forms.Textarea(attrs={"rows": 12}),
                                 help_text=_("Published on the rules page. Paragraphs, bold, italics, lists, "
                                             "headings and links are kept."))
    show_tallies_during_vote = forms.BooleanField(label=_("Show the tallies while the vote is open"), required=False)
    show_turnout_publicly = forms.BooleanField(label=_("Show the turnout to the public while the vote is open"),
                                               required=False)
    satisfaction_open = forms.BooleanField(label=_("Open the satisfaction survey"), required=False)

    def __init__(self, *args, frozen_reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if frozen_reason:
            _freeze(self, ("voting_scope", "rules_text"), frozen_reason)


def _int_list(value: str) -> list[int]:
    parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise forms.ValidationError(_("Write whole numbers separated by commas, for example 3, 2, 1.")) from None
    if any(n < 0 or n > 1000 for n in numbers) or len(numbers) > 50:
        raise forms.ValidationError(_("Points must be between 0 and 1000, for 50 ranks at most."))
    return numbers


class BudgetForm(AriaErrorsMixin, forms.Form):
    """An envelope. Every parameter is in the page, grouped in fieldsets by kind of ballot (no script needed)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False,
                                      empty_label=_("None: city-wide budget"))
    amount = forms.IntegerField(label=_("Envelope (€)"), min_value=1, max_value=10**12)
    ballot_kind = forms.ChoiceField(label=_("Kind of ballot"), choices=BallotKind.choices, widget=forms.RadioSelect)
    min_choices = forms.IntegerField(label=_("Minimum number of projects"), min_value=0, max_value=500, initial=1)
    max_choices = forms.IntegerField(label=_("Maximum number of projects (0: no limit)"), min_value=0,
                                     max_value=500, initial=5)
    min_share_percent = forms.IntegerField(label=_("The basket must use at least (% of the envelope)"),
                                           min_value=0, max_value=100, initial=0)
    max_total_points = forms.IntegerField(label=_("Points each voter shares out"), min_value=1, max_value=1000,
                                          initial=7)
    max_points_per_project = forms.IntegerField(label=_("Points per project at most"), min_value=1, max_value=1000,
                                                initial=3)
    points_by_rank = forms.CharField(label=_("Points by rank, first rank first"), max_length=300, required=False,
                                     initial="3, 2, 1", help_text=_("For example 3, 2, 1: the first choice gets 3 "
                                                                    "points, the second 2, the third 1."))
    grades = forms.CharField(label=_("Grades, best first (one a line)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 6}),
                             initial="Très bien\nBien\nAssez bien\nPassable\nInsuffisant\nÀ rejeter")
    counting_rule = forms.ChoiceField(label=_("Counting method"), choices=CountingRule.choices)
    threshold = forms.IntegerField(label=_("Minimum number of votes to be funded"), min_value=0, max_value=10**9,
                                   initial=0, help_text=_("Used by the counting method with a minimum number of "
                                                          "votes; 0 for none."))

    FIELDSETS = (
        (_("The envelope"), "", ("name", "district", "amount", "ballot_kind")),
        (_("Approval and basket ballots"), _("How many projects a voter chooses."), ("min_choices", "max_choices")),
        (_("Basket ballots"), _("The total cost of a basket never exceeds the envelope."), ("min_share_percent",)),
        (_("Points ballots"), _("Each voter shares points out among the projects."),
         ("max_total_points", "max_points_per_project")),
        (_("Ranking ballots"), _("Each voter ranks projects; each rank is worth a number of points."),
         ("points_by_rank",)),
        (_("Majority judgment ballots"), _("Each voter grades every project."), ("grades",)),
        (_("Counting"), _("Majority judgment ballots are counted by majority judgment, and only they are."),
         ("counting_rule", "threshold")),
    )

    def __init__(self, *args, frozen_reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.order_by("position", "name")
        if frozen_reason:
            _freeze(self, list(self.fields), frozen_reason)

    def fieldsets(self):
        return [{"legend": legend, "hint": hint, "fields": [self[name] for name in names]}
                for legend, hint, names in self.FIELDSETS]

    def clean_points_by_rank(self):
        return _int_list(self.cleaned_data.get("points_by_rank") or "")

    def clean_grades(self):
        grades = [" ".join(line.split()) for line in (self.cleaned_data.get("grades") or "").splitlines()]
        grades = [g for g in grades if g]
        if any(len(g) > 40 for g in grades):
            raise forms.ValidationError(_("A grade is 40 characters at most."))
        if len(set(grades)) != len(grades):
            raise forms.ValidationError(_("Two grades have the same name."))
        return grades

    def values(self) -> dict:
        return dict(self.cleaned_data)

    @staticmethod
    def initial_for(budget) -> dict:
        return {"name": budget.name, "district": budget.district_id, "amount": budget.amount,
                "ballot_kind": budget.ballot_kind, "min_choices": budget.min_choices,
                "max_choices": budget.max_choices, "min_share_percent": budget.min_share_percent,
                "max_total_points": budget.max_total_points, "max_points_per_project": budget.max_points_per_project,
                "points_by_rank": ", ".join(str(p) for p in budget.points_by_rank or ()),
                "grades": "\n".join(budget.grades or ()), "counting_rule": budget.counting_rule,
                "threshold": budget.threshold}


class CriterionForm(AriaErrorsMixin, forms.Form):
    label = forms.CharField(label=_("Criterion"), max_length=200)
    help_text = forms.CharField(label=_("Explanation (optional)"), max_length=400, required=False)

    def __init__(self, *args, frozen_reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if frozen_reason:
            _freeze(self, list(self.fields), frozen_reason)


YES_NO = (("yes", _("Yes")), ("no", _("No")))


class AdmissibilityForm(AriaErrorsMixin, forms.Form):
    """The checklist (one yes/no per criterion), the decision and the reasoned answer to the author."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=(
        (IdeaReview.Admissibility.ADMISSIBLE, _("Admissible")),
        (IdeaReview.Admissibility.NOT_ADMISSIBLE, _("Not admissible"))))
    reason = forms.CharField(label=_("Reasoned answer to the author"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Required when the idea is not admissible. Sent to the author and shown "
                                         "in the idea's history."))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        fields = {}
        for criterion in self.criteria:
            fields[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.label, choices=YES_NO, widget=forms.RadioSelect, help_text=criterion.help_text)
        self.fields = {**fields, **self.fields}

    def clean(self):
        data = super().clean()
        if data.get("decision") == IdeaReview.Admissibility.NOT_ADMISSIBLE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Explain to the author why the idea is not admissible."))
        return data

    def checklist(self) -> dict:
        return {str(c.pk): self.cleaned_data.get(f"criterion_{c.pk}") == "yes" for c in self.criteria}

    @staticmethod
    def initial_for(review) -> dict:
        if review is None:
            return {}
        initial = {f"criterion_{k}": "yes" if v else "no" for k, v in (review.checklist or {}).items()}
        if review.admissibility:
            initial["decision"] = review.admissibility
        initial["reason"] = review.admissibility_reason
        return initial


class FeasibilityForm(AriaErrorsMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Feasibility"), widget=forms.RadioSelect, choices=(
        (IdeaReview.Feasibility.FEASIBLE, _("Feasible")), (IdeaReview.Feasibility.NOT_FEASIBLE, _("Not feasible"))))
    estimated_cost = forms.IntegerField(label=_("Cost estimate (€)"), min_value=1, max_value=10**12, required=False,
                                        help_text=_("Required when the idea is feasible."))
    delay_months = forms.IntegerField(label=_("Time to build (months)"), min_value=0, max_value=240, required=False)
    department = forms.ModelChoiceField(label=_("Department in charge"), queryset=Department.objects.none(),
                                        required=False, empty_label=_("No department"))
    technical_opinion = forms.CharField(label=_("Technical opinion"), required=False, max_length=5000,
                                        widget=forms.Textarea(attrs={"rows": 5}),
                                        help_text=_("Required when the idea is not feasible. Sent to the author and "
                                                    "shown on the project's page."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("decision") == IdeaReview.Feasibility.FEASIBLE and not data.get("estimated_cost"):
            self.add_error("estimated_cost", _("Give the cost estimate of a feasible idea, in whole euros."))
        if data.get("decision") == IdeaReview.Feasibility.NOT_FEASIBLE and not (
                data.get("technical_opinion") or "").strip():
            self.add_error("technical_opinion", _("Explain to the author why the idea is not feasible."))
        return data

    @staticmethod
    def initial_for(review) -> dict:
        if review is None:
            return {}
        return {"decision": review.feasibility or None, "estimated_cost": review.estimated_cost,
                "delay_months": review.delay_months, "department": review.department_id,
                "technical_opinion": review.technical_opinion}


class ReviewFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Review"), required=False, choices=(
        ("", _("All")), ("pending", _("Admissibility not decided")), ("admissible", _("Admissible")),
        ("not_admissible", _("Not admissible")), ("to_study", _("Feasibility to study")),
        ("feasible", _("Feasible")), ("not_feasible", _("Not feasible")),
        ("without_project", _("Feasible, not in a project yet")), ("in_project", _("In a project"))))
    district = forms.ChoiceField(label=_("District"), required=False)
    q = forms.CharField(label=_("Search (words or number)"), required=False, max_length=200)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("All"))] + [(d.slug, d.name) for d in districts]
        if not districts:
            del self.fields["district"]


class ProjectForm(AriaErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=400, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(label=_("Description"), required=False, max_length=50_000,
                           widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Paragraphs, bold, italics, lists, headings and links are kept."))
    cost = forms.IntegerField(label=_("Cost (€)"), min_value=1, max_value=10**12)
    budget = forms.ModelChoiceField(label=_("Budget"), queryset=None, required=False,
                                    empty_label=_("Not chosen yet"))
    delay_months = forms.IntegerField(label=_("Time to build (months)"), min_value=0, max_value=240, required=False)
    department = forms.ModelChoiceField(label=_("Department in charge"), queryset=Department.objects.none(),
                                        required=False, empty_label=_("No department"))
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False,
                                      empty_label=_("None (city-wide)"))
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                  required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180,
                                   max_value=180, required=False)
    photo = forms.FileField(label=_("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
                            help_text=_("JPEG, PNG or WebP, 10 MB at most. Hidden data (such as GPS position) is "
                                        "removed."))
    image_alt = forms.CharField(label=_("Text alternative of the photo"), max_length=250, required=False,
                                help_text=_("What the photo shows, for people who cannot see it."))
    remove_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)

    BALLOT_FIELDS = ("title", "cost", "budget")

    def __init__(self, *args, edition, frozen_reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].queryset = edition.budgets.order_by("position", "id")
        self.fields["department"].queryset = Department.objects.order_by("name")
        self.fields["district"].queryset = District.objects.order_by("position", "name")
        if frozen_reason:
            _freeze(self, self.BALLOT_FIELDS, frozen_reason)

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both the latitude and the longitude, or neither."))
        if data.get("photo") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Describe the photo for people who cannot see it."))
        return data

    @staticmethod
    def initial_for(project) -> dict:
        return {"title": project.title, "summary": project.summary, "body": project.body, "cost": project.cost,
                "budget": project.budget_id, "delay_months": project.delay_months,
                "department": project.department_id, "district": project.district_id,
                "latitude": project.latitude, "longitude": project.longitude, "image_alt": project.image_alt}


class ProjectCreateForm(ProjectForm):
    ideas = forms.ModelMultipleChoiceField(label=_("Ideas it comes from"), queryset=None,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("Feasible ideas not yet in a project. Several ideas are "
                                                       "merged into this project; every author is credited."))

    field_order = ["ideas"]

    def __init__(self, *args, ideas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ideas"].queryset = ideas
        self.fields["ideas"].label_from_instance = lambda idea: _("%(title)s (no. %(id)s)") % {
            "title": idea.title, "id": idea.pk}
        self.order_fields(["ideas"])
        del self.fields["remove_photo"]


class CampaignForm(AriaErrorsMixin, forms.Form):
    campaign_text = forms.CharField(label=_("Campaign text"), required=False, max_length=20_000,
                                    widget=forms.Textarea(attrs={"rows": 12}),
                                    help_text=_("Why vote for this project. Paragraphs, bold, italics, lists and "
                                                "links are kept; anything else is removed."))


class ProjectFilterForm(forms.Form):
    budget = forms.ChoiceField(label=_("Budget"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, budgets, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].choices = [("", _("All"))] + [(str(b.pk), b.name) for b in budgets]
        self.fields["district"].choices = [("", _("All"))] + [(d.slug, d.name) for d in districts]
        if not districts:
            del self.fields["district"]
