"""Public open data: the public contributions of a published process, with no personal data at all."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import override

from tenant_apps.discussion.services import argument_post, comment_post
from tenant_apps.exports.opendata import open_data_columns
from tenant_apps.exports.tests.helpers import content, read_csv, read_json
from tenant_apps.moderation.services import content_hide
from tenant_apps.participation.models import Process, Status
from tenant_apps.participation.services import (
    contribution_status_change,
    district_create,
    official_answer_publish,
    process_archive,
    process_update,
    status_update,
    theme_create,
)
from tenant_apps.participation.tests.factories import account, city_admin, contribution, process_in_phase
from tenant_apps.votes.services import vote_cast

pytestmark = pytest.mark.django_db

# Every person involved, with names and addresses that cannot appear by chance in the files.
PEOPLE = {
    "author": ("Zéphyrin Quasimodo-Ouvert", "zephyrin.quasimodo@secret-ouvert.example"),
    "second": ("Hortense Vermillonnière", "hortense.vermillon@secret-ouvert.example"),
    "anonymous": ("Anatole Discretissime", "anatole.discret@secret-ouvert.example"),
    "commenter": ("Gaspard Commentatorius", "gaspard.comment@secret-ouvert.example"),
    "voter": ("Philomène Votantine", "philomene.vote@secret-ouvert.example"),
    "admin": ("Agathe Administratrice", "agathe.admin@secret-ouvert.example"),
    "agent": ("Barnabé Agentissime", "barnabe.agent@secret-ouvert.example"),
    "hidden": ("Cunégonde Cachotière", "cunegonde.cache@secret-ouvert.example"),
}


def _person(key, role="citizen"):
    name, email = PEOPLE[key]
    if role == "city_admin":
        admin = city_admin()
        admin.full_name, admin.email = name, email
        admin.save(update_fields=["full_name", "email"])
        return admin
    return account(role, email=email, full_name=name)


@pytest.fixture
def city(in_a):
    people = {key: _person(key, {"admin": "city_admin", "agent": "agent"}.get(key, "citizen")) for key in PEOPLE}
    admin = people["admin"]
    process = process_in_phase("ideas", "submission", actor=admin, title="Idées ouvertes", slug="idees-ouvertes")
    process_update(process=process, actor=admin, allows_anonymous=True)
    district = district_create(name="Centre-ville", actor=admin)
    theme = theme_create(label_fr="Mobilités", actor=admin)
    located = contribution(process, author=people["author"], title="Une piste cyclable rue Haute",
                           body="<p>Écrite par moi, pour <em>tout le monde</em>.</p>", district=district,
                           themes=[theme], latitude="48.856600", longitude="2.352200", address="12 rue Haute")
    second = contribution(process, author=people["author"], title="Des arceaux vélo")
    other = contribution(process, author=people["second"], title="Un marché le soir")
    anonymous = contribution(process, author=people["anonymous"], title="Une idée sans nom", is_anonymous=True)
    hidden = contribution(process, author=people["hidden"], title="Contribution cachée par la modération")
    content_hide(target=hidden, moderator=admin, reason="Propos injurieux")
    internal_status = Status.objects.get(process_kind="ideas", key="under_review")
    status_update(status=internal_status, actor=admin, is_public=False)
    internal = contribution(process, author=people["second"], title="Contribution au statut interne")
    contribution_status_change(contribution=internal, status=internal_status, actor=people["agent"])
    accepted = Status.objects.get(process_kind="ideas", key="accepted")
    contribution_status_change(contribution=located, status=accepted, actor=people["agent"], message="Bravo")
    official_answer_publish(contribution=located, body="<p>Les travaux commencent en mai.</p>", actor=admin)
    comment_post(contribution=located, author=people["commenter"], body="Je suis d'accord.")
    argument_post(contribution=located, author=people["commenter"], side="for", body="Plus sûr.")
    vote_cast(contribution=located, voter=people["voter"], value=1)
    return {"process": process, "people": people, "located": located, "second": second, "other": other,
            "anonymous": anonymous}


def _url(process, file_format):
    return f"{reverse('exports:open_data_process', kwargs={'slug': process.slug})}?format={file_format}"


def _forbidden_texts(people) -> list[str]:
    texts = []
    for user in people.values():
        texts += [user.email, user.email.split("@")[0], user.full_name, *user.full_name.split()]
    return texts


FORBIDDEN_KEYS = re.compile(r"user|account|compte|email|e-mail|mail|author_id|voter|login|password", re.I)


def test_open_data_contains_no_e_mail_no_name_and_no_account_identifier(city, client_a):
    client_a.logout()
    responses = {
        "csv": client_a.get(_url(city["process"], "csv")),
        "json": client_a.get(_url(city["process"], "json")),
        "page": client_a.get(reverse("exports:open_data")),
        "dictionary": client_a.get(reverse("exports:data_dictionary")),
    }
    raw = {}
    for key, response in responses.items():
        assert response.status_code == 200
        raw[key] = content(response).decode("utf-8")
        for text in _forbidden_texts(city["people"]):
            assert text not in raw[key], f"{text!r} leaked into the {key}"
    for key in ("csv", "json"):
        assert "@" not in raw[key]  # no e-mail address of any kind in the files
        assert "Une piste cyclable rue Haute" in raw[key]
    rows = list(csv.DictReader(io.StringIO(raw["csv"], newline="")))
    document = json.loads(raw["json"])
    for keys in (rows[0].keys(), document["contributions"][0].keys(), document.keys(),
                 document["process"].keys()):
        assert not [k for k in keys if FORBIDDEN_KEYS.search(k)], keys
    user_ids = {str(u.pk) for u in city["people"].values()}
    for item in [*rows, *document["contributions"]]:
        assert str(item["author"]) not in user_ids
        assert item["author"] == "" or re.fullmatch(r"P-[0-9a-f]{12}", item["author"])


def test_authors_get_a_stable_pseudonym_and_anonymous_contributions_none(city, client_a):
    rows = {r["title"]: r for r in read_csv(client_a.get(_url(city["process"], "csv")), delimiter=",")}
    assert rows["Une piste cyclable rue Haute"]["author"] == rows["Des arceaux vélo"]["author"] != ""
    assert rows["Un marché le soir"]["author"] not in ("", rows["Des arceaux vélo"]["author"])
    assert rows["Une idée sans nom"]["author"] == ""
    again = {r["title"]: r for r in read_csv(client_a.get(_url(city["process"], "csv")), delimiter=",")}
    assert again["Des arceaux vélo"]["author"] == rows["Des arceaux vélo"]["author"]
    # Another process: the same person gets another pseudonym (files cannot be joined on it).
    elsewhere = process_in_phase("ideas", "submission")
    contribution(elsewhere, author=city["people"]["author"], title="Ailleurs")
    other_rows = read_csv(client_a.get(_url(elsewhere, "csv")), delimiter=",")
    assert other_rows[0]["author"] not in ("", rows["Des arceaux vélo"]["author"])


def test_hidden_and_internal_contributions_are_left_out(city, client_a):
    for file_format in ("csv", "json"):
        raw = content(client_a.get(_url(city["process"], file_format))).decode()
        assert "Contribution cachée" not in raw and "Propos injurieux" not in raw
        assert "Contribution au statut interne" not in raw
    titles = [c["title"] for c in read_json(client_a.get(_url(city["process"], "json")))["contributions"]]
    assert titles == ["Une piste cyclable rue Haute", "Des arceaux vélo", "Un marché le soir", "Une idée sans nom"]


def test_free_text_locations_counts_status_and_answer_are_kept(city, client_a):
    document = read_json(client_a.get(_url(city["process"], "json")))
    assert document["licence"]["spdx"] == "etalab-2.0"
    assert document["data_dictionary"].endswith(reverse("exports:data_dictionary"))
    assert document["process"]["slug"] == "idees-ouvertes"
    located = document["contributions"][0]
    assert located["body"] == "Écrite par moi, pour tout le monde."
    assert (located["latitude"], located["longitude"], located["address"]) == (48.8566, 2.3522, "12 rue Haute")
    assert (located["district"], located["themes"], located["status_key"]) == ("Centre-ville", ["Mobilités"],
                                                                              "accepted")
    assert (located["for_count"], located["comment_count"]) == (1, 1)
    assert located["official_answer"] == "Les travaux commencent en mai."
    assert located["url"].endswith(f"/contributions/{city['located'].pk}/")
    assert located["created_at"].startswith(str(city["located"].created_at.year))
    rows = read_csv(client_a.get(_url(city["process"], "csv")), delimiter=",")
    assert list(rows[0]) == [c.key for c in open_data_columns(process=city["process"], base_url="")]
    assert rows[0]["themes"] == "Mobilités" and rows[0]["latitude"] == "48.856600"


def test_the_licence_is_announced_with_the_files(city, client_a):
    response = client_a.get(_url(city["process"], "csv"))
    assert 'rel="license"' in response["Link"] and "etalab" in response["Link"]
    assert response["Content-Disposition"].startswith('attachment; filename="idees-ouvertes-donnees-ouvertes-')


def test_drafts_have_no_open_data_and_archived_processes_do(in_a, client_a):
    admin = city_admin()
    draft = process_in_phase("ideas", "submission", actor=admin, publish=False, title="Brouillon secret")
    assert client_a.get(_url(draft, "csv")).status_code == 404
    assert client_a.get(_url(draft, "json")).status_code == 404
    assert "Brouillon secret" not in client_a.get(reverse("exports:open_data")).content.decode()
    archived = process_in_phase("ideas", "submission", actor=admin, title="Édition passée")
    contribution(archived, title="Une idée d'hier")
    process_archive(process=archived, actor=admin)
    assert "Une idée d'hier" in content(client_a.get(_url(archived, "csv"))).decode()
    assert client_a.get(_url(archived, "xlsx")).status_code == 400
    page = client_a.get(reverse("exports:open_data")).content.decode()
    assert "Édition passée" in page and _url(archived, "json").replace("&", "&amp;") in page


def test_the_open_data_page_counts_public_contributions_and_links_the_licence(city, client_a):
    response = client_a.get(reverse("exports:open_data"))
    listed = {p.slug: p.open_data_count for p in response.context["processes"]}
    assert listed["idees-ouvertes"] == 4
    assert "etalab.gouv.fr/licence-ouverte-open-licence" in response.content.decode()


def test_the_data_dictionary_describes_every_column(in_a, client_a):
    page = client_a.get(reverse("exports:data_dictionary")).content.decode()
    for column in open_data_columns(process=Process(slug="x"), base_url=""):
        assert f"<code>{column.key}</code>" in page
        with override("en"):  # the page is read in English (see conftest.py)
            assert escape(str(column.description)) in page


def test_the_open_data_export_needs_a_constant_number_of_queries(in_a, client_a):
    admin = city_admin()
    theme = theme_create(label_fr="Cadre de vie", actor=admin)
    small = process_in_phase("ideas", "submission", actor=admin)
    large = process_in_phase("ideas", "submission", actor=admin)
    for process, n in ((small, 2), (large, 30)):
        for i in range(n):
            item = contribution(process, themes=[theme])
            if i % 4 == 0:
                official_answer_publish(contribution=item, body="<p>Merci.</p>", actor=admin)

    def count(process, file_format):
        with CaptureQueriesContext(connection) as queries:
            response = client_a.get(_url(process, file_format))
            content(response)
        assert response.status_code == 200
        return len(queries)

    count(small, "csv")
    for file_format in ("csv", "json"):
        assert count(small, file_format) == count(large, file_format)
    with CaptureQueriesContext(connection) as page_queries:
        client_a.get(reverse("exports:open_data"))
    assert len(page_queries) <= 8


def test_a_data_set_has_its_own_page(city, client_a):
    url = reverse("exports:open_data_process", kwargs={"slug": "idees-ouvertes"})
    response = client_a.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Idées ouvertes" in page and response.context["count"] == 4
    assert 'href="?format=csv"' in page and 'href="?format=json"' in page
