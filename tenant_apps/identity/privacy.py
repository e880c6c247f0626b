"""Personal data (RGPD): a person's archive, the erasure of an account, retention of finished processes.

Nothing that was counted changes: erasing an account or applying retention unlinks votes, contributions,
comments and arguments from the account (the link is set to NULL), it never deletes them, so every counter
(support/for/against/neutral/comment counts) and every vote total stays as it was.
"""

import calendar
import datetime as dt
import io
import json
import zipfile
from enum import StrEnum

import structlog
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.models import Invitation, User
from shared_apps.audit.models import AuditEntry
from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.discussion.models import Argument, Comment, CommentRevision
from tenant_apps.identity.models import Assurance, PrivacySettings, RetentionRun
from tenant_apps.moderation.models import Flag, ModerationDecision
from tenant_apps.notifications.models import Follow, Notification, NotificationSettings
from tenant_apps.participation.models import Contribution, Process, StatusChange
from tenant_apps.statistics.models import CitizenProfile
from tenant_apps.votes.models import Vote
from tenants.selectors import collectivity_current

log = structlog.get_logger(__name__)

EXPORT_FORMAT = "parvis-personal-data/1"
# Attachment files go into the archive up to this total; beyond it they are listed only (the archive is
# built in memory by the web process).
EXPORT_FILES_MAX_BYTES = 100 * 1024 * 1024
RETENTION_MONTHS_MIN, RETENTION_MONTHS_MAX = 1, 120
RETENTION_RUNS_SHOWN = 20


class PrivacyError(StrEnum):
    NOT_ALLOWED = "privacy_not_allowed"
    LAST_ADMIN = "last_admin"
    RETENTION_RANGE = "retention_months_range"
    ADMIN_ONLY = "admin_only"


# --- Archive of a person's data -------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value is not None else None


def _account_data(user: User) -> dict:
    return {
        "id": user.pk, "email": user.email, "full_name": user.full_name, "role": user.role,
        "role_label": str(user.get_role_display()), "is_active": user.is_active,
        "date_joined": _iso(user.date_joined), "last_login": _iso(user.last_login),
        "terms_accepted_at": _iso(user.terms_accepted_at), "updated_at": _iso(user.updated_at),
        "has_password": user.has_usable_password(),
    }


def _assurance_data(user: User) -> dict | None:
    assurance = Assurance.objects.select_related("residence_district").filter(user=user).first()
    if assurance is None:
        return None
    return {
        "identity_verified_by": assurance.identity_method,
        "identity_verified_by_label": str(assurance.get_identity_method_display()),
        "identity_verified_at": _iso(assurance.identity_verified_at),
        "residence": assurance.residence, "residence_label": str(assurance.get_residence_display()),
        "residence_district": assurance.residence_district.name if assurance.residence_district else None,
        "residence_updated_at": _iso(assurance.residence_updated_at),
        # Encrypted at rest, read back in clear: it is the person's own data.
        "given_name": assurance.given_name, "family_name": assurance.family_name,
        "birth_date": assurance.birth_date, "postal_address": assurance.postal_address, "phone": assurance.phone,
        "updated_at": _iso(assurance.updated_at),
    }


def _profile_data(user: User) -> dict | None:
    profile = CitizenProfile.objects.select_related("district").filter(user=user).first()
    if profile is None:
        return None
    return {
        "age_range": profile.age_range, "gender": profile.gender,
        "district": profile.district.name if profile.district else None,
        "consented_at": _iso(profile.consented_at), "updated_at": _iso(profile.updated_at),
    }


def _status_label(status) -> str | None:
    return status.label if status is not None and status.is_public else None


