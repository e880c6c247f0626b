"""No object of one collectivity is reachable from another's host. See tests/isolation.py."""

import pytest
from django.urls import reverse

from conftest import HostClient
from tests.isolation import CASES, EXEMPT, tenant_url_names_with_parameters

pytestmark = pytest.mark.django_db


def test_every_url_with_a_parameter_is_covered_by_the_isolation_check():
    covered = {case.url_name for case in CASES} | set(EXEMPT)
    missing = tenant_url_names_with_parameters() - covered
    assert not missing, f"add these URLs to tests/isolation.py (CASES or EXEMPT with a reason): {sorted(missing)}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.url_name)
def test_an_object_of_city_a_is_not_served_on_city_b(case, city_a, city_b, in_city):
    with in_city(city_a):
        kwargs, marker = case.make(city_a)
    from django.conf import settings

    url = reverse(case.url_name, kwargs=kwargs, urlconf=settings.ROOT_URLCONF)

    elsewhere = HostClient(city_b.host).get(url)
    assert elsewhere.status_code == case.status_elsewhere
    if marker:
        assert marker not in elsewhere.content.decode()
    assert city_a.name not in elsewhere.content.decode()

    # The same request on its own host works: the case is real, not a URL that fails everywhere.
    home = HostClient(city_a.host).get(url)
    assert home.status_code == case.status_home
    if case.status_home == 200 and marker:
        assert marker in home.content.decode()


def test_the_orm_sees_only_the_current_collectivity(city_a, city_b, in_city):
    from shared_apps.accounts.models import User
    from tests.factories import UserFactory

    with in_city(city_a):
        UserFactory(email="seulement-a@exemple.fr")
    with in_city(city_b):
        assert not User.objects.filter(email="seulement-a@exemple.fr").exists()
    assert not User.objects.filter(email="seulement-a@exemple.fr").exists()  # nor the public schema


def test_cache_keys_are_per_collectivity(city_a, city_b, in_city):
    import uuid

    from django.core.cache import cache

    key = f"budget:total:{uuid.uuid4().hex}"  # the cache is a real, shared Redis
    with in_city(city_a):
        cache.set(key, "A", 30)
    with in_city(city_b):
        assert cache.get(key) is None
        cache.set(key, "B", 30)
    with in_city(city_a):
        assert cache.get(key) == "A"


def test_uploaded_files_are_stored_per_collectivity(city_a, city_b, in_city):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    with in_city(city_a):
        name_a = default_storage.save("notes/readme.txt", ContentFile(b"a"))
        path_a = default_storage.path(name_a)
    with in_city(city_b):
        assert not default_storage.exists(name_a)
        path_b = default_storage.path(name_a)
    assert path_a != path_b
    assert "/ville-a/" in path_a and "/ville-b/" in path_b
