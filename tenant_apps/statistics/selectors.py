"""Reads of the statistics dashboards: every figure aggregated in SQL, a fixed number of queries per page.

What counts:
- a *participant* is a person who, in the period, submitted a contribution, voted (or supported),
  commented (official comments of the city excepted) or argued; erased accounts are not counted;
- a *contributor* is a person who submitted a contribution;
- contributions are counted as submitted, hidden or merged ones included (they measure activity);
  the top contributions leave out hidden and merged ones;
- *visitors* are distinct visitors of each day, added up over the period (a person coming on two days
  counts twice: nothing links one day to the next, by design).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, DateTimeField, F, IntegerField, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone

from tenant_apps.discussion.models import Argument, Comment
from tenant_apps.participation.models import Contribution, District, Process
from tenant_apps.statistics import visits
from tenant_apps.statistics.models import CitizenProfile, DailyVisits
from tenant_apps.votes.models import Vote

UNITS = ("day", "week", "month")
TOP_SIZE = 10
# Days whose Redis keys may still be alive: today and the two days before (see visits.KEY_LIFETIME).
LIVE_DAYS = 3


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def unit(self, finest: str = "day") -> str:
        """The finest unit from `finest` that keeps a chart to about 31 bars."""
        if finest == "day" and self.days <= 31:
            return "day"
        if finest in ("day", "week") and self.days <= 31 * 7:
            return "week"
        return "month"

    def buckets(self, unit: str) -> list[dt.date]:
        """The first day of each day, week (Monday) or month of the period."""
        first = bucket_of(self.start, unit)
        result = []
        while first <= self.end:
            result.append(first)
            if unit == "day":
                first += dt.timedelta(days=1)
            elif unit == "week":
                first += dt.timedelta(days=7)
            else:
                first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return result


def bucket_of(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def process_period(process: Process, *, today: dt.date | None = None) -> Period:
    """A process's own period: from its first phase's start to today, or to its last phase's end if it is over."""
    today = today or timezone.localdate()
    bounds = process.phases.aggregate(start=Min("starts_at"), end=Max("ends_at"))
    start = timezone.localdate(bounds["start"]) if bounds["start"] else timezone.localdate(process.created_at)
    end = min(today, timezone.localdate(bounds["end"])) if bounds["end"] else today
    return Period(start=start, end=max(start, end))


# --- Who took part -------------------------------------------------------------------------------

def _scoped(qs, *, process_ids, period, through_contribution: bool):
    if process_ids is not None:
        field = "contribution__process_id__in" if through_contribution else "process_id__in"
        qs = qs.filter(**{field: list(process_ids)})
    if period is not None:
        qs = qs.filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
    return qs.order_by()


def _activity_sql(*, process_ids=None, period: Period | None = None) -> tuple[str, list]:
    """SQL of every act of participation: rows (person, moment, process_ref), one per contribution, vote,
    comment and argument, composed from ORM querysets (one UNION ALL, no row reaches Python)."""
    sources = [
        (Contribution.objects.filter(author__isnull=False), "author_id", "process_id", False),
        (Vote.objects.filter(voter__isnull=False), "voter_id", "contribution__process_id", True),
        (Comment.objects.filter(author__isnull=False, is_official=False), "author_id",
         "contribution__process_id", True),
        (Argument.objects.filter(author__isnull=False), "author_id", "contribution__process_id", True),
    ]
    parts, params = [], []
    for qs, person, process_ref, through in sources:
        qs = _scoped(qs, process_ids=process_ids, period=period, through_contribution=through)
        qs = qs.annotate(person=F(person), moment=F("created_at"), process_ref=F(process_ref)).values_list(
            "person", "moment", "process_ref")
        sql, part_params = qs.query.sql_with_params()
        parts.append(f"({sql})")
        params.extend(part_params)
    return " UNION ALL ".join(parts), params


