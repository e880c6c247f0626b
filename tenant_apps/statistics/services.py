"""Writes of the statistics app: counting visits, copying the counts of a day, the optional citizen profile."""

import datetime as dt
from enum import StrEnum

import structlog
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.core.errors import Invalid
from tenant_apps.participation.models import District, Process
from tenant_apps.statistics import visits
from tenant_apps.statistics.models import CitizenProfile, DailyVisits

log = structlog.get_logger(__name__)


class ProfileError(StrEnum):
    AGE_RANGE = "age_range_unknown"
    DISTRICT = "district_unknown"
    GENDER = "gender_unknown"


def visit_record(*, request, process=None) -> bool:
    """Count the visitor of `request` once today, on the platform and on `process` (a Process or its id).

    Nothing identifying is kept (see `visits`). Does nothing without Redis; a Redis failure never breaks a page.
    """
    if not visits.redis_available() or connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return False
    day = timezone.localdate()
    token = visits.visitor_token(day=day, address=visits.client_address(request),
                                 user_agent=request.META.get("HTTP_USER_AGENT", ""))
    process_id = getattr(process, "pk", process)
    scopes = [None] + ([process_id] if process_id else [])
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    keys = [visits.visit_key(day=day, process_id=scope) for scope in scopes]
    if signed_in:
        keys += [visits.visit_key(day=day, process_id=scope, signed_in=True) for scope in scopes]
    try:
        from redis.exceptions import RedisError  # noqa: PLC0415

        pipe = visits.redis_connection().pipeline(transaction=False)
        for key in keys:
            pipe.pfadd(key, token)
            pipe.expire(key, visits.KEY_LIFETIME)
        pipe.execute()
    except RedisError as error:
        log.warning("visit_record_failed", error=str(error))
        return False
    return True


def visits_flush(*, day: dt.date) -> int:
    """Copy the visitor counts of `day` from Redis into DailyVisits (upsert: running it twice changes nothing).

    Scopes whose keys are gone (expired) or empty are left as they are, never overwritten with zero.
    """
    if not visits.redis_available():
        return 0
    process_ids = list(Process.objects.values_list("id", flat=True))
    scopes = [None, *process_ids]
    pipe = visits.redis_connection().pipeline(transaction=False)
    for scope in scopes:
        pipe.pfcount(visits.visit_key(day=day, process_id=scope))
        pipe.pfcount(visits.visit_key(day=day, process_id=scope, signed_in=True))
    counts = pipe.execute()
    rows = [
        DailyVisits(date=day, process_id=scope, visitors=counts[2 * i], signed_in_visitors=counts[2 * i + 1])
        for i, scope in enumerate(scopes) if counts[2 * i]
    ]
    if rows:
        DailyVisits.objects.bulk_create(rows, update_conflicts=True, unique_fields=["date", "process"],
                                        update_fields=["visitors", "signed_in_visitors"])
    return len(rows)


@transaction.atomic
def profile_update(*, user, age_range: str = "", district: District | None = None, gender: str = "",
                   consent: bool) -> CitizenProfile | None:
    """Store a citizen's age range, gender and district for statistics, only with consent; without it, erase them."""
    if not consent:
        CitizenProfile.objects.filter(user=user).delete()
        return None
    if age_range and age_range not in CitizenProfile.AgeRange.values:
        raise Invalid(ProfileError.AGE_RANGE, _("Choose an age range from the list."))
    if gender and gender not in CitizenProfile.Gender.values:
        raise Invalid(ProfileError.GENDER, _("Choose a gender from the list."))
    if district is not None and not District.objects.filter(pk=district.pk).exists():
        raise Invalid(ProfileError.DISTRICT, _("Choose a district from the list."))
    profile, _created = CitizenProfile.objects.select_for_update().get_or_create(user=user)
    profile.age_range = age_range or ""
    profile.gender = gender or ""
    profile.district = district
    profile.consented_at = profile.consented_at or timezone.now()
    profile.save()
    return profile
