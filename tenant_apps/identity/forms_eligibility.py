"""Forms of eligibility rules, desk verification and the declaration of residence (HTTP input only)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenant_apps.identity.eligibility import RuleSpec
from tenant_apps.identity.models import EligibilityRule
from tenant_apps.participation.models import District


class RuleForm(forms.Form):
    """One rule: the process's own, or (with `own_rule`) a phase's."""

    requirement = forms.ChoiceField(label=_("What the account needs"), choices=EligibilityRule.Requirement.choices)
    residence = forms.ChoiceField(label=_("Where people must live"), choices=EligibilityRule.Residence.choices,
                                  widget=forms.RadioSelect)
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts (for residents of some districts)"), queryset=District.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple)
    residence_checked = forms.BooleanField(
        label=_("The residence must be checked by the city (at the town hall), not only declared"), required=False)
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=1, max_value=120, required=False,
                                 help_text=_("Leave empty for no minimum age. Many participatory budgets open at "
                                             "11 or 16. The age comes from a verified identity."))

    def __init__(self, *args, rule: EligibilityRule | None = None, **kwargs):
        if rule is not None:
            kwargs.setdefault("initial", {
                "requirement": rule.requirement, "residence": rule.residence,
                "districts": list(rule.districts.all()), "residence_checked": rule.residence_checked,
                "min_age": rule.min_age})
        else:
            kwargs.setdefault("initial", {"requirement": EligibilityRule.Requirement.SIGNED_IN,
                                          "residence": EligibilityRule.Residence.ANY})
        super().__init__(*args, **kwargs)
        if not self.fields["districts"].queryset.exists():
            del self.fields["districts"]

    def _applies(self) -> bool:
        return True

    def clean(self):
        data = super().clean()
        if not self._applies():
            return data
        residence = data.get("residence")
        if residence == EligibilityRule.Residence.DISTRICTS and not data.get("districts"):
            self.add_error("districts" if "districts" in self.fields else "residence",
                           _("Choose at least one district."))
        if residence == EligibilityRule.Residence.ANY and data.get("residence_checked"):
            self.add_error("residence_checked",
                           _("A checked residence only makes sense for residents: choose who must live where."))
        return data

    def spec(self) -> RuleSpec | None:
        data = self.cleaned_data
        return RuleSpec(requirement=data["requirement"], residence=data["residence"],
                        districts=tuple(data.get("districts") or ()), residence_checked=data["residence_checked"],
                        min_age=data.get("min_age"))


class PhaseRuleForm(RuleForm):
    own_rule = forms.BooleanField(label=_("This phase has its own rule (instead of the process's)"),
                                  required=False)

    field_order = ["own_rule"]

    def __init__(self, *args, rule: EligibilityRule | None = None, **kwargs):
        super().__init__(*args, rule=rule, **kwargs)
        self.fields["own_rule"].initial = rule is not None
        # Without its own rule the phase's other fields are ignored, so they may stay empty.
        self.fields["requirement"].required = False
        self.fields["residence"].required = False

    def _applies(self) -> bool:
        return bool(self.cleaned_data.get("own_rule"))

    def clean(self):
        data = super().clean()
        if self._applies():
            for name in ("requirement", "residence"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        return data

    def spec(self) -> RuleSpec | None:
        return super().spec() if self.cleaned_data.get("own_rule") else None


class DeskSearchForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the account"), max_length=254,
                             help_text=_("The exact address the person uses to sign in."))


def _date_field(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


class DeskVerifyForm(forms.Form):
    identity = forms.BooleanField(label=_("I checked an identity document of this person"), required=False)
    birth_date = _date_field(_("Date of birth (as on the identity document)"), required=False,
                             help_text=_("Optional. Needed for processes with a minimum age. Format: 2008-05-31."))
    residence = forms.BooleanField(label=_("I checked a proof of address in the collectivity"), required=False)
    district = forms.ModelChoiceField(label=_("District of residence"), queryset=District.objects.all(),
                                      required=False, empty_label=_("— not recorded —"))
    confirm = forms.BooleanField(
        label=_("I confirm I saw the original documents, with the person present, today"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.fields["district"].queryset.exists():
            del self.fields["district"]

    def clean(self):
        data = super().clean()
        if not data.get("identity") and not data.get("residence"):
            raise forms.ValidationError(_("Choose what you checked: the identity, the residence, or both."))
        if data.get("birth_date") and not data.get("identity"):
            self.add_error("birth_date", _("The date of birth is recorded with the identity check: tick "
                                           "“identity checked”."))
        if data.get("birth_date") and data["birth_date"] > timezone.localdate():
            self.add_error("birth_date", _("This date of birth is not valid."))
        if data.get("district") and not data.get("residence"):
            self.add_error("district", _("The district is recorded with the residence check: tick "
                                         "“residence checked”."))
        return data


class ResidenceForm(forms.Form):
    in_collectivity = forms.TypedChoiceField(
        label=_("Do you live in the collectivity?"), widget=forms.RadioSelect,
        choices=[("yes", _("Yes, I live here")), ("no", _("No, I do not live here"))],
        coerce=lambda value: value == "yes")
    district = forms.ModelChoiceField(label=_("My district (optional)"), queryset=District.objects.all(),
                                      required=False, empty_label=_("— I do not know or prefer not to say —"))

    def __init__(self, *args, place: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if place:
            self.fields["in_collectivity"].label = _("Do you live in %(place)s?") % {"place": place}
        if not self.fields["district"].queryset.exists():
            del self.fields["district"]

    def clean(self):
        data = super().clean()
        if data.get("district") and data.get("in_collectivity") is False:
            self.add_error("district", _("You chose a district but said you do not live here: choose one or the "
                                         "other."))
        return data
