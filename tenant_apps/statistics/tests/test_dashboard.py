"""The dashboards on a collectivity with generated activity: right numbers, a constant number of queries."""

import datetime as dt
import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tenant_apps.discussion.models import Argument, Comment
from tenant_apps.participation.models import Contribution, District
from tenant_apps.participation.tests.factories import account, city_admin, contribution, process_in_phase
from tenant_apps.statistics.models import CitizenProfile, DailyVisits
from tenant_apps.votes.models import Vote

pytestmark = pytest.mark.django_db

_batch = itertools.count(1)
AGES = [value for value, _label in CitizenProfile.AgeRange.choices]


def _spread_over_days(queryset, days: int):
    # bulk_create stamps "now"; spread the rows over the last `days` days (at most 4 hours ago, so still today).
    queryset.update(created_at=RawSQL("now() - interval '4 hours' * ((id %% 7) / 7.0) - (id %% %s) * interval '1 day'",
                                      [days]))


def generate(process, *, contributions=2000, voters_each=5, people=400, comments=300, arguments=100, days=5):
    """Volume, fast: bulk inserts, not services (the point is the amount of rows, not the path)."""
    tag = next(_batch)
    districts = [District.objects.create(name=f"Quartier {tag}-{n}", slug=f"quartier-{tag}-{n}") for n in range(3)]
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"generated-{tag}-{n}@exemple.fr", full_name=f"Habitant {n}") for n in range(people))
    # Half the people gave a profile, a quarter of those without consent (stored by hand: must not count).
    CitizenProfile.objects.bulk_create(
        CitizenProfile(user=user, age_range=AGES[n % len(AGES)], district=districts[n % 3],
                       consented_at=timezone.now() if n % 4 else None)
        for n, user in enumerate(users[: people // 2]))
    items = Contribution.objects.bulk_create(
        Contribution(process=process, title=f"Idée générée {tag}-{n}", body="Texte.", author=users[n % (people // 4)],
                     district=districts[n % 3] if n % 5 else None,
                     for_count=(n * 37) % 101, against_count=(n * 11) % 13, support_count=n % 3,
                     comment_count=n % 17)
        for n in range(contributions))
    Vote.objects.bulk_create(
        Vote(contribution=item, voter=users[(n * 7 + j) % people], mode="for_against", value=1 if j % 3 else -1)
        for n, item in enumerate(items) for j in range(voters_each))
    Comment.objects.bulk_create(
        Comment(contribution=items[n % len(items)], author=users[(n * 3) % people], body="Avis.")
        for n in range(comments))
    Argument.objects.bulk_create(
        Argument(contribution=items[n % len(items)], author=users[(n * 5) % people], side="for", body="Pour.")
        for n in range(arguments))
    for model, path in ((Contribution, "process"), (Vote, "contribution__process"),
                        (Comment, "contribution__process"), (Argument, "contribution__process")):
        _spread_over_days(model.objects.filter(**{path: process}), days)
    return users, districts


def expected_participants(process):
    people = set(Contribution.objects.filter(process=process).values_list("author_id", flat=True))
    people |= set(Vote.objects.filter(contribution__process=process).values_list("voter_id", flat=True))
    people |= set(Comment.objects.filter(contribution__process=process, is_official=False)
                  .values_list("author_id", flat=True))
    people |= set(Argument.objects.filter(contribution__process=process).values_list("author_id", flat=True))
    return people - {None}


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def test_dashboards_are_right_and_bounded_on_a_busy_city(in_a, client_a):
    process = process_in_phase("ideas", "submission", title="Boîte à idées 2026")
    contribution(process)
    client_a.force_login(account("agent"))
    urls = [reverse("statistics:platform"), reverse("statistics:process", args=[process.pk]),
            reverse("statistics:compare", args=["ideas"])]
    small = [_queries(client_a, url) for url in urls]

    _users, districts = generate(process)
    large = [_queries(client_a, url) for url in urls]
    assert small == large, (small, large)
    assert max(large) <= 25, large

    # The figures match independent counts of the rows.
    response = client_a.get(urls[1])
    totals = response.context["totals"]
    participants = expected_participants(process)
    assert totals["contributions"] == Contribution.objects.filter(process=process).count() == 2001
    assert totals["votes"] == Vote.objects.filter(contribution__process=process).count() == 10000
    assert totals["participants"] == len(participants)
    assert totals["contributors"] == Contribution.objects.filter(process=process).values("author").distinct().count()
    data = response.context["data"]
    assert sum(data["contributions_over_time"].values()) == 2001
    assert sum(data["votes_over_time"].values()) == 10000
    consenting = CitizenProfile.objects.filter(consented_at__isnull=False, user_id__in=participants)
    by_age = data["participants"]["by_age"]
    assert by_age["30_44"] == consenting.filter(age_range="30_44").count() > 0
    assert sum(by_age.values()) == len(participants)
    district = districts[0]
    assert data["contributions"]["by_district"][district.pk] == Contribution.objects.filter(
        process=process, district=district).count()
    assert data["participants"]["by_district"][district.pk] == consenting.filter(district=district).count()
    top = Contribution.objects.filter(process=process, is_hidden=False, merged_into__isnull=True).order_by()
    best = sorted(top, key=lambda c: (-(c.support_count + c.for_count - c.against_count), -c.comment_count, -c.pk))
    assert [c.pk for c in response.context["top"]] == [c.pk for c in best[:10]]

    # The platform page sees the same activity; the comparison has one row for this edition.
    platform = client_a.get(urls[0]).context["totals"]
    assert (platform["contributions"], platform["votes"]) == (2001, 10000)
    rows = client_a.get(urls[2]).context["rows"]
    assert [(row["process"].pk, row["contributions"], row["votes"], row["participants"]) for row in rows] == [
        (process.pk, 2001, 10000, len(participants))]


def test_the_page_shows_charts_with_their_tables_and_unlocalised_coordinates(in_a, client_a):
    process = process_in_phase("ideas", "submission", title="Budget des quartiers")
    generate(process, contributions=40, voters_each=2, people=20, comments=5, arguments=3)
    client_a.force_login(city_admin())
    response = client_a.get(reverse("statistics:process", args=[process.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<figure") == html.count("<figcaption") == html.count("<table") - 1 == 8
    assert html.count("<svg") == 8 and 'role="img"' in html
    assert '<th scope="row">' in html and '<th scope="col"' in html
    # Every number in an SVG attribute is written with a dot, whatever the language.
    attributes = re.findall(r'\b(?:x|y|width|height|x1|x2|y1|y2|viewBox|transform)="([^"]*)"', html)
    assert attributes and not [value for value in attributes if re.search(r"\d,\d", value)]


def test_a_period_can_be_chosen_and_a_wrong_one_is_refused(in_a, client_a):
    process = process_in_phase("ideas", "submission")
    contribution(process)
    client_a.force_login(account("agent"))
    url = reverse("statistics:process", args=[process.pk])
    today = timezone.localdate()
    response = client_a.get(url, {"du": str(today - dt.timedelta(days=2)), "au": str(today)})
    assert response.status_code == 200 and response.context["totals"]["contributions"] == 1
    assert response.context["data"]["period"].start == today - dt.timedelta(days=2)
    response = client_a.get(url, {"du": str(today + dt.timedelta(days=1)), "au": str(today + dt.timedelta(days=5))})
    assert response.status_code == 200 and response.context["totals"]["contributions"] == 0
    response = client_a.get(url, {"du": str(today), "au": str(today - dt.timedelta(days=3))})
    assert response.status_code == 400
    assert "La fin de la période doit venir après son début." in response.content.decode()  # the city's language


def test_comparison_lists_each_published_edition_with_its_figures(in_a, client_a):
    first = process_in_phase("ideas", "submission", title="Idées 2025")
    second = process_in_phase("ideas", "submission", title="Idées 2026")
    process_in_phase("ideas", "submission", title="Idées brouillon", publish=False)
    process_in_phase("budget", "submission", title="Budget 2026")
    contribution(first)
    contribution(first)
    contribution(second)
    DailyVisits.objects.create(date=timezone.localdate() - dt.timedelta(days=10), process=first, visitors=7)
    client_a.force_login(account("agent"))
    response = client_a.get(reverse("statistics:compare", args=["ideas"]))
    assert response.status_code == 200
    rows = {row["process"].title: row for row in response.context["rows"]}
    assert set(rows) == {"Idées 2025", "Idées 2026"}
    assert (rows["Idées 2025"]["contributions"], rows["Idées 2025"]["participants"]) == (2, 2)
    assert rows["Idées 2025"]["visitors"] >= 7
    assert rows["Idées 2026"]["contributions"] == 1
    assert "Idées 2025" in response.content.decode()
    assert client_a.get(reverse("statistics:compare", args=["inconnu"])).status_code == 404


def test_the_platform_page_links_each_process_and_kind(in_a, client_a):
    process = process_in_phase("ideas", "submission", title="Idées du centre")
    client_a.force_login(account("agent"))
    html = client_a.get(reverse("statistics:platform")).content.decode()
    assert reverse("statistics:process", args=[process.pk]) in html
    assert reverse("statistics:compare", args=["ideas"]) in html


@pytest.mark.parametrize("name", ["statistics:platform", "statistics:process", "statistics:compare"])
def test_only_staff_see_statistics(in_a, client_a, name):
    process = process_in_phase("ideas", "submission")
    args = {"statistics:platform": [], "statistics:process": [process.pk], "statistics:compare": ["ideas"]}[name]
    url = reverse(name, args=args)
    response = client_a.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for role in ("citizen", "moderator"):
        client_a.force_login(account(role))
        assert client_a.get(url).status_code == 403
    client_a.force_login(account("agent"))
    assert client_a.get(url).status_code == 200
    client_a.force_login(city_admin())
    assert client_a.get(url).status_code == 200
