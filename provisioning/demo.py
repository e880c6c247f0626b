"""Demo data for `make run`: two collectivities, an account per role, an operator."""

from dataclasses import dataclass

from django.conf import settings
from django_tenants.utils import schema_context

from billing.catalogue import MODULES
from provisioning.models import CollectivityTemplate
from provisioning.registry import demo_seeders
from provisioning.services import collectivity_create, collectivity_template_save
from shared_apps.accounts.models import User
from shared_apps.accounts.services import account_activate_totp, account_create, operator_create
from tenants.models import Collectivity

DEMO_PASSWORD = "parvis-demo-2026"
# Base32 secret shared by the demo accounts that need a second factor: add it to any TOTP app,
# or run `make totp` to print the current code.
DEMO_TOTP_SECRET = "PARVISDEMOTOTPSECRETAAAAAAAAAAAA"
OPERATOR_EMAIL = "operateur@parvis.example"
DEMO_TEMPLATE = "Commune moyenne (démo)"


@dataclass(frozen=True)
class DemoCity:
    slug: str
    name: str
    kind: str
    population: int
    insee_code: str
    colour: str


DEMO_CITIES = [
    DemoCity("villeneuve", "Villeneuve", Collectivity.Kind.COMMUNE, 25_400, "99001", "#1f5f99"),
    DemoCity("agglo-lac", "Agglomération du Lac", Collectivity.Kind.INTERCOMMUNALITE, 148_000, "", "#2d6a3e"),
]

DEMO_ROLES = [
    (User.Role.CITY_ADMIN, "admin", "Alice Administratrice"),
    (User.Role.AGENT, "agent", "Antoine Agent"),
    (User.Role.MODERATOR, "moderation", "Maëlle Modératrice"),
    (User.Role.CITIZEN, "citoyen", "Camille Citoyenne"),
]


def _account(email: str, *, role: str, full_name: str, with_totp: bool) -> tuple[User, bool]:
    existing = User.objects.filter(email=email).first()
    if existing:
        return existing, False
    user = account_create(email=email, password=DEMO_PASSWORD, full_name=full_name, role=role,
                          email_verified=True)
    if with_totp:
        account_activate_totp(user=user, secret=DEMO_TOTP_SECRET)
    return user, True


def seed_demo() -> list[dict]:
    """Idempotent: creates what is missing, changes nothing that exists. Returns the logins."""
    logins = []
    root = settings.PARVIS_ROOT_DOMAIN
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        operator = User.objects.filter(email=OPERATOR_EMAIL).first()
        if operator is None:
            operator = operator_create(email=OPERATOR_EMAIL, password=DEMO_PASSWORD,
                                       full_name="Olivia Opératrice")
            account_activate_totp(user=operator, secret=DEMO_TOTP_SECRET)
        logins.append({"host": root, "role": "operator", "email": operator.email, "totp": True})

    for city in DEMO_CITIES:
        collectivity = Collectivity.objects.filter(slug=city.slug).first()
        if collectivity is None:
            collectivity = collectivity_create(
                slug=city.slug, name=city.name, kind=city.kind, population=city.population,
                insee_code=city.insee_code, primary_colour=city.colour,
                contact_email=f"contact@{city.slug}.example", modules=list(MODULES),
            )
        with schema_context(collectivity.schema_name):
            accounts = {}
            created_any = False
            for role, local_part, full_name in DEMO_ROLES:
                email = f"{local_part}@{city.slug}.example"
                user, created = _account(email, role=role, full_name=full_name,
                                         with_totp=role == User.Role.CITY_ADMIN)
                created_any |= created
                accounts[role] = user
                logins.append({"host": collectivity.host, "role": role, "email": email,
                               "totp": role == User.Role.CITY_ADMIN})
            if created_any:
                demo_seeders.run(collectivity=collectivity, accounts=accounts)
    # A template operators can start new collectivities from, as they would from a configured city.
    if not CollectivityTemplate.objects.filter(name=DEMO_TEMPLATE).exists():
        collectivity_template_save(collectivity=Collectivity.objects.get(slug="villeneuve"), name=DEMO_TEMPLATE,
                                   description="Villeneuve's pages, departments and modules (demo).")
    return logins
