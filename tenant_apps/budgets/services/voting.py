"""Casting ballots online and on paper, one per person and voting slot, and sealing them when the vote closes.

Who has voted is a VoterMark (émargement), found by account and by identity key; the database's unique
constraints on (edition, slot, account) and (edition, slot, identity_key) are what make a second vote
impossible, whatever the channel and however many requests arrive at once: a writer creates its mark in
a savepoint, and on IntegrityError re-reads (and locks) the mark that won.

Online, the ballot stays linked to its mark until the vote closes, so the voter can change it (the same
row, version + 1). Paper ballots are never linked to a person: a polling place marks who voted, and the
sheets are typed in twice by staff, anonymously. `ballots_seal` cuts every link once the vote is over.
"""

import hashlib
import hmac
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.budgets.ballots import ballot_clean, ballot_problems, ballot_projects
from tenant_apps.budgets.common import identity_key, vote_closed, vote_phase, voting_slot
from tenant_apps.budgets.models import Ballot, Budget, Channel, Edition, PaperEntry, PollingPlace, Project, VoterMark
from tenant_apps.participation.models import District
from tenant_apps.participation.permissions import STAFF_ROLES, capability_check, staff_check
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.state import process_state

VOID_KEY = "_void"  # a paper sheet the agents declare void (blank, spoiled, unreadable)


# --- Shared ----------------------------------------------------------------------------------------------


def _budget_fresh(budget: Budget) -> Budget:
    return Budget.objects.select_related("edition__process", "district").get(pk=budget.pk)


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def mark_refusal(mark: VoterMark, budget: Budget) -> str:
    """Why this existing mark stops another vote in `budget`, in the voter's (or the agent's) words."""
    if mark.budget_id != budget.pk:
        return _("Already voted for %(budget)s: in this edition a person votes in one district only.") % {
            "budget": mark.budget.name}
    if mark.channel == Channel.PAPER:
        place = mark.polling_place.name if mark.polling_place_id else _("a polling place")
        return _("Already voted at the polling place “%(place)s” on %(date)s.") % {
            "place": place, "date": _when(mark.created_at)}
    if mark.channel == Channel.ONLINE:
        return _("Already voted online on %(date)s.") % {"date": _when(mark.created_at)}
    return _("Already voted in this budget.")


def _marks_of(*, edition: Edition, slot: str, account=None, key: str | None = None, lock: bool = True):
    who = Q()
    if account is not None:
        who |= Q(account=account)
    if key:
        who |= Q(identity_key=key)
    if not who:
        return []
    qs = VoterMark.objects.filter(who, edition=edition, slot=slot).select_related("budget", "polling_place")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return list(qs.order_by("pk"))


def _mark_claim(*, edition: Edition, budget: Budget, slot: str, account, key: str | None, **fields):
    """Create the mark, or return the marks that already hold this person (locked). (mark, existing)."""
    existing = _marks_of(edition=edition, slot=slot, account=account, key=key)
    if existing:
        return None, existing
    try:
        with transaction.atomic():  # a savepoint: the outer transaction survives a lost race
            mark = VoterMark.objects.create(edition=edition, budget=budget, slot=slot, account=account,
                                            identity_key=key, **fields)
        return mark, []
    except IntegrityError:
        # Someone else (another tab, another agent) created it a moment ago: read theirs, committed now.
        existing = _marks_of(edition=edition, slot=slot, account=account, key=key)
        if not existing:
            raise
        return None, existing


def voter_identity_key(user) -> str | None:
    """The identity key of an account whose identity the city verified (FranceConnect or desk), else None."""
    from tenant_apps.identity.assurance import assurance_get, identity_verified

    if not identity_verified(user):
        return None
    assurance = assurance_get(user)
    return identity_key(given_name=assurance.given_name, family_name=assurance.family_name,
                        birth_date=assurance.birth_date)


def _age_range(user) -> str:
    """The age range the person gave for statistics, only if they consented to it."""
    from tenant_apps.statistics.models import CitizenProfile

    profile = CitizenProfile.objects.filter(user=user, consented_at__isnull=False).only("age_range").first()
    return profile.age_range if profile else ""


def receipt_code(ballot: Ballot) -> str:
    """A short code proving this version of the ballot was recorded; it says nothing of its content."""
    key = hashlib.sha256(f"{settings.SECRET_KEY}:budget-receipt:{connection.schema_name}".encode()).digest()
    digest = hmac.new(key, f"{ballot.pk}:{ballot.version}".encode(), hashlib.sha256).hexdigest().upper()
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


# --- Online ----------------------------------------------------------------------------------------------


