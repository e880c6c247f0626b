"""No page of a collectivity's site answers 500, whatever is sent: every URL, GET and an empty or junk POST,
anonymous, as a citizen and as a city administrator.

URLs with parameters are filled with objects made for the test (or junk values, which must give a 4xx).
"""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tenant_apps.participation.tests.factories import account, city_admin, contribution, process_in_phase

pytestmark = pytest.mark.django_db

SKIP = {
    "account_logout",  # signs the client out mid-run
    "identity:account_delete",  # would erase the account used by the run (tested in identity)
}


def _patterns():
    found = []

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((f"{namespace}{pattern.name}", list(pattern.pattern.regex.groupindex)))

    walk(get_resolver(settings.ROOT_URLCONF).url_patterns)
    return found


def _kwargs(params, objects):
    values = {}
    for name in params:
        if name not in objects:
            return None
        values[name] = objects[name]
    return values


def test_no_url_answers_500(in_a, client_a):
    from django.urls import NoReverseMatch

    from tenant_apps.discussion.services import comment_post

    admin = city_admin()
    process = process_in_phase("ideas", "submission", actor=admin)
    item = contribution(process)
    comment_post(contribution=item, author=account(), body="Un avis.")  # a thread to render and act on
    objects = {"slug": process.slug, "pk": item.pk, "key": "accessibility", "kind": "ideas", "token": "x" * 20,
               "action": "hide", "uidb36": "zz", "id": item.pk}
    checked, failures = 0, []
    for who in (None, account(), admin):
        if who is None:
            client_a.logout()
        else:
            client_a.force_login(who)
        for name, params in _patterns():
            if name in SKIP:
                continue
            kwargs = _kwargs(params, objects)
            if kwargs is None:
                continue
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            for method in ("get", "post"):
                response = getattr(client_a, method)(url, {"junk": "\x00<script>", "page": "-1", "format": "x"})
                checked += 1
                if response.status_code >= 500:
                    failures.append((who and who.role, method, url, response.status_code))
    assert checked > 300
    assert not failures, failures
