"""Writes of the review workflow: assignment, internal notes, bulk status changes and merging duplicates.

Status changes and official answers go through the kernel's services (they audit and notify); what this
module adds is audited with `city_audit_record` in the same transaction.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import override

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid
from tenant_apps.notifications.models import Follow
from tenant_apps.organisation.models import Department
from tenant_apps.participation.events import Event, Happening, event_publish
from tenant_apps.participation.models import Contribution, Status, StatusChange
from tenant_apps.participation.permissions import is_staff, staff_check
from tenant_apps.participation.services import contribution_status_change
from tenant_apps.review.models import InternalNote
from tenant_apps.votes.models import Vote
from tenants.selectors import collectivity_current

NOTE_MAX_LENGTH = 5000
MERGED_STATUS_KEY = "merged"


def _city_language() -> str:
    collectivity = collectivity_current()
    return getattr(collectivity, "locale", "") or "fr"


@transaction.atomic
def contribution_assign(*, contribution: Contribution, actor, agent=None,
                        department: Department | None = None) -> Contribution:
    """Hand a contribution to an agent and/or a department (None clears that side of the assignment)."""
    staff_check(actor)
    if agent is not None and not is_staff(agent):
        raise Invalid("assignee_not_staff", _("A contribution can only be assigned to an active agent or "
                                              "administrator of the city."))
    if department is not None and department.pk is None:
        raise Invalid("department_unknown", _("Unknown department."))
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    locked.assigned_to = agent
    locked.assigned_department = department
    locked.save(update_fields=["assigned_to", "assigned_department", "updated_at"])
    contribution.assigned_to = agent
    contribution.assigned_department = department
    city_audit_record(actor=actor, action="contribution.assign", target=locked,
                      agent=agent.pk if agent else None, department=department.pk if department else None)
    return contribution


@transaction.atomic
def internal_note_add(*, contribution: Contribution, actor, body: str) -> InternalNote:
    """A staff note on a contribution, never shown to the public nor to its author."""
    staff_check(actor)
    body = (body or "").strip()
    if not body:
        raise Invalid("note_required", _("Write the note."))
    if len(body) > NOTE_MAX_LENGTH:
        raise Invalid("note_too_long", _("The note is too long (%(n)s characters at most).") % {
            "n": NOTE_MAX_LENGTH})
    note = InternalNote.objects.create(contribution=contribution, author=actor, body=body)
    city_audit_record(actor=actor, action="contribution.note", target=contribution, note=note.pk)
    return note


def _ids_clean(contribution_ids: Iterable) -> list[int]:
    ids = []
    for raw in contribution_ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise Invalid("contribution_unknown", _("“%(id)s” is not a contribution number.") % {
                "id": raw}) from None
        if value not in ids:
            ids.append(value)
    if not ids:
        raise Invalid("nothing_selected", _("Select at least one contribution."))
    return ids


@transaction.atomic
def contributions_bulk_status(*, contribution_ids: Iterable, status: Status | str, actor,
                              message: str = "") -> list[StatusChange]:
    """Move several contributions to a status, with one message: all of them or none.

    `status` is a Status (every contribution must be of its process kind) or a status key, looked up in
    each contribution's kind.
    """
    staff_check(actor)
    ids = _ids_clean(contribution_ids)
    contributions = list(Contribution.objects.filter(pk__in=ids).select_related("process").order_by("pk"))
    missing = sorted(set(ids) - {c.pk for c in contributions})
    if missing:
        raise Invalid("contribution_unknown", _("No contribution has the number %(ids)s.") % {
            "ids": ", ".join(str(pk) for pk in missing)})
    if isinstance(status, Status):
        targets = {status.process_kind: status}
    else:
        kinds = {c.process.kind for c in contributions}
        targets = {s.process_kind: s for s in Status.objects.filter(process_kind__in=kinds, key=status)}
    # Every contribution is checked before the first one changes.
    for item in contributions:
        if item.process.kind not in targets:
            label = status.label if isinstance(status, Status) else status
            raise Invalid("status_kind", _("The status “%(status)s” does not apply to “%(title)s” (no. %(id)s), "
                                           "a contribution of another kind of process.") % {
                "status": label, "title": item.title, "id": item.pk})
    changes = [contribution_status_change(contribution=item, status=targets[item.process.kind], actor=actor,
                                          message=message) for item in contributions]
    city_audit_record(actor=actor, action="contribution.bulk_status", ids=[c.pk for c in contributions],
                      status=changes[0].to_status.key, count=len(changes))
    return changes


def _counters(contribution_id: int) -> dict[str, int]:
    """The vote counters of a contribution, recomputed from its Vote rows."""
    for_against = Q(mode=Vote.Mode.FOR_AGAINST)
    return Vote.objects.filter(contribution_id=contribution_id).aggregate(
        support_count=Count("id", filter=Q(mode=Vote.Mode.SUPPORT)),
        for_count=Count("id", filter=for_against & Q(value=Vote.Value.FOR)),
        against_count=Count("id", filter=for_against & Q(value=Vote.Value.AGAINST)),
        neutral_count=Count("id", filter=for_against & Q(value=Vote.Value.NEUTRAL)),
    )


@transaction.atomic
def contribution_merge(*, duplicate: Contribution, survivor: Contribution, actor) -> Contribution:
    """Merge a duplicate into a survivor of the same process: votes, authors and followers join the survivor."""
    staff_check(actor)
    if duplicate.pk == survivor.pk:
        raise Invalid("merge_same", _("A contribution cannot be merged into itself."))
    # Both rows locked in a fixed order: votes cast meanwhile wait, two merges cannot cross.
    locked = {c.pk: c for c in Contribution.objects.select_for_update(of=("self",)).select_related("process")
              .filter(pk__in=[duplicate.pk, survivor.pk]).order_by("pk")}
    if len(locked) != 2:
        raise Invalid("contribution_unknown", _("This contribution no longer exists."))
    dup, surv = locked[duplicate.pk], locked[survivor.pk]
    if dup.process_id != surv.process_id:
        raise Invalid("merge_other_process", _("Only contributions of the same process can be merged."))
    if dup.merged_into_id:
        raise Invalid("merge_already", _("“%(title)s” is already merged into another contribution.") % {
            "title": dup.title})
    if surv.merged_into_id:
        raise Invalid("merge_survivor_merged", _("“%(title)s” is itself merged into another contribution: "
                                                 "choose the one it was merged into.") % {"title": surv.title})

    # Votes: a person who voted on both keeps the vote on the survivor; the other vote stays behind.
    both = Vote.objects.filter(contribution=surv, voter__isnull=False).values("voter_id")
    moved = Vote.objects.filter(contribution=dup).exclude(voter_id__in=both).update(contribution=surv)
    for item in (dup, surv):
        counters = _counters(item.pk)
        Contribution.objects.filter(pk=item.pk).update(**counters)
        for name, value in counters.items():
            setattr(item, name, value)

    # Authors: the duplicate's author and co-authors are credited on the survivor.
    credited = set(dup.coauthors.values_list("pk", flat=True))
    if dup.author_id:
        credited.add(dup.author_id)
    credited.discard(surv.author_id)
    surv.coauthors.add(*credited)

    # Followers of the duplicate follow the survivor too.
    followers = Follow.objects.filter(contribution=dup).values_list("user_id", flat=True)
    Follow.objects.bulk_create([Follow(user_id=pk, contribution=surv) for pk in followers], ignore_conflicts=True)

    # Contributions merged into the duplicate earlier now point to the survivor (no chains).
    Contribution.objects.filter(merged_into=dup).update(merged_into=surv)
    dup.merged_into = surv
    dup.save(update_fields=["merged_into", "updated_at"])
    city_audit_record(actor=actor, action="contribution.merge", target=dup, survivor=surv.pk, votes_moved=moved,
                      coauthors=sorted(credited))

    with override(_city_language()):
        notice = _("Merged into “%(title)s”.") % {"title": surv.title}
    merged_status = Status.objects.filter(process_kind=dup.process.kind, key=MERGED_STATUS_KEY).first()
    if merged_status is not None and dup.status_id != merged_status.pk:
        # The kernel records the change and tells the author (and the duplicate's followers).
        contribution_status_change(contribution=dup, status=merged_status, actor=actor, message=notice)
    elif dup.author_id:
        with override("fr"):
            label_fr = _("merged into “%(title)s”") % {"title": surv.title}
        with override("en"):
            label_en = _("merged into “%(title)s”") % {"title": surv.title}
        event_publish(Happening(Event.STATUS_CHANGED, process_id=dup.process_id, contribution_id=dup.pk,
                                actor_id=actor.pk, recipient_ids=(dup.author_id,),
                                data={"title": dup.title, "status_fr": label_fr, "status_en": label_en,
                                      "message": notice}))
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    return survivor
