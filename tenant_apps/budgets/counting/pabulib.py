"""Reading and writing pabulib files (https://pabulib.org/format): META, PROJECTS and VOTES sections,
`;`-separated with CSV quoting, the first row of each section naming its columns.

`read_pb` keeps every column of the file; `PbFile.election()` builds the `Election` from META's `vote_type`,
`budget`, `min_length`, `max_length`, `max_points`, `max_sum_points`, `max_sum_cost`, `scoring_fn`.
`write_pb` writes a file that `read_pb` and pabutools' `parse_pabulib` read back to the same election, with
voter ids 1..n given in a random order (ballots are anonymous; the order reveals nothing).
Amounts and points are whole numbers: "2.0" (as pabutools writes points) is read as 2, other decimals are
rounded to the nearest unit.
"""

from __future__ import annotations

import csv
import io
import os
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from .model import BallotKind, CountingError, Election, Project
from .ties import natural_key

SECTIONS = ("meta", "projects", "votes")


@dataclass
class PbFile:
    meta: dict[str, str] = field(default_factory=dict)
    project_columns: list[str] = field(default_factory=list)
    projects: list[dict[str, str]] = field(default_factory=list)
    vote_columns: list[str] = field(default_factory=list)
    votes: list[dict[str, str]] = field(default_factory=list)

    @property
    def selected(self) -> frozenset[str] | None:
        """Ids of the projects the file marks as selected (official outcome), None without that column."""
        if "selected" not in self.project_columns:
            return None
        return frozenset(p["project_id"] for p in self.projects if p.get("selected", "").strip() == "1")

    @property
    def kind(self) -> BallotKind:
        vote_type = self.meta.get("vote_type", "approval").strip().lower()
        if vote_type in ("approval", "choose-1"):
            return BallotKind.KNAPSACK if self.meta.get("max_sum_cost") else BallotKind.APPROVAL
        if vote_type in ("cumulative", "scoring"):
            return BallotKind.CUMULATIVE
        if vote_type == "ordinal":
            return BallotKind.ORDINAL
        raise CountingError("unsupported_vote_type", f"Vote type {vote_type!r} is not supported.")

    def election(self) -> Election:
        meta = self.meta
        kind = self.kind
        if "budget" not in meta:
            raise CountingError("invalid_pb", "META has no budget.")
        projects = tuple(Project(id=p["project_id"], cost=_whole(p.get("cost", ""), "cost"), name=p.get("name", ""))
                         for p in self.projects)
        known = {p.id for p in projects}
        ballots: list[dict[str, int]] = []
        for row in self.votes:
            ids = [pid.strip() for pid in row.get("vote", "").split(",") if pid.strip()]
            for pid in ids:
                if pid not in known:
                    raise CountingError("unknown_project",
                                        f"Voter {row.get('voter_id')!r} voted for unknown project {pid!r}.")
            if len(set(ids)) != len(ids):
                raise CountingError("invalid_pb", f"Voter {row.get('voter_id')!r} names a project twice.")
            if kind == BallotKind.CUMULATIVE:
                points = [x for x in row.get("points", "").split(",") if x.strip()]
                if len(points) != len(ids):
                    raise CountingError("invalid_pb", f"Voter {row.get('voter_id')!r}: as many points as projects "
                                                      "are needed.")
                ballot = {pid: _whole(x, "points") for pid, x in zip(ids, points, strict=True)}
                ballots.append({pid: v for pid, v in ballot.items() if v > 0})
            elif kind == BallotKind.ORDINAL:
                ballots.append({pid: rank for rank, pid in enumerate(ids, start=1)})
            else:
                ballots.append(dict.fromkeys(ids, 1))
        vote_type = meta.get("vote_type", "").strip().lower()
        max_length = _optional_int(meta.get("max_length"))
        if vote_type == "choose-1":
            max_length = 1
        points_by_rank = None
        if kind == BallotKind.ORDINAL and meta.get("scoring_fn"):
            try:
                points_by_rank = tuple(int(x) for x in meta["scoring_fn"].split(","))
            except ValueError:
                points_by_rank = None  # a named function ("Borda"...): the default k..1 scale
        max_points = _optional_int(meta.get("max_points"))
        max_sum = _optional_int(meta.get("max_sum_points"))
        return Election(
            budget=_whole(meta["budget"], "budget"),
            projects=projects,
            kind=kind,
            ballots=ballots,
            min_length=_optional_int(meta.get("min_length")),
            max_length=max_length,
            max_points_per_project=max_points if kind == BallotKind.CUMULATIVE else None,
            max_total_points=max_sum if kind == BallotKind.CUMULATIVE else None,
            points_by_rank=points_by_rank,
        )


def _whole(text: str, what: str) -> int:
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise CountingError("invalid_pb", f"{what} {text!r} is not a number.") from None
    if not value.is_finite():
        raise CountingError("invalid_pb", f"{what} {text!r} is not a number.")
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _optional_int(text: str | None) -> int | None:
    if text is None or not str(text).strip():
        return None
    return _whole(text, "number")


