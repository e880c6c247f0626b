"""Downloading one's data: a ZIP with a readable data.json holding the person's own data, and nobody else's."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from shared_apps.audit.models import AuditEntry
from tenant_apps.discussion.models import Comment
from tenant_apps.discussion.services import comment_edit, comment_post
from tenant_apps.identity.privacy import personal_data_export
from tenant_apps.identity.tests.test_privacy_erase import busy_scene
from tenant_apps.notifications.models import Notification
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase
from tenant_apps.votes.services import vote_cast

pytestmark = pytest.mark.django_db


def _open(archive: bytes) -> tuple[dict, zipfile.ZipFile]:
    zipped = zipfile.ZipFile(io.BytesIO(archive))
    assert zipped.testzip() is None
    return json.loads(zipped.read("data.json")), zipped


def _jpeg(name="photo-de-camille.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_the_archive_holds_the_person_s_own_data_and_not_other_people_s(in_a):
    scene = busy_scene()
    person = scene.person
    with_file = contribution(scene.processes[0], author=person, title="Idée avec photo", files=[_jpeg()])
    comment = Comment.objects.filter(author=person).first()
    comment_edit(comment=comment, actor=person, body="Commentaire corrigé par Camille")
    Notification.objects.create(recipient=person, kind="status_changed", data={"title": "Idée de Camille"})
    Notification.objects.create(recipient=scene.others[0], kind="status_changed", data={"title": "Pas pour elle"})

    data, zipped = _open(personal_data_export(user=person))

    assert {"data.json", "README.txt"} <= set(zipped.namelist())
    assert "data.json" in zipped.read("README.txt").decode()
    assert data["account"]["email"] == person.email and data["account"]["full_name"] == "Camille Effacée"
    assert data["account"]["terms_accepted_at"]
    assert [a["email"] for a in data["email_addresses"]] == [person.email]
    assert data["assurance"]["phone"] == "06 01 02 03 04"  # decrypted: it is the person's own data
    assert data["statistics_profile"]["gender"] == "woman"
    titles = {c["title"]: c for c in data["contributions"]}
    assert set(titles) == {"Idée de Camille", "Projet de Camille", "Idée avec photo", "Idée d'une autre personne"}
    assert titles["Idée d'une autre personne"]["you_are"] == "coauthor"
    assert titles["Idée de Camille"]["status"] and titles["Idée de Camille"]["for"] == 3
    attachment = titles["Idée avec photo"]["attachments"][0]
    assert attachment["file_name"] == "photo-de-camille.jpg"
    assert zipped.read(attachment["file_in_archive"]) == with_file.attachments.get().file.read()
    assert len(data["comments"]) == 4
    edited = next(c for c in data["comments"] if c["id"] == comment.pk)
    assert edited["body"] == "Commentaire corrigé par Camille" and edited["previous_versions"][0]["body"]
    assert [a["body"] for a in data["arguments"]] == ["Argument de Camille contre"]
    assert sorted((v["contribution"]["title"], v["value"]) for v in data["votes"]) == sorted([
        ("Idée de Camille", 1), ("Projet de Camille", 1), ("Idée d'une autre personne", -1),
        ("Projet d'une autre personne", 1)])
    assert data["follows"][0]["process"]["id"] == scene.processes[0].pk
    assert [n["data"]["title"] for n in data["notifications"]] == ["Idée de Camille"]
    assert data["flags_raised"][0]["reason"] == "off_topic"

    text = zipped.read("data.json").decode()
    for other in scene.others:
        assert other.email not in text and other.full_name not in text
    assert "Une réponse d'une autre personne" not in text
    assert "Argument d'une autre personne" not in text
    assert "Pas pour elle" not in text
    assert AuditEntry.objects.filter(action="privacy.export", actor=person).exists()


def _activity(person, n):
    process = process_in_phase("ideas", "submission")
    for _i in range(n):
        own = contribution(process, author=person)
        theirs = contribution(process)
        vote_cast(contribution=theirs, voter=person, value=1)
        comment = comment_post(contribution=own, author=person, body="Un commentaire")
        comment_edit(comment=comment, actor=person, body="Un commentaire corrigé")


def test_the_archive_is_built_in_a_fixed_number_of_queries(in_a):
    small, large = account(), account()
    _activity(small, 1)
    _activity(large, 6)
    counts = []
    for person in (small, large):
        with CaptureQueriesContext(connection) as queries:
            personal_data_export(user=person)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_download_is_a_post_for_the_signed_in_person_only(in_a, client_a):
    person = account(full_name="Dominique Export")
    url = reverse("identity:my_data_download")
    page_url = reverse("identity:my_data")
    assert client_a.get(page_url).status_code == 302
    response = client_a.post(url)
    assert response.status_code == 302 and reverse("account_login") in response.url

    client_a.force_login(person)
    page = client_a.get(page_url)
    assert page.status_code == 200 and url in page.content.decode()
    assert client_a.get(url).status_code == 405
    response = client_a.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    data, _zipped = _open(response.content)
    assert data["account"]["full_name"] == "Dominique Export"