def _contributions_data(user: User, files: list) -> list[dict]:
    contributions = (
        Contribution.objects.filter(Q(author=user) | Q(pk__in=Contribution.coauthors.through.objects
                                                      .filter(user=user).values("contribution_id")))
        .select_related("process", "district", "status", "official_answer")
        .prefetch_related(
            "themes", "attachments",
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("from_status", "to_status")
                     .filter(to_status__is_public=True)),
        )
        .order_by("created_at", "id")
    )
    rows = []
    for contribution in contributions:
        answer = getattr(contribution, "official_answer", None)
        attachments = []
        for attachment in contribution.attachments.all():
            name = f"attachments/{contribution.pk}-{attachment.pk}{attachment.extension}"
            files.append((name, attachment))
            attachments.append({"id": attachment.pk, "file_name": attachment.original_name,
                                "kind": attachment.kind, "content_type": attachment.content_type,
                                "size": attachment.size, "description": attachment.alt_text,
                                "created_at": _iso(attachment.created_at), "file_in_archive": name})
        rows.append({
            "id": contribution.pk, "reference": str(contribution.reference),
            "you_are": "author" if contribution.author_id == user.pk else "coauthor",
            "process": {"id": contribution.process_id, "title": contribution.process.title,
                        "slug": contribution.process.slug},
            "title": contribution.title, "body_html": contribution.body,
            "published_anonymously": contribution.is_anonymous,
            "district": contribution.district.name if contribution.district else None,
            "themes": [theme.label for theme in contribution.themes.all()],
            "address": contribution.address,
            "latitude": contribution.latitude, "longitude": contribution.longitude,
            "status": _status_label(contribution.status),
            "status_history": [
                {"from": _status_label(change.from_status), "to": _status_label(change.to_status),
                 "message": change.message, "at": _iso(change.created_at)}
                for change in contribution.status_changes.all()
            ],
            "official_answer": ({"body_html": answer.body, "published_at": _iso(answer.created_at),
                                 "updated_at": _iso(answer.updated_at)} if answer is not None else None),
            "is_hidden_by_moderation": contribution.is_hidden, "hidden_reason": contribution.hidden_reason,
            "supports": contribution.support_count, "for": contribution.for_count,
            "against": contribution.against_count, "neutral": contribution.neutral_count,
            "comments": contribution.comment_count,
            "attachments": attachments,
            "created_at": _iso(contribution.created_at), "updated_at": _iso(contribution.updated_at),
        })
    return rows


def _contribution_ref(contribution) -> dict:
    return {"id": contribution.pk, "title": contribution.title}


def _comments_data(user: User) -> list[dict]:
    comments = (Comment.objects.filter(author=user).select_related("contribution")
                .prefetch_related(Prefetch("revisions", queryset=CommentRevision.objects.order_by("created_at", "id")))
                .order_by("created_at", "id"))
    return [{
        "id": comment.pk, "contribution": _contribution_ref(comment.contribution),
        "in_reply_to_comment": comment.parent_id, "body": comment.body, "is_official": comment.is_official,
        "is_deleted": comment.is_deleted, "deleted_at": _iso(comment.deleted_at),
        "is_hidden_by_moderation": comment.is_hidden, "hidden_reason": comment.hidden_reason,
        "created_at": _iso(comment.created_at), "edited_at": _iso(comment.edited_at),
        "previous_versions": [{"body": revision.body, "replaced_at": _iso(revision.created_at)}
                              for revision in comment.revisions.all()],
    } for comment in comments]


def _arguments_data(user: User) -> list[dict]:
    arguments = Argument.objects.filter(author=user).select_related("contribution").order_by("created_at", "id")
    return [{
        "id": argument.pk, "contribution": _contribution_ref(argument.contribution), "side": argument.side,
        "body": argument.body, "is_hidden_by_moderation": argument.is_hidden,
        "hidden_reason": argument.hidden_reason, "created_at": _iso(argument.created_at),
        "updated_at": _iso(argument.updated_at),
    } for argument in arguments]


def _votes_data(user: User) -> list[dict]:
    votes = (Vote.objects.filter(voter=user).select_related("contribution__process")
             .order_by("created_at", "id"))
    return [{
        "contribution": _contribution_ref(vote.contribution), "process": vote.contribution.process.title,
        "kind": vote.mode, "value": vote.value, "value_label": str(vote.get_value_display()),
        "created_at": _iso(vote.created_at), "updated_at": _iso(vote.updated_at),
    } for vote in votes]


def _follows_data(user: User) -> list[dict]:
    follows = Follow.objects.filter(user=user).select_related("process", "contribution").order_by("created_at", "id")
    return [{
        "process": {"id": follow.process_id, "title": follow.process.title} if follow.process_id else None,
        "contribution": _contribution_ref(follow.contribution) if follow.contribution_id else None,
        "since": _iso(follow.created_at),
    } for follow in follows]


