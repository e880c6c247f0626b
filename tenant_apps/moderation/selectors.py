"""Reads of moderation: a flaggable target as a visitor may see it, the moderators' queue and the log."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Max, Min
from django.http import Http404

from tenant_apps.moderation.models import Flag, ModerationDecision
from tenant_apps.moderation.registry import KINDS, FlagKind, kind_for, kind_get
from tenant_apps.participation.selectors import contribution_get_for_user

QUEUE_SIZE = 100
LOG_SIZE = 200


def target_get_for_user(*, kind: str, pk: int, user):
    """(kind, target, its contribution) if `user` may see the target on this host, else 404."""
    flag_kind = kind_get(kind)
    qs = flag_kind.model.objects.filter(pk=pk).select_related("author")
    target = qs.first()
    if target is None:
        raise Http404
    contribution = contribution_get_for_user(pk=flag_kind.contribution_id_of(target), user=user)
    if flag_kind.contribution_attr:
        setattr(target, flag_kind.contribution_attr, contribution)  # saves a query where the target is shown
    return flag_kind, target, contribution


def account_get(*, pk: int):
    """An account of this city (accounts exist per city: the same id elsewhere is someone else), else 404."""
    account = get_user_model().objects.filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


def flag_of(*, target, reporter) -> Flag | None:
    if reporter is None or not reporter.is_authenticated:
        return None
    content_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
    return Flag.objects.filter(content_type=content_type, object_id=target.pk, reporter=reporter).first()


@dataclass
class QueueItem:
    kind: FlagKind
    target: object
    contribution: object
    count: int
    reasons: list[str]  # the labels of the reasons given, each once
    first_at: dt.datetime
    last_at: dt.datetime
    flags: list[Flag] = field(default_factory=list)

    @property
    def author(self):
        return self.target.author

    @property
    def text(self) -> str:
        return self.kind.text_of(self.target)


def _targets_by_kind(kinds_ids: dict[FlagKind, set[int]]) -> dict[tuple[str, int], object]:
    found = {}
    for kind, ids in kinds_ids.items():
        qs = kind.model.objects.filter(pk__in=ids).select_related("author")
        if kind.contribution_attr:
            qs = qs.select_related(f"{kind.contribution_attr}__process")
        else:
            qs = qs.select_related("process")
        for target in qs:
            found[(kind.key, target.pk)] = target
    return found


def flag_queue(*, state: str = Flag.State.OPEN, limit: int = QUEUE_SIZE) -> list[QueueItem]:
    """Targets with flags in `state`, most flagged first then oldest; a fixed number of queries.

    One query groups the flags, one per kind of content fetches the targets (with author and
    contribution), one fetches the flags themselves. Who reported is not shown to moderators: they judge the
    content, not the person who raised it.
    """
    by_model = {kind.model: kind for kind in KINDS.values()}
    kinds_by_ct = {ct.pk: by_model[model] for model, ct in
                   ContentType.objects.get_for_models(*by_model, for_concrete_models=False).items()}
    groups = list(
        Flag.objects.filter(state=state, content_type_id__in=kinds_by_ct)
        .values("content_type_id", "object_id")
        .annotate(count=Count("id"), first_at=Min("created_at"), last_at=Max("created_at"),
                  reasons=ArrayAgg("reason", distinct=True, default=[]))
        .order_by("-count", "first_at", "object_id")[:limit]
    )
    if not groups:
        return []
    wanted: dict[FlagKind, set[int]] = defaultdict(set)
    for group in groups:
        wanted[kinds_by_ct[group["content_type_id"]]].add(group["object_id"])
    targets = _targets_by_kind(wanted)
    flags: dict[tuple[int, int], list[Flag]] = defaultdict(list)
    object_ids = {group["object_id"] for group in groups}
    for flag in (Flag.objects.filter(state=state, content_type_id__in=kinds_by_ct, object_id__in=object_ids)
                 .order_by("created_at", "id")):
        flags[(flag.content_type_id, flag.object_id)].append(flag)
    labels = dict(Flag.Reason.choices)
    items = []
    for group in groups:
        kind = kinds_by_ct[group["content_type_id"]]
        target = targets.get((kind.key, group["object_id"]))
        if target is None:  # the content was deleted since: nothing left to moderate
            continue
        items.append(QueueItem(
            kind=kind, target=target, contribution=kind.contribution_of(target), count=group["count"],
            reasons=[str(labels.get(r, r)) for r in group["reasons"]], first_at=group["first_at"],
            last_at=group["last_at"], flags=flags[(group["content_type_id"], group["object_id"])],
        ))
    return items


@dataclass
class LogRow:
    decision: ModerationDecision
    kind: FlagKind | None = None
    target: object = None
    contribution_id: int | None = None


def decision_list(*, limit: int = LOG_SIZE) -> list[LogRow]:
    """The moderation log, newest first, with the moderators, accounts and targets fetched per content type."""
    decisions = (ModerationDecision.objects.select_related("moderator", "account", "content_type")
                 .prefetch_related("target").order_by("-created_at", "-id")[:limit])
    rows = []
    for decision in decisions:
        row = LogRow(decision)
        target = decision.target if decision.content_type_id else None
        if target is not None:
            try:
                row.kind = kind_for(target)
            except ValueError:
                pass
            else:
                row.target, row.contribution_id = target, row.kind.contribution_id_of(target)
        rows.append(row)
    return rows