def _fetchall(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ids(process: Process | None) -> list[int] | None:
    return None if process is None else [process.pk]


def participants_over_time(*, process: Process | None = None, period: Period, unit: str = "week") -> dict:
    """{first day of the week (or day, month): distinct participants} (1 query)."""
    if unit not in UNITS:
        raise ValueError(unit)
    activity, params = _activity_sql(process_ids=_ids(process), period=period)
    # Only compiled ORM SQL is put into these strings; every value is a parameter.
    select = "SELECT (date_trunc(%s, a.moment AT TIME ZONE %s))::date AS bucket, COUNT(DISTINCT a.person)"
    sql = f"{select} FROM ({activity}) AS a GROUP BY 1"  # noqa: S608
    return dict(_fetchall(sql, [unit, timezone.get_current_timezone_name(), *params]))


def participants_breakdown(*, process: Process | None = None, period: Period) -> dict:
    """Distinct participants: in all, by district and by age range of their consented profile (1 query).

    Keys None (district) and "" (age range) hold the participants who gave no such information.
    """
    activity, params = _activity_sql(process_ids=_ids(process), period=period)
    profile = CitizenProfile._meta.db_table
    select = ("SELECT GROUPING(p.district_id), GROUPING(p.age_range), p.district_id, COALESCE(p.age_range, ''), "
              "COUNT(DISTINCT a.person)")
    join = f"LEFT JOIN {profile} AS p ON p.user_id = a.person AND p.consented_at IS NOT NULL"
    sql = f"{select} FROM ({activity}) AS a {join} GROUP BY GROUPING SETS ((p.district_id), (p.age_range), ())"  # noqa: S608
    result = {"total": 0, "by_district": {}, "by_age": {}}
    for district_left_out, age_left_out, district_id, age_range, count in _fetchall(sql, params):
        # GROUPING(column) is 1 in the rows that are *not* grouped by that column.
        if district_left_out and age_left_out:
            result["total"] = count
        elif age_left_out:
            result["by_district"][district_id] = count
        else:
            # No profile (NULL) and a profile without an age range ("") are both "not given".
            result["by_age"][age_range] = result["by_age"].get(age_range, 0) + count
    return result


def participants_per_process(*, process_ids: list[int]) -> dict[int, int]:
    """{process id: distinct participants} over each process's whole life (1 query)."""
    if not process_ids:
        return {}
    activity, params = _activity_sql(process_ids=process_ids)
    sql = f"SELECT a.process_ref, COUNT(DISTINCT a.person) FROM ({activity}) AS a GROUP BY 1"  # noqa: S608
    return dict(_fetchall(sql, params))


# --- What was done -------------------------------------------------------------------------------

def _per_bucket(qs, unit: str) -> dict:
    rows = (qs.annotate(bucket=Trunc("created_at", unit, output_field=DateTimeField()))
            .values("bucket").annotate(n=Count("id")).order_by("bucket"))
    return {timezone.localtime(row["bucket"]).date(): row["n"] for row in rows}


def contributions_over_time(*, process: Process | None = None, period: Period, unit: str = "day") -> dict:
    """{first day of the bucket: contributions submitted} (1 query)."""
    qs = _scoped(Contribution.objects.all(), process_ids=_ids(process), period=period, through_contribution=False)
    return _per_bucket(qs, unit)


def votes_over_time(*, process: Process | None = None, period: Period, unit: str = "day") -> dict:
    """{first day of the bucket: votes and supports cast} (1 query)."""
    qs = _scoped(Vote.objects.all(), process_ids=_ids(process), period=period, through_contribution=True)
    return _per_bucket(qs, unit)


def contribution_totals(*, process: Process | None = None, period: Period) -> dict:
    """Contributions, distinct contributors, and contributions by district ({district id or None: n}) (2 queries)."""
    qs = _scoped(Contribution.objects.all(), process_ids=_ids(process), period=period, through_contribution=False)
    rows = list(qs.values("district_id").annotate(n=Count("id")))
    contributors = qs.aggregate(n=Count("author_id", distinct=True))
    return {"contributions": sum(row["n"] for row in rows), "contributors": contributors["n"],
            "by_district": {row["district_id"]: row["n"] for row in rows}}


def district_names() -> dict[int, str]:
    return dict(District.objects.values_list("id", "name"))


def top_contributions(*, process: Process | None = None, limit: int = TOP_SIZE) -> list[Contribution]:
    """The best received contributions: supports plus votes for minus votes against, then comments (1 query)."""
    qs = Contribution.objects.filter(is_hidden=False, merged_into__isnull=True)
    if process is not None:
        qs = qs.filter(process=process)
    return list(qs.select_related("process").annotate(
        score=F("support_count") + F("for_count") - F("against_count"))
        .order_by("-score", "-comment_count", "-id")[:limit])


# --- Visits --------------------------------------------------------------------------------------

def _live_counts(pairs: list[tuple[int | None, dt.date]]) -> dict:
    """{(process id or None, day): (visitors, signed-in visitors)} read from Redis (one round trip)."""
    if not pairs or not visits.redis_available():
        return {}
    from redis.exceptions import RedisError  # noqa: PLC0415

    try:
        pipe = visits.redis_connection().pipeline(transaction=False)
        for scope, day in pairs:
            pipe.pfcount(visits.visit_key(day=day, process_id=scope))
            pipe.pfcount(visits.visit_key(day=day, process_id=scope, signed_in=True))
        counts = pipe.execute()
    except RedisError:
        return {}
    return {pair: (counts[2 * i], counts[2 * i + 1]) for i, pair in enumerate(pairs) if counts[2 * i]}


def _recent_days(start: dt.date, end: dt.date) -> list[dt.date]:
    today = timezone.localdate()
    return [day for day in (today - dt.timedelta(days=n) for n in range(LIVE_DAYS)) if start <= day <= end]


def visits_per_day(*, process: Process | None = None, period: Period) -> dict[dt.date, tuple[int, int]]:
    """{day: (visitors, signed-in visitors)}: stored days, and the last days counted live in Redis (1 query)."""
    rows = DailyVisits.objects.filter(process=process, date__gte=period.start, date__lte=period.end)
    result = {row.date: (row.visitors, row.signed_in_visitors) for row in rows}
    scope = None if process is None else process.pk
    for (_scope, day), counts in _live_counts([(scope, day) for day in _recent_days(period.start,
                                                                                    period.end)]).items():
        result[day] = counts
    return result


def visits_per_process(*, process_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{process id: (visitors, signed-in visitors)} added up over all days, live days included (1 query)."""
    if not process_ids:
        return {}
    totals = {pk: [0, 0] for pk in process_ids}
    recent = _recent_days(dt.date.min, dt.date.max)
    stored_recent = {}
    for row in DailyVisits.objects.filter(process_id__in=process_ids).values_list(
            "process_id", "date", "visitors", "signed_in_visitors"):
        process_id, day, visitors_count, signed_in = row
        if day in recent:
            stored_recent[(process_id, day)] = (visitors_count, signed_in)
        else:
            totals[process_id][0] += visitors_count
            totals[process_id][1] += signed_in
    live = _live_counts([(pk, day) for pk in process_ids for day in recent])
    for pk in process_ids:
        for day in recent:
            counts = live.get((pk, day)) or stored_recent.get((pk, day)) or (0, 0)
            totals[pk][0] += counts[0]
            totals[pk][1] += counts[1]
    return {pk: (v, s) for pk, (v, s) in totals.items()}


# --- Comparisons ---------------------------------------------------------------------------------

def _count_of(model, path: str):
    return Coalesce(Subquery(
        model.objects.filter(**{path: OuterRef("pk")}).order_by().values(path).annotate(n=Count("id")).values("n"),
        output_field=IntegerField()), 0)


def process_kinds() -> list[dict]:
    """Kinds of the published or archived processes, with how many editions each has (1 query)."""
    return list(Process.objects.exclude(visibility=Process.Visibility.DRAFT).order_by().values("kind")
                .annotate(editions=Count("id")).order_by("kind"))


def process_comparison(*, kind: str) -> list[dict]:
    """One row per published or archived process of `kind`, oldest first, with its key figures (4 queries)."""
    processes = list(
        Process.objects.filter(kind=kind).exclude(visibility=Process.Visibility.DRAFT)
        .annotate(starts_at=Min("phases__starts_at"), ends_at=Max("phases__ends_at"),
                  contribution_total=_count_of(Contribution, "process"),
                  vote_total=_count_of(Vote, "contribution__process"))
        .order_by("starts_at", "id"))
    ids = [process.pk for process in processes]
    participants = participants_per_process(process_ids=ids)
    visitor_counts = visits_per_process(process_ids=ids)
    return [{"process": process, "starts_at": process.starts_at, "ends_at": process.ends_at,
             "contributions": process.contribution_total, "votes": process.vote_total,
             "participants": participants.get(process.pk, 0),
             "visitors": visitor_counts[process.pk][0], "signed_in_visitors": visitor_counts[process.pk][1]}
            for process in processes]


def process_list_for_statistics() -> list[Process]:
    """Every process, for the links of the platform page (1 query)."""
    return list(Process.objects.order_by("-created_at", "-id").only("id", "title", "kind", "visibility"))


# --- One dashboard -------------------------------------------------------------------------------

def dashboard(*, process: Process | None = None, period: Period) -> dict:
    """Every figure of the platform's or a process's dashboard (10 queries, whatever the activity)."""
    unit = period.unit("day")
    participants_unit = period.unit("week")
    breakdown = participants_breakdown(process=process, period=period)
    totals = contribution_totals(process=process, period=period)
    votes = votes_over_time(process=process, period=period, unit=unit)
    day_visits = visits_per_day(process=process, period=period)
    visitors_count = sum(v for v, _s in day_visits.values())
    signed_in_count = sum(s for _v, s in day_visits.values())
    return {
        "period": period,
        "unit": unit,
        "participants_unit": participants_unit,
        "participants_over_time": participants_over_time(process=process, period=period, unit=participants_unit),
        "contributions_over_time": contributions_over_time(process=process, period=period, unit=unit),
        "votes_over_time": votes,
        "visits_per_day": day_visits,
        "participants": breakdown,
        "contributions": totals,
        "totals": {"visitors": visitors_count, "signed_in_visitors": signed_in_count,
                   "participants": breakdown["total"], "contributors": totals["contributors"],
                   "contributions": totals["contributions"], "votes": sum(votes.values())},
        "district_names": district_names(),
        "top": top_contributions(process=process),
        "age_ranges": list(CitizenProfile.AgeRange.choices),
    }