def read_pb(source: str | os.PathLike) -> PbFile:
    """Parse a pabulib file, given as a path or as the file's text."""
    if isinstance(source, os.PathLike) or ("\n" not in source and Path(source).is_file()):
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CountingError("unreadable_file", f"Cannot read {os.fspath(source)}: {exc}") from None
    else:
        text = source.removeprefix("\ufeff")
    pb = PbFile()
    section = ""
    header: list[str] = []
    expect_header = False
    reader = csv.reader(text.splitlines(), delimiter=";")
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            first = row[0].strip().lower()
            if first in SECTIONS and not any(c.strip() for c in row[1:]):
                section, expect_header = first, True
                continue
            if expect_header:
                header = [c.strip() for c in row]
                expect_header = False
                if section == "projects":
                    pb.project_columns = header
                elif section == "votes":
                    pb.vote_columns = header
                continue
            if section == "meta":
                if len(row) < 2:
                    raise CountingError("invalid_pb", f"Line {reader.line_num}: META rows are key;value.")
                pb.meta[row[0].strip()] = row[1].strip()
            elif section in ("projects", "votes"):
                if len(row) != len(header):
                    raise CountingError("invalid_pb", f"Line {reader.line_num}: {len(row)} fields, the header "
                                                      f"has {len(header)}.")
                record = {key: value.strip() for key, value in zip(header, row, strict=True)}
                (pb.projects if section == "projects" else pb.votes).append(record)
            else:
                raise CountingError("invalid_pb", f"Line {reader.line_num}: data before any META/PROJECTS/VOTES "
                                                  "section.")
    except csv.Error as exc:
        raise CountingError("invalid_pb", f"Line {reader.line_num}: {exc}") from None
    if not pb.meta or "project_id" not in pb.project_columns:
        raise CountingError("invalid_pb", "This is not a pabulib file (META and PROJECTS with project_id needed).")
    if pb.votes and "vote" not in pb.vote_columns:
        raise CountingError("invalid_pb", "The VOTES section has no vote column.")
    return pb


def _clean(value) -> str:
    return " ".join(str(value).split())


def write_pb(election: Election, *, meta: Mapping[str, str] | None = None,
             project_extra: Mapping[str, Mapping[str, str]] | None = None,
             selected: Iterable[str] | None = None, rng: random.Random | None = None,
             path: str | os.PathLike | None = None) -> str:
    """The election as a pabulib file (returned, and written to `path` if given).

    `meta` adds or overrides META entries (description, country, unit, instance, rule...); `project_extra`
    adds project columns ({project id: {column: value}}); `selected` adds the `selected` column. Ballots with a
    weight are written once per voter; rows are shuffled with `rng` (a system-seeded one by default) and
    numbered 1..n.
    """
    kind = election.kind
    if kind == BallotKind.MAJORITY_JUDGMENT:
        raise CountingError("unsupported_kind", "pabulib has no vote type for majority judgment.")
    from .profile import build_profile  # local: pabulib reading must not pay for numpy arrays

    profile = build_profile(election)
    vote_type = {BallotKind.CUMULATIVE: "cumulative", BallotKind.ORDINAL: "ordinal"}.get(kind, "approval")
    head: dict[str, str] = {"description": "Participatory budget", "country": "France", "unit": "Parvis",
                            "instance": "1"}
    head.update({k: _clean(v) for k, v in (meta or {}).items() if k in head})
    head.update(num_projects=str(len(election.projects)), num_votes=str(profile.total_voters),
                budget=str(election.budget), vote_type=vote_type)
    head["rule"] = _clean((meta or {}).get("rule", "greedy"))
    if election.min_length is not None:
        head["min_length"] = str(election.min_length)
    if election.max_length is not None:
        head["max_length"] = str(election.max_length)
    if kind == BallotKind.KNAPSACK:
        head["max_sum_cost"] = str(election.budget)
    if kind == BallotKind.CUMULATIVE:
        if election.max_points_per_project is not None:
            head["max_points"] = str(election.max_points_per_project)
        if election.max_total_points is not None:
            head["max_sum_points"] = str(election.max_total_points)
    if kind == BallotKind.ORDINAL and election.points_by_rank is not None:
        head["scoring_fn"] = ",".join(map(str, election.points_by_rank))
    for key, value in (meta or {}).items():
        head.setdefault(key, _clean(value))

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in head.items():
        writer.writerow([key, value])

    chosen = set(selected) if selected is not None else None
    extra_columns: list[str] = []
    for columns in (project_extra or {}).values():
        extra_columns += [c for c in columns if c not in extra_columns]
    columns = ["project_id", "cost", "votes"] + (["score"] if vote_type != "approval" else []) + ["name"]
    columns += (["selected"] if chosen is not None else []) + [c for c in extra_columns if c not in columns]
    writer.writerow(["PROJECTS"])
    writer.writerow(columns)
    for j, p in enumerate(election.projects):
        row = {"project_id": p.id, "cost": str(p.cost), "votes": str(int(profile.supporters[j])),
               "score": str(int(profile.score[j])), "name": _clean(p.name)}
        if chosen is not None:
            row["selected"] = "1" if p.id in chosen else "0"
        for key, value in (project_extra or {}).get(p.id, {}).items():
            row.setdefault(key, _clean(value))
        writer.writerow([row.get(c, "") for c in columns])

    rows: list[list[str]] = []
    weights = election.weights or [1] * len(election.ballots)
    for ballot, weight in zip(election.ballots, weights, strict=True):
        # Ranked ballots list projects by rank; others in id order (the order of clicks is not kept).
        ids = sorted(ballot, key=ballot.__getitem__ if kind == BallotKind.ORDINAL else natural_key)
        line = [",".join(ids)]
        if kind == BallotKind.CUMULATIVE:
            line.append(",".join(str(ballot[pid]) for pid in ids))
        rows.extend([line] * int(weight))
    (rng or random.SystemRandom()).shuffle(rows)
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote"] + (["points"] if kind == BallotKind.CUMULATIVE else []))
    for number, line in enumerate(rows, start=1):
        writer.writerow([str(number), *line])
    text = out.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
