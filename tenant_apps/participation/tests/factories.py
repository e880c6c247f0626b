"""Build processes in a given phase and contributions through the real services (current schema)."""

import datetime as dt
import itertools

from django.utils import timezone

from shared_apps.accounts.services import account_create
from tenant_apps.participation.blueprints import blueprint_get
from tenant_apps.participation.services import contribution_create, process_create

_counter = itertools.count(1)


def account(role: str = "citizen", email: str = "", **kwargs):
    n = next(_counter)
    return account_create(email=email or f"{role}{n}@exemple.fr", password="un-mot-de-passe-solide-2026",
                          full_name=kwargs.pop("full_name", f"Personne {n}"), role=role, email_verified=True,
                          **kwargs)


def process_in_phase(kind: str = "ideas", phase: int | str = 1, *, actor=None, publish: bool = True, **kwargs):
    """A process of `kind` whose phase `phase` (index, or type key of its first such phase) is active now."""
    actor = actor or account("city_admin")
    phases = blueprint_get(kind).phases
    if isinstance(phase, str):
        phase = next(i for i, p in enumerate(phases) if p.type_key == phase)
    days_before = sum(p.days for p in phases[:phase])
    starts_on = timezone.localdate() - dt.timedelta(days=days_before)
    if phases and phases[phase].days > 1:
        starts_on -= dt.timedelta(days=1)  # a day into the phase, not on its edge
    return process_create(kind=kind, title=kwargs.pop("title", f"Processus {next(_counter)}"), actor=actor,
                          starts_on=starts_on, publish=publish, **kwargs)


def contribution(process, author=None, **kwargs):
    kwargs.setdefault("title", f"Contribution {next(_counter)}")
    kwargs.setdefault("body", "Une description suffisante.")
    return contribution_create(process=process, author=author or account(), **kwargs)


TOTP_SECRET = "PARVISTESTTOTPSECRETAAAAAAAAAAAA"


def city_admin():
    """A city administrator with TOTP set up, so `client.force_login()` reaches the back-office."""
    from shared_apps.accounts.services import account_activate_totp

    admin = account("city_admin")
    account_activate_totp(user=admin, secret=TOTP_SECRET)
    return admin
