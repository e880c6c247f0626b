"""Open data of a budget in the pabulib format (https://pabulib.org/format), around the engine's reader and writer.

Export: the anonymised ballots (shuffled voter numbers; no account, date or polling place) and the published
result of a budget. Import: a `.pb` file becomes a new budget of an edition, with its projects on the ballot
and its ballots (channel "import", no voter marks), in one transaction: a file that cannot be read writes nothing.
"""

import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets.common import vote_phase
from tenant_apps.budgets.counting import BallotKind, CountingError, read_pb, write_pb
from tenant_apps.budgets.counting.ties import natural_key
from tenant_apps.budgets.models import Ballot, Budget, Channel, CountingRule, Edition, Project, Result
from tenant_apps.budgets.services.results import _admin_check, budget_election, budget_projects
from tenant_apps.participation.state import process_state
from tenants.selectors import collectivity_current

MAX_FILE_BYTES = 20 * 1024 * 1024
SMALL_INT = 32767  # PositiveSmallIntegerField

# Our methods as pabulib names them in META "rule", and back.
RULE_TO_PB = {
    CountingRule.GREEDY: "greedy",
    CountingRule.GREEDY_NO_SKIP: "greedy-no-skip",
    CountingRule.GREEDY_THRESHOLD: "greedy-threshold",
    CountingRule.MES: "equalshares",
    CountingRule.MES_ADD1: "equalshares/add1",
    CountingRule.MES_ADD1_UTILITARIAN: "equalshares/add1/utilitarian",
    CountingRule.MES_ADD1_COMPARISON: "equalshares/add1/comparison",
}
PB_TO_RULE = {value: key for key, value in RULE_TO_PB.items()}

IMPORT_ERRORS = {
    "invalid_pb": gettext_lazy("the file does not follow the pabulib format"),
    "unreadable_file": gettext_lazy("the file cannot be read"),
    "unknown_project": gettext_lazy("a vote names a project that is not in the PROJECTS section"),
    "unsupported_vote_type": gettext_lazy("this kind of vote is not supported"),
    "duplicate_project": gettext_lazy("two projects have the same id"),
    "negative_amount": gettext_lazy("a cost or the budget is negative"),
}


