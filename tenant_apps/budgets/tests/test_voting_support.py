"""Helpers shared by the voting tests (no test here): editions with several budgets, voters, paper set-up."""

from tenant_apps.budgets.models import Edition, PollingPlace
from tenant_apps.budgets.tests.factories import budget_make, edition_make, phases_shift_to
from tenant_apps.participation.models import District
from tenant_apps.participation.tests.factories import account


def edition_with(*budgets: dict, voting_scope=Edition.VotingScope.ONE_DISTRICT, **edition_fields):
    """An edition whose vote is open now, with one budget per dict of `budget_make` arguments.

    A dict with `district="Nord"` makes (or reuses) that district."""
    admin = account("city_admin")
    edition = edition_make(admin=admin, voting_scope=voting_scope, **edition_fields)
    made = []
    for n, values in enumerate(budgets):
        values = dict(values)
        if isinstance(values.get("district"), str):
            name = values["district"]
            values["district"], _created = District.objects.get_or_create(
                slug=f"{name.lower()}-{edition.pk}", defaults={"name": name})
        values.setdefault("name", f"Enveloppe {n + 1}")
        made.append(budget_make(edition, admin=admin, **values))
    phases_shift_to(edition, "budget_vote")
    return edition, made


def verified(user, *, given_name="Camille", family_name="Martin", birth_date="1980-05-17"):
    """Record at a desk that `user`'s identity was checked (names as an identity provider would give them)."""
    from tenant_apps.identity.assurance import desk_verify
    from tenant_apps.identity.models import Assurance

    desk_verify(person=user, agent=account("agent"), identity=True, residence=False, birth_date=birth_date)
    assurance = Assurance.objects.get(user=user)
    assurance.given_name, assurance.family_name = given_name, family_name
    assurance.save()
    user.assurance = assurance  # what the next eligibility check in this test reads
    return user


def place(edition, name="Mairie centrale"):
    return PollingPlace.objects.create(edition=edition, name=name)