def ballot_submit(*, budget: Budget, voter, choices, submission_token=None,
                  projects: list[Project] | None = None) -> Ballot:
    """Record `voter`'s ballot in `budget`, or replace it while the vote is open (same row, version + 1).

    The same submission token twice (a retried POST) changes nothing and returns the ballot as it is.
    `projects`: the budget's ballot (`ballot_projects`) when the caller has just read it. The budget's rules
    and ballot are frozen while the vote is open, so the caller's copies are used as they are (with the
    process's phases it fetched, if any): on vote day a ballot reads each of them once.
    """
    edition = budget.edition
    state = capability_check(user=voter, process=edition.process, capability=Capability.BALLOT)
    projects = ballot_projects(budget) if projects is None else projects
    problems = ballot_problems(budget, choices, projects)
    if problems:
        raise Invalid(problems[0].code, " ".join(p.message for p in problems), problems=problems)
    cleaned = ballot_clean(budget, choices, projects)
    token = str(submission_token) if submission_token else None
    slot = voting_slot(budget)
    key = voter_identity_key(voter)

    with transaction.atomic():
        mark, existing = _mark_claim(edition=edition, budget=budget, slot=slot, account=voter, key=key,
                                     channel=Channel.ONLINE, age_range=_age_range(voter))
        created = mark is not None
        if mark is None:
            mine = [m for m in existing if m.account_id == voter.pk]
            others = [m for m in existing if m.account_id != voter.pk]
            if others:
                # The identity was used by someone else (a paper mark by name and birth date, most often).
                raise NotAllowed("already_voted", mark_refusal(others[0], budget))
            mark = mine[0]
            if mark.budget_id != budget.pk or mark.channel != Channel.ONLINE:
                raise NotAllowed("already_voted", mark_refusal(mark, budget))
            if key and not mark.identity_key:
                try:
                    with transaction.atomic():
                        VoterMark.objects.filter(pk=mark.pk).update(identity_key=key)
                except IntegrityError:
                    raise NotAllowed("already_voted", _("Someone with your identity has already voted.")) from None
        # A mark made just now has no ballot yet; an existing one is locked above, and its ballot with it here.
        ballot = None if created else Ballot.objects.select_for_update().filter(mark=mark).first()
        if ballot is not None and token and ballot.submission_token and str(ballot.submission_token) == token:
            return ballot  # the same form sent again: nothing changes
        if ballot is None:
            ballot = Ballot.objects.create(budget=budget, mark=mark, channel=Channel.ONLINE, choices=cleaned,
                                           submission_token=token)
        else:
            ballot.choices, ballot.submission_token, ballot.version = cleaned, token, ballot.version + 1
            ballot.save(update_fields=["choices", "submission_token", "version", "updated_at"])
        from tenant_apps.budgets import tasks

        phase = vote_phase(state)
        transaction.on_commit(partial(tasks.ballot_confirmation_send.delay, ballot.pk, voter.pk,
                                      phase.ends_at.isoformat() if phase else ""))
    return ballot


def ballot_of(*, budget: Budget, voter) -> Ballot | None:
    """`voter`'s own online ballot in `budget` while it is still linked to them (until the vote is sealed)."""
    if voter is None or not voter.is_authenticated:
        return None
    return (Ballot.objects.filter(budget=budget, mark__account=voter, mark__budget=budget, channel=Channel.ONLINE)
            .select_related("mark").first())


# --- Paper -----------------------------------------------------------------------------------------------


def _admin_check(actor) -> None:
    staff_check(actor)
    if actor.role != "city_admin":
        raise NotAllowed("admins_only", _("Only the city's administrators can do this."))


def polling_place_save(*, edition: Edition, actor, name: str, address: str = "", opening_hours: str = "",
                       district: District | None = None, place: PollingPlace | None = None) -> PollingPlace:
    """Add or edit a polling place of the edition (administrators)."""
    _admin_check(actor)
    name = (name or "").strip()
    if not name:
        raise Invalid("name_required", _("Give the polling place a name."))
    if place is not None and place.edition_id != edition.pk:
        raise Invalid("place", _("Unknown polling place."))
    with transaction.atomic():
        place = place or PollingPlace(edition=edition)
        place.name, place.address = name[:150], (address or "").strip()[:300]
        place.opening_hours, place.district = (opening_hours or "").strip()[:300], district
        place.save()
        city_audit_record(actor=actor, action="budget.polling_place.save", target=place, name=place.name)
    return place


def _vote_open_check(edition: Edition) -> None:
    state = process_state(edition.process)
    if not state.is_open(Capability.BALLOT):
        raise NotAllowed("vote_not_open", _("The vote is not open: nobody can be marked as having voted."))


