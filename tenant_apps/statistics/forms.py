import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.statistics.selectors import Period

# Far enough for any edition, near enough to keep the SQL and the charts small.
LONGEST_PERIOD = dt.timedelta(days=3 * 366)
# A date field gives and expects ISO dates, whatever the language of the page.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    du = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    au = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, default: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default
        self.fields["du"].initial = default.start
        self.fields["au"].initial = default.end

    def clean(self):
        data = super().clean()
        start, end = data.get("du") or self.default.start, data.get("au") or self.default.end
        if end < start:
            raise forms.ValidationError(_("The end of the period must come after its start."), code="order")
        if end - start > LONGEST_PERIOD:
            raise forms.ValidationError(_("Choose a period of three years at most."), code="length")
        data["period"] = Period(start=start, end=end)
        return data

    @property
    def period(self) -> Period:
        """The period asked for, or the default one when nothing (or something wrong) was asked."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return self.default