def _notifications_data(user: User) -> list[dict]:
    notifications = Notification.objects.filter(recipient=user).order_by("created_at", "id")
    return [{
        "kind": notification.kind, "data": notification.data, "url": notification.url,
        "created_at": _iso(notification.created_at), "read_at": _iso(notification.read_at),
        "emailed_at": _iso(notification.emailed_at),
    } for notification in notifications]


def _flags_data(user: User) -> list[dict]:
    flags = Flag.objects.filter(reporter=user).select_related("content_type").order_by("created_at", "id")
    return [{
        "target": {"kind": flag.content_type.model, "id": flag.object_id}, "reason": flag.reason,
        "details": flag.details, "state": flag.state, "created_at": _iso(flag.created_at),
    } for flag in flags]


def _moderation_data(user: User) -> list[dict]:
    decisions = ModerationDecision.objects.filter(account=user).order_by("created_at", "id")
    return [{"action": decision.action, "reason": decision.reason, "at": _iso(decision.created_at)}
            for decision in decisions]


def personal_data_collect(*, user: User, files: list | None = None) -> dict:
    """Everything this collectivity holds about `user`, as JSON-ready data (a fixed number of queries).

    Other people's writings are left out: the votes give the titles voted on, the comments are the person's own.
    """
    files = files if files is not None else []
    tenant = collectivity_current()
    settings = NotificationSettings.objects.filter(user=user).first()
    return {
        "format": EXPORT_FORMAT,
        "generated_at": _iso(timezone.now()),
        "collectivity": {"name": getattr(tenant, "name", ""), "slug": getattr(tenant, "slug", "")},
        "account": _account_data(user),
        "email_addresses": [
            {"email": address.email, "primary": address.primary, "verified": address.verified}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "linked_sign_in_services": [
            {"provider": social.provider, "uid": social.uid, "linked_at": _iso(social.date_joined),
             "last_login": _iso(social.last_login), "data_received": social.extra_data}
            for social in SocialAccount.objects.filter(user=user).order_by("date_joined")
        ],
        "two_factor_methods": [
            {"type": authenticator.type, "created_at": _iso(authenticator.created_at),
             "last_used_at": _iso(authenticator.last_used_at)}
            for authenticator in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
        "assurance": _assurance_data(user),
        "statistics_profile": _profile_data(user),
        "notification_settings": ({"email_frequency": settings.email_frequency} if settings is not None else None),
        "contributions": _contributions_data(user, files),
        "comments": _comments_data(user),
        "arguments": _arguments_data(user),
        "votes": _votes_data(user),
        "follows": _follows_data(user),
        "notifications": _notifications_data(user),
        "flags_raised": _flags_data(user),
        "moderation_decisions_about_the_account": _moderation_data(user),
    }


def _readme(data: dict, files_left_out: int) -> str:
    lines = [
        _("Your personal data on the participation platform of %(name)s") % {"name": data["collectivity"]["name"]},
        "",
        _("Archive made on %(date)s.") % {"date": data["generated_at"]},
        "",
        _("Files in this archive:"),
        _("- data.json: all your data, in JSON (a standard format that other software can read)."),
        _("- attachments/: the files you attached to your contributions (the name of each file is given in "
          "data.json, under contributions > attachments > file_in_archive)."),
        "",
        _("Sections of data.json:"),
        _("- account: your account (e-mail address, name, role, dates, acceptance of the terms of use)."),
        _("- email_addresses, linked_sign_in_services (FranceConnect...), two_factor_methods."),
        _("- assurance: how your identity and residence were verified, and your identity details."),
        _("- statistics_profile: the optional profile you agreed to give for anonymous statistics."),
        _("- contributions: your contributions, with their status history, the official answer and attachments."),
        _("- comments (with their previous versions), arguments, votes (what you voted on and how)."),
        _("- follows, notifications, notification_settings, flags_raised, "
          "moderation_decisions_about_the_account."),
        "",
        _("Other people's writings are not included. Your password is never included: only a hash of it is kept."),
    ]
    if files_left_out:
        lines += ["", _("%(n)s attached files were too large to fit in the archive: they are listed in data.json; "
                        "ask the collectivity for them.") % {"n": files_left_out}]
    return "\n".join(lines) + "\n"


def personal_data_export(*, user: User) -> bytes:
    """A ZIP archive (data.json, README.txt, attachments/) of everything about `user` here; audited."""
    files: list = []
    data = personal_data_collect(user=user, files=files)
    buffer = io.BytesIO()
    total, left_out = 0, 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, attachment in files:
            if total + attachment.size > EXPORT_FILES_MAX_BYTES:
                left_out += 1
                continue
            try:
                with attachment.file.open("rb") as handle:
                    content = handle.read()
            except OSError:
                log.warning("privacy_export_file_missing", attachment=attachment.pk)
                left_out += 1
                continue
            total += len(content)
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED)  # images and PDF are compressed
        data["attachment_files_left_out"] = left_out
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        archive.writestr("README.txt", _readme(data, left_out))
    city_audit_record(actor=user, action="privacy.export", target=user)
    return buffer.getvalue()


# --- Erasure of an account -------------------------------------------------------------------------------

ERASED_ACTOR_LABEL = "account #%(id)s (erased)"


def account_erase_check(*, user: User, actor) -> None:
    """Raise if `actor` may not erase `user` now (someone else's account; the last administrator)."""
    is_self = actor is not None and actor.is_authenticated and actor.pk == user.pk
    is_admin = (actor is not None and actor.is_authenticated and actor.is_active
                and actor.role == User.Role.CITY_ADMIN)
    if not (is_self or is_admin):
        raise NotAllowed(PrivacyError.NOT_ALLOWED, _("Only the person themselves can delete their account."))
    if user.role == User.Role.CITY_ADMIN and user.is_active:
        others = (User.objects.select_for_update().filter(role=User.Role.CITY_ADMIN, is_active=True)
                  .exclude(pk=user.pk).count())
        if not others:
            raise Invalid(PrivacyError.LAST_ADMIN, _(
                "This is the last administrator of the city: give the administrator role to someone else "
                "before deleting this account."))


def sessions_delete_for(*, user_id: int) -> int:
    """Delete the stored sessions signed in as `user_id`.

    Sessions keep the account id only inside their encoded data, so every stored session is decoded once:
    bounded by the number of sessions of this collectivity (expired ones are cleared every day).
    """
    key = str(user_id)
    keys = []
    for session in Session.objects.all().iterator(chunk_size=500):
        try:
            if str(session.get_decoded().get(SESSION_KEY)) == key:
                keys.append(session.session_key)
        except Exception:  # noqa: S112  (an unreadable session signs nobody in)
            continue
    deleted, _count = Session.objects.filter(session_key__in=keys).delete()
    return deleted


@transaction.atomic
def account_erase(*, user: User, actor) -> None:
    """Delete `user`'s account; what they wrote stays, anonymous, and their votes stay counted, unlinked."""
    user = User.objects.select_for_update().get(pk=user.pk)
    account_erase_check(user=user, actor=actor)
    user_id, email = user.pk, user.email
    is_self = getattr(actor, "pk", None) == user_id
    # Contributions stay (others voted and commented on them): anonymous, without author or co-authors.
    Contribution.objects.filter(author=user).update(author=None, is_anonymous=True)
    Contribution.coauthors.through.objects.filter(user_id=user_id).delete()
    # Votes stay counted: unlinked only (several NULL voters do not break "one vote per person").
    Vote.objects.filter(voter=user).update(voter=None)
    Comment.objects.filter(author=user).update(author=None)
    Argument.objects.filter(author=user).update(author=None)
    Flag.objects.filter(reporter=user).update(reporter=None)
    # The audit log keeps what was done, no longer by whom: the e-mail address leaves its rows.
    AuditEntry.objects.filter(actor=user).update(actor=None, actor_label=ERASED_ACTOR_LABEL % {"id": user_id})
    Invitation.objects.filter(email__iexact=email).delete()
    sessions_delete_for(user_id=user_id)
    # CASCADE: e-mail addresses, linked FranceConnect accounts, second factors, API tokens, follows,
    # notifications and their settings, the statistics profile, the level of assurance.
    user.delete()
    entry = city_audit_record(actor=None if is_self else actor, action="privacy.erase", account=user_id,
                              by="self" if is_self else "administrator")
    if is_self:
        AuditEntry.objects.filter(pk=entry.pk).update(actor_label=ERASED_ACTOR_LABEL % {"id": user_id})


# --- Retention -------------------------------------------------------------------------------------------


def privacy_settings_get() -> PrivacySettings:
    """The collectivity's privacy settings (the defaults, unsaved, until an administrator saves them)."""
    return PrivacySettings.objects.filter(singleton=True).first() or PrivacySettings()


@transaction.atomic
def privacy_settings_update(*, retention_months: int, actor) -> PrivacySettings:
    """Set how many months personal data of a finished process is kept (city administrators only)."""
    if not (actor is not None and actor.is_authenticated and actor.is_active and actor.role == User.Role.CITY_ADMIN):
        raise NotAllowed(PrivacyError.ADMIN_ONLY, _("Only the city's administrators can do this."))
    if not isinstance(retention_months, int) or not RETENTION_MONTHS_MIN <= retention_months <= RETENTION_MONTHS_MAX:
        raise Invalid(PrivacyError.RETENTION_RANGE, _("Choose between %(min)s and %(max)s months.")
                      % {"min": RETENTION_MONTHS_MIN, "max": RETENTION_MONTHS_MAX})
    settings, _created = PrivacySettings.objects.select_for_update().get_or_create(singleton=True)
    previous = settings.retention_months
    settings.retention_months = retention_months
    settings.save()
    city_audit_record(actor=actor, action="privacy.settings_update", previous=previous,
                      retention_months=retention_months)
    return settings


def retention_runs_list(*, limit: int = RETENTION_RUNS_SHOWN) -> list[RetentionRun]:
    return list(RetentionRun.objects.order_by("-ran_at", "-id")[:limit])


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """`moment` moved `months` calendar months back (the 31st becomes the last day of a shorter month)."""
    years, month_index = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month_index + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def retention_processes(*, cutoff: dt.datetime):
    """Processes whose last phase ended before `cutoff` (a process without phases never ends)."""
    return Process.objects.annotate(last_end=Max("phases__ends_at")).filter(last_end__lt=cutoff)


@transaction.atomic
def retention_apply(*, now: dt.datetime | None = None) -> RetentionRun:
    """Pseudonymise contributions, votes, comments and arguments of processes finished for longer than the
    retention period. Idempotent: only rows still linked to an account change; every run is logged, a run that
    changed nothing with zero counts (the log shows the task runs); the city's audit log gets a row only when
    something changed."""
    now = now or timezone.now()
    cutoff = months_before(now, privacy_settings_get().retention_months)
    process_ids = retention_processes(cutoff=cutoff).values("pk")
    contributions = Contribution.objects.filter(process_id__in=process_ids)
    linked = list(contributions.filter(Q(author__isnull=False) | Q(coauthors__isnull=False))
                  .order_by().values_list("pk", "process_id").distinct())
    contribution_ids = [pk for pk, _process in linked]
    touched = {process for _pk, process in linked}
    Contribution.objects.filter(pk__in=contribution_ids).update(author=None, is_anonymous=True)
    Contribution.coauthors.through.objects.filter(contribution_id__in=contribution_ids).delete()

    counts = {}
    for name, model, field in (("votes", Vote, "voter"), ("comments", Comment, "author"),
                               ("arguments", Argument, "author")):
        rows = model.objects.filter(contribution__process_id__in=process_ids, **{f"{field}__isnull": False})
        touched.update(rows.order_by().values_list("contribution__process_id", flat=True).distinct())
        counts[name] = rows.update(**{field: None})

    run = RetentionRun.objects.create(cutoff=cutoff, process_ids=sorted(touched), contributions=len(contribution_ids),
                                      **counts)
    if touched:
        city_audit_record(actor=None, action="privacy.retention", target=run, processes=sorted(touched),
                          contributions=run.contributions, **counts)
    log.info("retention_apply", cutoff=cutoff.isoformat(), processes=len(touched),
             contributions=run.contributions, **counts)
    return run
