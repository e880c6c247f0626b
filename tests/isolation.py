"""The cross-collectivity isolation registry. Every module extends it.

Every URL of a collectivity's site that takes a parameter must appear either in CASES (an object
made in city A, requested on city B's host, must not be served there) or in EXEMPT with the reason
it carries no object of a collectivity. `tests/test_isolation.py` fails on any URL that is in
neither, so a new module cannot forget its URLs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class IsolationCase:
    url_name: str
    # Runs in city A's schema; returns the URL kwargs and a text that only that object shows.
    make: Callable[[object], tuple[dict, str]]
    # What city A answers for its own object (proves the case is real)...
    status_home: int = 200
    # ...and what city B answers for it: 404 for objects; allauth answers an unknown key with its
    # own "invalid link" page.
    status_elsewhere: int = 404


def _email_confirmation(city):
    from allauth.account.models import EmailAddress, EmailConfirmation

    from shared_apps.accounts.services import account_create

    user = account_create(email="isolation-confirm@ville-a.example", password="x-very-long-pw",
                          full_name="Ines Isolation")
    confirmation = EmailConfirmation.create(EmailAddress.objects.get(user=user))
    confirmation.sent = confirmation.created
    confirmation.save()
    return {"key": confirmation.key}, "isolation-confirm@ville-a.example"


def _password_reset(city):
    from allauth.account import app_settings
    from allauth.account.utils import user_pk_to_url_str

    from shared_apps.accounts.services import account_create

    user = account_create(email="isolation-reset@ville-a.example", password="x-very-long-pw",
                          email_verified=True)
    token = app_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    return {"uidb36": user_pk_to_url_str(user), "key": token}, "isolation-reset@ville-a.example"


def _invitation(city):
    from shared_apps.accounts.services import invitation_create

    _invitation, token = invitation_create(email="isolation-invite@ville-a.example", role="agent")
    return {"token": token}, "isolation-invite@ville-a.example"


CASES: list[IsolationCase] = [
    IsolationCase("invitation_accept", _invitation),
    IsolationCase("account_confirm_email", _email_confirmation, status_elsewhere=200),
    IsolationCase("account_reset_password_from_key", _password_reset, status_home=302, status_elsewhere=200),
]

# URL names that take a parameter but serve no object of a collectivity.
EXEMPT: dict[str, str] = {}

# Each tenant app lists its own cases in `<app>/tests/isolation.py` (CASES, and EXEMPT if any).
_APP_CASE_MODULES = [
    "tenant_apps.participation.tests.isolation",
    "tenant_apps.votes.tests.isolation",
    "tenant_apps.discussion.tests.isolation",
    "tenant_apps.notifications.tests.isolation",
    "tenant_apps.moderation.tests.isolation",
    "tenant_apps.backoffice.tests.isolation",
    "tenant_apps.backoffice.tests.isolation_processes",
    "tenant_apps.review.tests.isolation",
    "tenant_apps.statistics.tests.isolation",
    "tenant_apps.exports.tests.isolation",
    "tenant_apps.api.tests.isolation",
    "tenant_apps.identity.tests.isolation",
    "tenant_apps.identity.tests.isolation_franceconnect",
    "tenant_apps.identity.tests.isolation_privacy",
    "tenant_apps.budgets.tests.isolation_structure",
    "tenant_apps.budgets.tests.isolation_voting",
    "tenant_apps.budgets.tests.isolation_results",
    "tenant_apps.budgets.tests.isolation_realisation",
]


def _collect_app_cases():
    import importlib

    for module_name in _APP_CASE_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if not module_name.startswith(error.name or "\0"):
                raise
            continue
        CASES.extend(getattr(module, "CASES", []))
        EXEMPT.update(getattr(module, "EXEMPT", {}))


_collect_app_cases()


def tenant_url_names_with_parameters() -> set[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    names: set[str] = set()

    def walk(patterns, has_params=False, namespace=""):
        for pattern in patterns:
            # Path converters (<int:pk>) and regex groups both end up as named groups.
            params = has_params or bool(pattern.pattern.regex.groupindex)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, params, inner)
            elif isinstance(pattern, URLPattern) and params and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver(settings.ROOT_URLCONF).url_patterns)
    return names