def _pb_date(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y") if moment else ""


def budget_pb_export(*, budget: Budget, rng: random.Random | None = None) -> tuple[str, str]:
    """(file name, text) of the budget's anonymised ballots and published result. Raises NotAllowed if the
    result is not published, Invalid for majority judgment (pabulib has no such vote type)."""
    result = Result.objects.filter(budget=budget, is_published=True).first()
    if result is None:
        raise NotAllowed("not_published", _("The results of this budget are not published yet."))
    if budget.ballot_kind == BallotKind.MAJORITY_JUDGMENT:
        raise Invalid("unsupported_kind", _("The pabulib format has no vote type for majority judgment."))
    edition = budget.edition
    process = edition.process
    election = budget_election(budget, budget_projects(budget))
    phase = vote_phase(process_state(process))
    city = collectivity_current()
    meta = {
        "description": f"Budget participatif — {process.title} — {budget.name}",
        "country": "France",
        "unit": getattr(city, "name", "") or "",
        "instance": process.title,
        "subunit": budget.district.name if budget.district_id else "",
        "district": budget.district.name if budget.district_id else "",
        "rule": RULE_TO_PB.get(result.rule, result.rule),
        "currency": "EUR",
        "language": "fr",
        "edition": str(timezone.localtime(phase.starts_at).year) if phase else "",
        "date_begin": _pb_date(phase.starts_at) if phase else "",
        "date_end": _pb_date(phase.ends_at) if phase else "",
    }
    if result.rule == CountingRule.GREEDY_THRESHOLD and result.threshold:
        meta["min_project_score_threshold"] = str(result.threshold)
    meta = {key: value for key, value in meta.items() if value}
    text = write_pb(election, meta=meta, selected=[str(pk) for pk in result.selected], rng=rng)
    slug = f"{process.slug}-{budget.pk}"
    return f"{slug}.pb", text


@dataclass
class PbImport:
    budget: Budget
    projects: dict[str, Project] = field(default_factory=dict)  # file's project id → new project
    ballots: int = 0


def import_allowed(edition: Edition) -> None:
    """Only into a past edition (every phase over): imported ballots must never mix with a vote to come or
    under way. Raises NotAllowed with the reason."""
    state = process_state(edition.process)
    if state.past and not state.active and not state.upcoming:
        return
    raise NotAllowed("edition_running", _(
        "A file can be imported only into a past edition, whose phases are all over (to compare with it). "
        "Create a process for that edition with its past dates, then import the file there."))


def _refuse(code: str, detail: str = "") -> Invalid:
    reason = IMPORT_ERRORS.get(code) or _("the file cannot be used")
    message = _("This file cannot be imported: %(reason)s.") % {"reason": reason}
    if detail:
        message += " " + _("Detail: %(detail)s") % {"detail": detail}
    return Invalid(code, message)


def pb_import(*, edition: Edition, actor, text: str, name: str = "") -> PbImport:
    """Load a pabulib file as a new budget of `edition` (projects on the ballot, imported ballots)."""
    _admin_check(actor)
    import_allowed(edition)
    try:
        pb = read_pb(text if "\n" in text else text + "\n")
        election = pb.election()
    except CountingError as error:
        raise _refuse(error.code, str(error)) from None
    if not election.projects:
        raise _refuse("invalid_pb", _("the PROJECTS section is empty"))
    if election.budget <= 0:
        raise _refuse("invalid_pb", _("the budget must be a positive amount"))
    if any(p.cost <= 0 for p in election.projects):
        raise _refuse("invalid_pb", _("every project must cost more than 0"))
    kind = election.kind
    meta = pb.meta
    rule = PB_TO_RULE.get(meta.get("rule", "").strip().lower(), CountingRule.GREEDY)
    points_by_rank = list(election.points_by_rank or ())
    if kind == BallotKind.ORDINAL and not points_by_rank:
        # The engine's default scale (k..1, k the longest ranking allowed), written out so the budget keeps it.
        longest = election.max_length or len(election.projects)
        points_by_rank = [election.rank_points(rank) for rank in range(1, longest + 1)]
    title = (name or meta.get("description") or f"{meta.get('unit', '')} {meta.get('instance', '')}").strip()
    title = (title or _("Imported budget"))[:120]

    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=edition.pk)
        budget = Budget.objects.create(
            edition=edition, name=title, amount=election.budget, ballot_kind=kind,
            min_choices=min(election.min_length or 0, SMALL_INT), max_choices=min(election.max_length or 0, SMALL_INT),
            max_points_per_project=min(election.max_points_per_project or 3, SMALL_INT),
            max_total_points=min(election.max_total_points or 7, SMALL_INT),
            points_by_rank=points_by_rank, counting_rule=rule, position=edition.budgets.count())
        ordered = sorted(election.projects, key=lambda p: natural_key(p.id))
        made = Project.objects.bulk_create([
            Project(edition=edition, budget=budget, number=position, cost=p.cost, state=Project.State.ON_BALLOT,
                    title=(p.name or _("Project %(id)s") % {"id": p.id})[:200],
                    summary=(_("Imported from a pabulib file (project %(id)s).") % {"id": p.id})[:400])
            for position, p in enumerate(ordered, start=1)])
        by_file_id = {p.id: project for p, project in zip(ordered, made, strict=True)}
        # Ties between the new projects are broken as the file's ids would have broken them.
        budget.drawn_order, budget.drawn_at = [project.pk for project in made], timezone.now()
        budget.save(update_fields=["drawn_order", "drawn_at"])
        rows = (Ballot(budget=budget, channel=Channel.IMPORT,
                       choices={str(by_file_id[pid].pk): value for pid, value in ballot.items()})
                for ballot in election.ballots)
        count = 0
        batch: list[Ballot] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 2000:
                Ballot.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        Ballot.objects.bulk_create(batch)
        count += len(batch)
        city_audit_record(actor=actor, action="budget.pb_import", target=budget, name=budget.name,
                          projects=len(made), ballots=count, source=meta.get("description", "")[:200])
    return PbImport(budget=budget, projects=by_file_id, ballots=count)


def decode_upload(upload) -> str:
    """The text of an uploaded .pb file (UTF-8), or Invalid with a reason."""
    if upload.size > MAX_FILE_BYTES:
        raise Invalid("too_big", _("The file is larger than 20 MB."))
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("unreadable_file", _("it is not UTF-8 text")) from None