def voter_mark_paper(*, budget: Budget, polling_place: PollingPlace, actor, account=None, given_name: str = "",
                     family_name: str = "", birth_date: str = "") -> VoterMark:
    """An agent marks a person as having voted on paper at `polling_place` (émargement), by account and/or
    identity; refused with the reason when that person has already voted, online or elsewhere."""
    staff_check(actor)
    budget = _budget_fresh(budget)
    edition = budget.edition
    if polling_place.edition_id != edition.pk:
        raise Invalid("place", _("This polling place belongs to another edition."))
    _vote_open_check(edition)
    birth_date = birth_date.isoformat() if hasattr(birth_date, "isoformat") else (birth_date or "").strip()
    key = identity_key(given_name=given_name, family_name=family_name, birth_date=birth_date)
    if (given_name or family_name or birth_date) and key is None:
        raise Invalid("identity_incomplete", _("Give the given name, the family name and the date of birth."))
    if account is not None and key is None:
        key = voter_identity_key(account)
    if account is None and key is None:
        raise Invalid("nobody", _("Find the person by their e-mail address, or give their name and date of birth."))
    slot = voting_slot(budget)
    with transaction.atomic():
        mark, existing = _mark_claim(edition=edition, budget=budget, slot=slot, account=account, key=key,
                                     channel=Channel.PAPER, polling_place=polling_place, marked_by=actor,
                                     age_range=_age_range(account) if account is not None else "")
        if mark is None:
            raise NotAllowed("already_voted", mark_refusal(existing[0], budget))
        city_audit_record(actor=actor, action="budget.vote.mark", target=budget, polling_place=polling_place.pk,
                          by_account=account is not None, by_identity=key is not None)
    return mark


def _staff_count() -> int:
    return get_user_model().objects.filter(role__in=STAFF_ROLES, is_active=True).count()


def _entry_clean(budget: Budget, choices, void: bool) -> dict:
    if void:
        return {VOID_KEY: 1}
    return {str(k): v for k, v in (choices or {}).items()}


def paper_entry_problems(budget: Budget, entry_choices: dict, projects=None) -> list:
    """Why a typed-in sheet is void (empty list: a valid ballot)."""
    from tenant_apps.budgets.ballots import Problem

    if entry_choices.get(VOID_KEY):
        return [Problem("declared_void", _("Declared void by the agents (blank, spoiled or unreadable)."))]
    return ballot_problems(budget, entry_choices, projects)


def _entry_finish(entry: PaperEntry, budget: Budget, choices: dict) -> None:
    """Both entries agree (or an admin decided): a confirmed anonymous ballot, or a void sheet."""
    projects = ballot_projects(budget)
    if paper_entry_problems(budget, choices, projects):
        entry.state = PaperEntry.State.VOID
        return
    # No mark, no person: a paper ballot is anonymous from the start.
    ballot = Ballot.objects.create(budget=budget, channel=Channel.PAPER, polling_place=entry.polling_place,
                                   choices=ballot_clean(budget, choices, projects))
    entry.ballot, entry.state = ballot, PaperEntry.State.CONFIRMED


def paper_entry_record(*, budget: Budget, polling_place: PollingPlace, sheet: int, choices, actor,
                       void: bool = False) -> PaperEntry:
    """Type in one paper sheet. The first entry is stored; the second (by another agent) is compared:
    equal → counted (or void); different → a mismatch an administrator resolves."""
    staff_check(actor)
    budget = _budget_fresh(budget)
    edition = budget.edition
    if polling_place.edition_id != edition.pk:
        raise Invalid("place", _("This polling place belongs to another edition."))
    state = process_state(edition.process)
    phase = vote_phase(state)
    if phase is None or phase.starts_at > state.at:
        raise NotAllowed("vote_not_open", _("Paper ballots are typed in once the vote has opened."))
    if isinstance(sheet, bool) or not isinstance(sheet, int) or sheet < 1:
        raise Invalid("sheet", _("Give the number written on the ballot (1 or more)."))
    typed = _entry_clean(budget, choices, void)
    with transaction.atomic():
        entry = (PaperEntry.objects.select_for_update()
                 .filter(budget=budget, polling_place=polling_place, sheet=sheet).first())
        if entry is None:
            try:
                with transaction.atomic():
                    entry = PaperEntry.objects.create(budget=budget, polling_place=polling_place, sheet=sheet,
                                                      first_choices=typed, first_by=actor)
                city_audit_record(actor=actor, action="budget.paper.first_entry", target=budget,
                                  polling_place=polling_place.pk, sheet=sheet)
                return entry
            except IntegrityError:
                entry = PaperEntry.objects.select_for_update().get(budget=budget, polling_place=polling_place,
                                                                   sheet=sheet)
        if entry.state != PaperEntry.State.AWAITING_SECOND:
            raise NotAllowed("already_entered", _("Ballot no. %(sheet)s of this polling place was already typed in "
                                                  "twice (%(state)s).") % {"sheet": sheet,
                                                                           "state": entry.get_state_display()})
        if entry.first_by_id == actor.pk and _staff_count() > 1:
            raise NotAllowed("same_agent", _("You typed in the first entry of this ballot: the second entry must be "
                                             "made by another agent."))
        entry.second_choices, entry.second_by, entry.second_at = typed, actor, timezone.now()
        if typed == entry.first_choices:
            _entry_finish(entry, budget, typed)
        else:
            entry.state = PaperEntry.State.MISMATCH
        entry.save()
        city_audit_record(actor=actor, action="budget.paper.second_entry", target=budget,
                          polling_place=polling_place.pk, sheet=sheet, state=entry.state)
    return entry


