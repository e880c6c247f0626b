"""Test harness: two ready collectivities built once per session, each test rolled back.

`city_a` / `city_b` are the collectivities; `client_a` / `client_b` are test clients bound to their
hosts; `control_client` is bound to the root domain (control plane).
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

CITY_SPECS = {
    "city_a": {"slug": "ville-a", "name": "Ville A", "kind": "commune", "population": 25000,
               "insee_code": "99101", "primary_colour": "#1f5f99"},
    "city_b": {"slug": "ville-b", "name": "Ville B", "kind": "intercommunalite", "population": 90000,
               "primary_colour": "#2d6a3e"},
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from billing.catalogue import MODULES
    from billing.services import licence_set_allowed_modules
    from provisioning.services import collectivity_create
    from tenants.models import Collectivity

    with django_db_blocker.unblock():
        for spec in CITY_SPECS.values():
            if not Collectivity.objects.filter(slug=spec["slug"]).exists():
                collectivity_create(**spec)
            connection.set_schema_to_public()
            # Both test cities hold every module's licence; tests of licensing switch one off.
            licence_set_allowed_modules(collectivity=Collectivity.objects.get(slug=spec["slug"]),
                                        modules=list(MODULES))
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    yield
    connection.set_schema_to_public()


def _city(key):
    from tenants.models import Collectivity

    connection.set_schema_to_public()
    return Collectivity.objects.get(slug=CITY_SPECS[key]["slug"])


@pytest.fixture
def city_a(db):
    return _city("city_a")


@pytest.fixture
def city_b(db):
    return _city("city_b")


class HostClient(Client):
    """A test client whose every request carries one host name."""

    def __init__(self, host: str, **kwargs):
        super().__init__(HTTP_HOST=host, **kwargs)
        self.host = host

    def request(self, **request):
        tenant = getattr(connection, "tenant", None)
        try:
            return super().request(**request)
        finally:
            # The request left the connection in its collectivity's schema; the test goes on in the
            # schema it was in before (public, or a city's inside `in_a` / `in_city`).
            if tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
                connection.set_schema_to_public()
            else:
                connection.set_tenant(tenant)


@pytest.fixture
def client_a(city_a):
    return HostClient(city_a.host)


@pytest.fixture
def client_b(city_b):
    return HostClient(city_b.host)


@pytest.fixture
def control_client(db):
    return HostClient(settings.PARVIS_ROOT_DOMAIN)


@pytest.fixture
def in_city():
    """`with in_city(city): ...` runs ORM code in that collectivity's schema."""
    return lambda city: schema_context(city.schema_name)



@pytest.fixture
def in_a(city_a):
    """Run the test body in city A's schema (ORM calls, services); requests via client_a still work."""
    with schema_context(city_a.schema_name):
        yield city_a


@pytest.fixture
def frozen():
    """`with frozen(datetime): ...` freezes the clock (services and process_state see that time)."""
    import time_machine

    return lambda when: time_machine.travel(when, tick=False)
