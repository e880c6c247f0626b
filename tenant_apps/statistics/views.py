"""The statistics dashboards of the back-office (agents and administrators)."""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from tenant_apps.backoffice.access import refusal, staff_required
from tenant_apps.participation.blueprints import BLUEPRINTS
from tenant_apps.participation.models import Process
from tenant_apps.statistics import charts, selectors
from tenant_apps.statistics.forms import PeriodForm

# The platform page shows the last three months unless asked otherwise.
PLATFORM_DAYS = 90


def _kind_label(kind: str) -> str:
    blueprint = BLUEPRINTS.get(kind)
    return str(blueprint.label) if blueprint else kind


def _render_dashboard(request, template: str, *, process, default: selectors.Period, extra: dict):
    form = PeriodForm(request.GET or None, default=default)
    data = selectors.dashboard(process=process, period=form.period)
    context = {"form": form, "data": data, "totals": data["totals"], "top": data["top"],
               "charts": charts.dashboard_charts(data), "process": process, **extra}
    return render(request, template, context, status=400 if form.errors else 200)


@staff_required
def platform(request):
    today = timezone.localdate()
    default = selectors.Period(start=today - dt.timedelta(days=PLATFORM_DAYS - 1), end=today)
    kinds = [{"kind": row["kind"], "label": _kind_label(row["kind"]), "editions": row["editions"]}
             for row in selectors.process_kinds()]
    return _render_dashboard(request, "statistics/platform.html", process=None, default=default,
                             extra={"kinds": kinds, "processes": selectors.process_list_for_statistics()})


def process(request, pk: int):
    # The process first (404 on another collectivity's host), then the role.
    item = get_object_or_404(Process, pk=pk)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    return _render_dashboard(request, "statistics/process.html", process=item,
                             default=selectors.process_period(item),
                             extra={"kind_label": _kind_label(item.kind)})


@staff_required
def compare(request, kind: str):
    if kind not in BLUEPRINTS:
        raise Http404
    rows = selectors.process_comparison(kind=kind)
    return render(request, "statistics/compare.html", {
        "kind": kind, "kind_label": _kind_label(kind), "rows": rows, "charts": charts.comparison_charts(rows)})