def paper_entry_resolve(*, entry: PaperEntry, version: str, actor) -> PaperEntry:
    """An administrator, sheet in hand, confirms the first or the second entry of a mismatch."""
    _admin_check(actor)
    if version not in ("first", "second"):
        raise Invalid("version", _("Choose the entry that matches the paper ballot."))
    with transaction.atomic():
        entry = PaperEntry.objects.select_for_update().select_related("polling_place").get(pk=entry.pk)
        if entry.state != PaperEntry.State.MISMATCH:
            raise NotAllowed("not_mismatch", _("This ballot has no difference to resolve any more."))
        budget = _budget_fresh(entry.budget)
        chosen = entry.first_choices if version == "first" else entry.second_choices
        _entry_finish(entry, budget, chosen or {})
        entry.save()
        city_audit_record(actor=actor, action="budget.paper.resolve", target=budget,
                          polling_place=entry.polling_place_id, sheet=entry.sheet, version=version,
                          state=entry.state)
    return entry


# --- Closing ---------------------------------------------------------------------------------------------


def ballots_seal(*, edition: Edition, actor=None) -> int:
    """Once the vote is closed, cut every link between a ballot and its voter's mark; returns how many.

    Idempotent (nothing left to cut → 0). The results part calls it before counting; a periodic task
    does it too, so the link never outlives the vote for long.
    """
    if not vote_closed(edition):
        raise NotAllowed("vote_open", _("The vote is still open: ballots are sealed once it closes."))
    with transaction.atomic():
        count = Ballot.objects.filter(budget__edition=edition, mark__isnull=False).update(mark=None)
        if count:
            city_audit_record(actor=actor, action="budget.ballots.seal", target=edition.process, ballots=count)
    return count


def ballots_seal_closed() -> int:
    """Seal the ballots of every edition of this collectivity whose vote is over (periodic task)."""
    sealed = 0
    ids = (Ballot.objects.filter(mark__isnull=False).values_list("budget__edition_id", flat=True).distinct())
    for edition in Edition.objects.filter(pk__in=list(ids)).select_related("process"):
        if vote_closed(edition):
            sealed += ballots_seal(edition=edition)
    return sealed


# --- E-mail ----------------------------------------------------------------------------------------------


def ballot_confirmation_email_send(*, ballot_id: int, user_id: int, closes_at: str = "") -> bool:
    """Tell the voter their ballot is recorded: when, in which budget, a receipt code (never its content)."""
    import datetime as dt

    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from tenants.selectors import collectivity_current

    ballot = Ballot.objects.select_related("budget__edition__process").filter(pk=ballot_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if ballot is None or user is None or not user.email:
        return False
    collectivity = collectivity_current()
    process = ballot.budget.edition.process
    with translation.override(collectivity.locale):
        context = {
            "site_name": collectivity.name, "user": user, "budget": ballot.budget, "process": process,
            "recorded_at": timezone.localtime(ballot.updated_at), "receipt": receipt_code(ballot),
            "changed": ballot.version > 1,
            "closes_at": timezone.localtime(dt.datetime.fromisoformat(closes_at)) if closes_at else None,
            "vote_url": collectivity.base_url + reverse("budgets:vote", kwargs={"slug": process.slug}),
        }
        subject = _("Your vote is recorded: %(budget)s") % {"budget": ballot.budget.name}
        text = render_to_string("budgets/voting/email_ballot.txt", context)
        html = render_to_string("budgets/voting/email_ballot.html", context)
    message = EmailMultiAlternatives(" ".join(f"[{collectivity.name}] {subject}".split()), text, None, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
