"""Bar charts drawn on the server as SVG: no script, every bar labelled with its value.

Coordinates are formatted here as strings: a template would localise a float (1,5 in French),
which breaks SVG attributes.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tenant_apps.statistics.selectors import bucket_of

# Vertical charts (time series)
SLOT = 32
BAR = 22
TOP = 22
PLOT_HEIGHT = 160
BOTTOM = 62
SIDE = 8
LEFT = 48  # room for the first date label, written at 45 degrees down to the left
# Horizontal charts (categories)
LABEL_WIDTH = 210
PLOT_WIDTH = 300
VALUE_WIDTH = 70
ROW = 28
ROW_BAR = 18
LABEL_CHARACTERS = 32


def _n(value: float) -> str:
    return f"{value:.1f}"


@dataclass
class Bar:
    label: str
    value: int
    x: str = ""
    y: str = ""
    width: str = ""
    height: str = ""
    label_x: str = ""
    label_y: str = ""
    label_transform: str = ""
    short_label: str = ""
    value_x: str = ""
    value_y: str = ""


@dataclass
class Chart:
    id: str
    caption: str
    label_header: str
    value_header: str
    orientation: str
    bars: list[Bar] = field(default_factory=list)
    width: str = ""
    height: str = ""
    axis: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


def _scale(values: list[int]) -> int:
    return max([*values, 1])


def vertical(*, id: str, caption: str, label_header: str, value_header: str,
             items: list[tuple[str, int]]) -> Chart:
    """Bars standing on a baseline, the value above each bar and its label below (time series)."""
    chart = Chart(id=id, caption=caption, label_header=label_header, value_header=value_header,
                  orientation="vertical")
    top = _scale([value for _label, value in items])
    baseline = TOP + PLOT_HEIGHT
    for index, (label, value) in enumerate(items):
        height = PLOT_HEIGHT * value / top
        centre = LEFT + index * SLOT + SLOT / 2
        label_y = baseline + 14
        chart.bars.append(Bar(
            label=label, value=value, short_label=label,
            x=_n(centre - BAR / 2), y=_n(baseline - height), width=_n(BAR), height=_n(height),
            value_x=_n(centre), value_y=_n(baseline - height - 5),
            label_x=_n(centre), label_y=_n(label_y), label_transform=f"rotate(-45 {_n(centre)} {_n(label_y)})",
        ))
    chart.width = _n(LEFT + max(len(items), 1) * SLOT + SIDE)
    chart.height = _n(baseline + BOTTOM)
    chart.axis = {"x1": _n(LEFT), "x2": _n(LEFT + max(len(items), 1) * SLOT), "y": _n(baseline)}
    return chart


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1].rstrip() + "…"


def horizontal(*, id: str, caption: str, label_header: str, value_header: str,
               items: list[tuple[str, int]]) -> Chart:
    """One bar per row, its label on the left and its value at its end (categories, funnels)."""
    chart = Chart(id=id, caption=caption, label_header=label_header, value_header=value_header,
                  orientation="horizontal")
    top = _scale([value for _label, value in items])
    for index, (label, value) in enumerate(items):
        length = PLOT_WIDTH * value / top
        y = index * ROW + (ROW - ROW_BAR) / 2
        middle = index * ROW + ROW / 2 + 4  # text baseline: about a third of the font size below the middle
        chart.bars.append(Bar(
            label=label, value=value, short_label=_shorten(label),
            x=_n(LABEL_WIDTH), y=_n(y), width=_n(length), height=_n(ROW_BAR),
            label_x=_n(LABEL_WIDTH - 8), label_y=_n(middle),
            value_x=_n(LABEL_WIDTH + length + 6), value_y=_n(middle),
        ))
    chart.width = _n(LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH)
    chart.height = _n(max(len(items), 1) * ROW)
    chart.axis = {"x": _n(LABEL_WIDTH), "y1": "0.0", "y2": chart.height}
    return chart


def bucket_label(day: dt.date, unit: str, *, long: bool = False) -> str:
    """How a bucket is named: a day, the week starting on a day, or a month."""
    if unit == "month":
        return date_format(day, "F Y" if long else "N Y")
    if unit == "week" and long:
        return _("Week of %(day)s") % {"day": date_format(day, "j F Y")}
    return date_format(day, "j F Y" if long else "j N")


def series(*, id: str, caption: str, value_header: str, unit: str, buckets: list[dt.date], values: dict) -> Chart:
    """A time series chart: short labels under the bars, full ones in the table."""
    chart = vertical(id=id, caption=caption, label_header=unit_header(unit), value_header=value_header,
                     items=[(bucket_label(day, unit), values.get(day, 0)) for day in buckets])
    for bar, day in zip(chart.bars, buckets, strict=True):
        bar.label = bucket_label(day, unit, long=True)
    return chart


def unit_header(unit: str) -> str:
    return {"day": _("Day"), "week": _("Week"), "month": _("Month")}[unit]


def _per_unit(per_day: dict, unit: str) -> dict:
    totals: dict = {}
    for day, value in per_day.items():
        bucket = bucket_of(day, unit)
        totals[bucket] = totals.get(bucket, 0) + value
    return totals


def dashboard_charts(data: dict, *, with_visits: bool = True) -> dict:
    """The charts of a dashboard (see selectors.dashboard), each with the same numbers as its table."""
    period, unit, participants_unit = data["period"], data["unit"], data["participants_unit"]
    totals = data["totals"]
    names = data["district_names"]
    unit_buckets = period.buckets(unit)
    charts = {
        "funnel": horizontal(
            id="funnel", caption=_("From visitors to contributors"), label_header=_("Step"),
            value_header=_("People"),
            items=[(_("Visitors"), totals["visitors"]),
                   (_("Signed-in visitors"), totals["signed_in_visitors"]),
                   (_("Participants"), totals["participants"]),
                   (_("Contributors"), totals["contributors"])]),
        "participants": series(
            id="participants", caption=_("Participants over time"), value_header=_("Participants"),
            unit=participants_unit, buckets=period.buckets(participants_unit), values=data["participants_over_time"]),
        "contributions": series(
            id="contributions", caption=_("Contributions over time"), value_header=_("Contributions"),
            unit=unit, buckets=unit_buckets, values=data["contributions_over_time"]),
        "votes": series(
            id="votes", caption=_("Votes and supports over time"), value_header=_("Votes"),
            unit=unit, buckets=unit_buckets, values=data["votes_over_time"]),
        "contributions_by_district": horizontal(
            id="contributions-by-district", caption=_("Contributions by district"), label_header=_("District"),
            value_header=_("Contributions"),
            items=_by_district(data["contributions"]["by_district"], names, _("No district"))),
        "participants_by_district": horizontal(
            id="participants-by-district", caption=_("Participants by district where they live"),
            label_header=_("District"), value_header=_("Participants"),
            items=_by_district(data["participants"]["by_district"], names, _("Not given"))),
        "participants_by_age": horizontal(
            id="participants-by-age", caption=_("Participants by age range"), label_header=_("Age range"),
            value_header=_("Participants"),
            items=[(str(label), data["participants"]["by_age"].get(key, 0)) for key, label in data["age_ranges"]]
            + [(_("Not given"), data["participants"]["by_age"].get("", 0))]),
    }
    if with_visits:
        visitors = {day: v for day, (v, _s) in data["visits_per_day"].items()}
        charts["visitors"] = series(
            id="visitors", caption=_("Visitors over time (distinct each day, added up)"),
            value_header=_("Visitors"), unit=unit, buckets=unit_buckets, values=_per_unit(visitors, unit))
    return charts


def _by_district(counts: dict, names: dict, missing: str) -> list[tuple[str, int]]:
    items = [(name, counts.get(pk, 0)) for pk, name in names.items()]
    if counts.get(None):
        items.append((missing, counts[None]))
    return items


def comparison_charts(rows: list[dict]) -> dict:
    labels = [row["process"].title for row in rows]
    return {
        "participants": horizontal(
            id="compare-participants", caption=_("Participants per edition"), label_header=_("Process"),
            value_header=_("Participants"),
            items=[(label, row["participants"]) for label, row in zip(labels, rows, strict=True)]),
        "contributions": horizontal(
            id="compare-contributions", caption=_("Contributions per edition"), label_header=_("Process"),
            value_header=_("Contributions"),
            items=[(label, row["contributions"]) for label, row in zip(labels, rows, strict=True)]),
        "votes": horizontal(
            id="compare-votes", caption=_("Votes and supports per edition"), label_header=_("Process"),
            value_header=_("Votes"),
            items=[(label, row["votes"]) for label, row in zip(labels, rows, strict=True)]),
    }
