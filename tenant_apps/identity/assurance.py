"""Levels of assurance: what the collectivity knows for sure about an account, and how.

E-mail verified (allauth), identity verified (FranceConnect, or checked by the city's staff at a desk),
residence declared by the person or checked by the staff. Reads never create rows: no row means
nothing is verified. What a request reads is cached on the user object, so checking eligibility for
many capabilities costs the same queries as checking it once; the writers here refresh that cache.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.identity.models import Assurance
from tenant_apps.participation.models import District
from tenant_apps.participation.permissions import staff_check

_EMAIL_CACHE = "_parvis_email_verified"
OLDEST_AGE = 120


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.pk)


# --- Reads ------------------------------------------------------------------------------------------------


def assurance_get(user) -> Assurance | None:
    """The account's level of assurance, or None when nothing was ever recorded (nothing is verified)."""
    if not _signed_in(user):
        return None
    try:
        return user.assurance  # Django caches the row, and its absence, on the user object
    except Assurance.DoesNotExist:
        return None


def email_verified(user) -> bool:
    """Whether the account's primary e-mail address is verified (allauth)."""
    if not _signed_in(user):
        return False
    cached = getattr(user, _EMAIL_CACHE, None)
    if cached is None:
        from allauth.account.models import EmailAddress

        cached = EmailAddress.objects.filter(user_id=user.pk, primary=True, verified=True).exists()
        setattr(user, _EMAIL_CACHE, cached)
    return cached


def identity_verified(user) -> bool:
    assurance = assurance_get(user)
    return bool(assurance and assurance.identity_verified)


def birth_date_of(user) -> dt.date | None:
    assurance = assurance_get(user)
    if assurance is None or not assurance.birth_date:
        return None
    try:
        return dt.date.fromisoformat(assurance.birth_date)
    except ValueError:
        return None


def age_on(user, day: dt.date) -> int | None:
    """The person's age in whole years on `day`, from the recorded date of birth; None when unknown."""
    born = birth_date_of(user)
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def assurance_summary(user) -> dict:
    """The levels of assurance in plain words, for the person's own page and the desk."""
    assurance = assurance_get(user)
    email = email_verified(user)
    identity_method = assurance.identity_method if assurance and assurance.identity_verified else ""
    residence = assurance.residence if assurance else ""
    return {
        "assurance": assurance,
        "email_verified": email,
        "identity_verified": bool(identity_method),
        "identity_method": identity_method,
        "identity_by_franceconnect": identity_method == Assurance.IdentityMethod.FRANCECONNECT,
        "identity_at_desk": identity_method == Assurance.IdentityMethod.DESK,
        "identity_verified_at": assurance.identity_verified_at if identity_method else None,
        "has_birth_date": birth_date_of(user) is not None,
        "residence": residence,
        "residence_declared": residence == Assurance.Residence.DECLARED,
        "residence_checked": residence == Assurance.Residence.CHECKED,
        "residence_district": assurance.residence_district if assurance and residence else None,
        "residence_updated_at": assurance.residence_updated_at if residence else None,
    }


def account_find_by_email(email: str):
    """The account of this collectivity with exactly this e-mail address (case ignored), or None."""
    email = (email or "").strip()
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email).first()


# --- Writes -----------------------------------------------------------------------------------------------


def _locked_assurance(user) -> Assurance:
    assurance, _created = Assurance.objects.select_for_update().get_or_create(user=user)
    return assurance


def _cache(user, assurance: Assurance) -> Assurance:
    user.assurance = assurance  # later reads in this request see the new values
    return assurance


def _district_clean(district) -> District | None:
    if district is None:
        return None
    if not isinstance(district, District) or district.pk is None:
        raise Invalid("district", _("Unknown district."))
    return district


@transaction.atomic
def residence_declare(*, user, in_collectivity: bool, district: District | None = None) -> Assurance:
    """The person says whether they live in the collectivity (and optionally in which district)."""
    if not _signed_in(user) or not user.is_active:
        raise NotAllowed("login_required", _("Sign in to say where you live."))
    district = _district_clean(district)
    if district is not None and not in_collectivity:
        raise Invalid("district_without_residence",
                      _("You chose a district but said you do not live in the collectivity: choose one or the other."))
    assurance = _locked_assurance(user)
    if in_collectivity:
        same = (assurance.residence == Assurance.Residence.CHECKED
                and assurance.residence_district_id == (district.pk if district else None))
        if not same:  # what the staff checked stays checked; anything else is the person's word
            assurance.residence = Assurance.Residence.DECLARED
            assurance.residence_district = district
            assurance.residence_checked_by = None
            assurance.residence_updated_at = timezone.now()
    else:
        assurance.residence = Assurance.Residence.NONE
        assurance.residence_district = None
        assurance.residence_checked_by = None
        assurance.residence_updated_at = timezone.now()
    assurance.save()
    return _cache(user, assurance)


def _birth_date_clean(birth_date) -> dt.date | None:
    if birth_date in (None, ""):
        return None
    if isinstance(birth_date, dt.datetime):
        birth_date = birth_date.date()
    if not isinstance(birth_date, dt.date):
        try:
            birth_date = dt.date.fromisoformat(str(birth_date))
        except ValueError:
            raise Invalid("birth_date", _("This date of birth is not valid.")) from None
    today = timezone.localdate()
    if birth_date > today or today.year - birth_date.year > OLDEST_AGE:
        raise Invalid("birth_date", _("This date of birth is not valid."))
    return birth_date


@transaction.atomic
def desk_verify(*, person, agent, identity: bool, residence: bool, district: District | None = None,
                birth_date: dt.date | None = None) -> Assurance:
    """An agent records that they checked a person's identity and/or residence in person (who and when)."""
    staff_check(agent)
    if person is None or person.pk is None:
        raise Invalid("person", _("Unknown account."))
    if person.pk == agent.pk:
        raise NotAllowed("desk_self", _("You cannot verify your own identity or residence: ask a colleague."))
    if not identity and not residence:
        raise Invalid("desk_nothing", _("Choose what you checked: the identity, the residence, or both."))
    birth_date = _birth_date_clean(birth_date)
    if birth_date is not None and not identity:
        raise Invalid("birth_date_without_identity",
                      _("The date of birth is recorded with the identity check: tick “identity checked”."))
    district = _district_clean(district)
    if district is not None and not residence:
        raise Invalid("district_without_residence",
                      _("The district is recorded with the residence check: tick “residence checked”."))
    now = timezone.now()
    assurance = _locked_assurance(person)
    if identity:
        assurance.identity_method = Assurance.IdentityMethod.DESK
        assurance.identity_verified_at = now
        assurance.identity_verified_by = agent
        if birth_date is not None:
            assurance.birth_date = birth_date.isoformat()  # encrypted at rest by the field
    if residence:
        assurance.residence = Assurance.Residence.CHECKED
        assurance.residence_district = district
        assurance.residence_updated_at = now
        assurance.residence_checked_by = agent
    assurance.save()
    # Who checked what, and when: never the personal values themselves (date of birth, district).
    city_audit_record(actor=agent, action="identity.desk_verify", target=person, identity=bool(identity),
                      residence=bool(residence), birth_date_recorded=birth_date is not None)
    return _cache(person, assurance)
