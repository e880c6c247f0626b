"""Reads of the budget vote: what a person may vote in and what they did, turnout, tallies while open."""

from collections import Counter, defaultdict

from django.db.models import Count
from django.db.models.functions import TruncDate

from tenant_apps.budgets.common import voting_slot
from tenant_apps.budgets.models import (
    Ballot,
    BallotKind,
    Budget,
    Channel,
    Edition,
    PaperEntry,
    PollingPlace,
    VoterMark,
)
from tenant_apps.budgets.services.voting import ballot_of, mark_refusal, voter_identity_key
from tenant_apps.participation.permissions import capability_decision, is_staff
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.state import process_state


def edition_budgets(edition: Edition) -> list[Budget]:
    return list(Budget.objects.filter(edition=edition).select_related("district", "edition__process"))


def voter_budgets(*, edition: Edition, user) -> list[dict]:
    """Each budget of the edition for `user`: whether they voted (channel, when), may vote, or why not."""
    budgets = edition_budgets(edition)
    state = process_state(edition.process)
    decision = capability_decision(user=user, process=edition.process, capability=Capability.BALLOT, state=state)
    marks = []
    if user is not None and user.is_authenticated:
        key = voter_identity_key(user)
        marks = list(VoterMark.objects.filter(edition=edition, account=user).select_related("budget", "polling_place"))
        if key:
            seen = {m.pk for m in marks}
            marks += [m for m in VoterMark.objects.filter(edition=edition, identity_key=key)
                      .select_related("budget", "polling_place") if m.pk not in seen]
    rows = []
    for budget in budgets:
        slot = voting_slot(budget)
        mark = next((m for m in marks if m.slot == slot), None)
        row = {"budget": budget, "mark": None, "voted": False, "channel": "", "when": None, "ballot": None,
               "may_vote": bool(decision), "reason": "" if decision else decision.reason,
               "code": "" if decision else decision.code}
        if mark is not None and mark.budget_id == budget.pk:
            row.update(mark=mark, voted=True, channel=mark.channel, when=mark.created_at,
                       ballot=ballot_of(budget=budget, voter=user))
            # Online voters may change their ballot while the vote is open; a paper vote is final.
            row["may_vote"] = bool(decision) and mark.channel == Channel.ONLINE
            if mark.channel != Channel.ONLINE:
                row["reason"], row["code"] = mark_refusal(mark, budget), "already_voted"
        elif mark is not None:
            row.update(may_vote=False, reason=mark_refusal(mark, budget), code="closed_to_you",
                       closed_by=mark.budget)
        rows.append(row)
    return rows


def _count_by(qs, field) -> dict:
    return {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("pk")).order_by(field)}


def turnout(*, edition: Edition) -> dict:
    """Live turnout for the staff: by budget and channel, district, polling place (marks vs typed-in ballots),
    per day and by age range."""
    budgets = edition_budgets(edition)
    marks = VoterMark.objects.filter(edition=edition)
    by_budget_channel = defaultdict(Counter)
    for row in marks.values("budget_id", "channel").annotate(n=Count("pk")):
        by_budget_channel[row["budget_id"]][row["channel"]] = row["n"]
    budget_rows = []
    for budget in budgets:
        counts = by_budget_channel.get(budget.pk, Counter())
        budget_rows.append({"budget": budget, "online": counts.get(Channel.ONLINE, 0),
                            "paper": counts.get(Channel.PAPER, 0), "imported": counts.get(Channel.IMPORT, 0),
                            "total": sum(counts.values())})
    places = list(PollingPlace.objects.filter(edition=edition).select_related("district"))
    marked = _count_by(marks.filter(channel=Channel.PAPER), "polling_place_id")
    entries = defaultdict(Counter)
    for row in (PaperEntry.objects.filter(budget__edition=edition).values("polling_place_id", "state")
                .annotate(n=Count("pk"))):
        entries[row["polling_place_id"]][row["state"]] = row["n"]
    place_rows = []
    for place in places:
        states = entries.get(place.pk, Counter())
        counted = states.get(PaperEntry.State.CONFIRMED, 0) + states.get(PaperEntry.State.VOID, 0)
        place_rows.append({"place": place, "marked": marked.get(place.pk, 0), "counted": counted,
                           "confirmed": states.get(PaperEntry.State.CONFIRMED, 0),
                           "void": states.get(PaperEntry.State.VOID, 0),
                           "awaiting": states.get(PaperEntry.State.AWAITING_SECOND, 0),
                           "mismatch": states.get(PaperEntry.State.MISMATCH, 0),
                           "gap": marked.get(place.pk, 0) - counted})
    days = [{"day": row["day"], "n": row["n"]} for row in
            marks.annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("pk")).order_by("day")]
    from tenant_apps.statistics.models import CitizenProfile

    labels = dict(CitizenProfile.AgeRange.choices)
    ages = [{"label": labels.get(key) or "", "key": key, "n": n}
            for key, n in _count_by(marks, "age_range").items()]
    districts = defaultdict(int)
    for row in budget_rows:
        districts[row["budget"].district.name if row["budget"].district_id else ""] += row["total"]
    return {"budgets": budget_rows, "places": place_rows, "days": days, "ages": ages,
            "districts": sorted(districts.items()), "total": sum(r["total"] for r in budget_rows),
            "mismatches": sum(r["mismatch"] for r in place_rows)}


def public_turnout(*, edition: Edition) -> list[dict] | None:
    """Voters per budget for everyone, when the city chose to show it; None otherwise."""
    if not edition.show_turnout_publicly:
        return None
    counts = _count_by(VoterMark.objects.filter(edition=edition), "budget_id")
    return [{"budget": b, "total": counts.get(b.pk, 0)} for b in edition_budgets(edition)]


def tallies_visible(*, edition: Edition, user) -> bool:
    return is_staff(user) or edition.show_tallies_during_vote


def tallies(*, budget: Budget) -> list[dict]:
    """Per project of the ballot: ballots choosing it (and points, for points and ranks), confirmed ballots only."""
    from tenant_apps.budgets.ballots import ballot_projects

    projects = ballot_projects(budget)
    supporters, points = Counter(), Counter()
    for choices in Ballot.objects.filter(budget=budget).values_list("choices", flat=True).iterator():
        for key, value in (choices or {}).items():
            supporters[key] += 1
            if budget.ballot_kind == BallotKind.CUMULATIVE:
                points[key] += value
            elif budget.ballot_kind == BallotKind.ORDINAL:
                ranks = budget.points_by_rank or []
                points[key] += ranks[value - 1] if 0 < value <= len(ranks) else 0
    rows = [{"project": p, "supporters": supporters.get(str(p.pk), 0), "points": points.get(str(p.pk), 0)}
            for p in projects]
    return sorted(rows, key=lambda r: (-r["points"], -r["supporters"], r["project"].number or 0))


def mismatches(*, edition: Edition):
    return (PaperEntry.objects.filter(budget__edition=edition, state=PaperEntry.State.MISMATCH)
            .select_related("budget", "polling_place", "first_by", "second_by").order_by("polling_place_id", "sheet"))
