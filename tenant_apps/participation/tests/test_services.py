"""Writes of the kernel: phases, contributions, statuses, answers, districts. A refusal writes nothing."""

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from shared_apps.audit.models import AuditEntry
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.participation import events
from tenant_apps.participation.events import Event
from tenant_apps.participation.models import (
    Attachment,
    Contribution,
    District,
    OfficialAnswer,
    Phase,
    Status,
    StatusChange,
)
from tenant_apps.participation.services import (
    contribution_create,
    contribution_status_change,
    district_create,
    districts_import_geojson,
    official_answer_publish,
    phase_add,
    phase_remove,
    phase_update,
    phases_reorder,
    process_create,
    status_update,
)
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase
from tenant_apps.participation.tests.test_uploads import PDF, jpeg_with_gps, upload

CENTRE = {"type": "Polygon", "coordinates": [[[2.30, 48.80], [2.40, 48.80], [2.40, 48.90], [2.30, 48.90],
                                              [2.30, 48.80]]]}


@pytest.fixture
def admin(in_a):
    return account("city_admin")


@pytest.fixture
def heard():
    received = []
    events.listener_register("tests.participation.services", received.append)
    yield received
    events._listeners.pop("tests.participation.services", None)


def _constraints_hold():
    """Check the deferred constraints now (the test's transaction never commits)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


# --- Phases -----------------------------------------------------------------------------------------


@pytest.fixture
def custom(admin):
    return process_create(kind="custom", title="Sur mesure", actor=admin, starts_on=dt.date(2026, 5, 4))


T0 = timezone.make_aware(dt.datetime(2026, 5, 4))


def test_phase_add_appends_a_phase_with_its_type_defaults(admin, custom):
    first = phase_add(process=custom, actor=admin, type_key="information", starts_at=T0,
                      ends_at=T0 + dt.timedelta(days=7))
    second = phase_add(process=custom, actor=admin, type_key="submission", starts_at=T0 + dt.timedelta(days=7),
                       ends_at=T0 + dt.timedelta(days=30), title="  ", config={"max_per_person": 3})

    assert (first.position, second.position) == (0, 1)
    assert second.title == "Contributions"  # a blank title takes the type's name
    assert set(second.capabilities) == {"submit", "comment", "support"}
    assert second.config == {"max_per_person": 3, "location": "optional", "district_required": False}
    assert AuditEntry.objects.filter(action="phase.add", data__process=custom.pk).count() == 2


@pytest.mark.parametrize(("kwargs", "code", "in_message"), [
    ({"type_key": "hackathon"}, "phase_type", "phase type"),
    ({"capabilities": ["submit", "sign"]}, "capability", "sign"),
    ({"capabilities": ["fly"]}, "capability", "fly"),
    ({"config": {"colour": "red"}}, "unknown", "colour"),
    ({"config": {"max_per_person": -1}}, "range", "max_per_person"),
    ({"config": {"max_per_person": "3"}}, "type", "max_per_person"),
    ({"config": {"location": "everywhere"}}, "choice", "location"),
    ({"config": {"district_required": "yes"}}, "type", "district_required"),
    ({"ends_at": T0 - dt.timedelta(days=1)}, "phase_dates", "end after"),
    ({"ends_at": T0}, "phase_dates", "end after"),
])
def test_phase_add_refuses_a_bad_phase_and_writes_nothing(admin, custom, kwargs, code, in_message):
    arguments = {"process": custom, "actor": admin, "type_key": "submission", "starts_at": T0,
                 "ends_at": T0 + dt.timedelta(days=10), **kwargs}
    from django.utils import translation

    with translation.override("en"), pytest.raises(Invalid) as refused:
        phase_add(**arguments)
    assert refused.value.code == code
    assert in_message in refused.value.message
    assert not Phase.objects.filter(process=custom).exists()
    assert not AuditEntry.objects.filter(action="phase.add", data__process=custom.pk).exists()


def test_phase_update_changes_capabilities_and_config(admin):
    process = process_in_phase("ideas", "submission", actor=admin)
    phase = process.phases.get(position=1)

    phase_update(phase=phase, actor=admin, capabilities=["submit", "support"], config={"location": "required"})

    phase.refresh_from_db()
    assert set(phase.capabilities) == {"submit", "support"}
    assert phase.config == {"max_per_person": 0, "location": "required", "district_required": False}


@pytest.mark.parametrize(("fields", "code"), [
    ({"capabilities": ["review"]}, "capability"),
    ({"config": {"location": "partout"}}, "choice"),
    ({"config": {"allow_neutral": True}}, "unknown"),  # a vote setting on a submission phase
    ({"ends_at": T0 - dt.timedelta(days=365)}, "phase_dates"),
    ({"type_key": "vote"}, "field"),
    ({"position": 9}, "field"),
])
def test_phase_update_refuses_bad_values_and_changes_nothing(admin, fields, code):
    process = process_in_phase("ideas", "submission", actor=admin)
    phase = process.phases.get(position=1)
    before = Phase.objects.values().get(pk=phase.pk)

    with pytest.raises(Invalid) as refused:
        phase_update(phase=phase, actor=admin, **fields)

    assert refused.value.code == code and refused.value.message
    assert Phase.objects.values().get(pk=phase.pk) == before


def test_only_staff_change_phases(admin, custom):
    phase = phase_add(process=custom, actor=admin, type_key="information", starts_at=T0,
                      ends_at=T0 + dt.timedelta(days=7))
    for user in (account(), account("moderator"), None):
        with pytest.raises(NotAllowed):
            phase_add(process=custom, actor=user, type_key="information", starts_at=T0,
                      ends_at=T0 + dt.timedelta(days=7))
        with pytest.raises(NotAllowed):
            phase_update(phase=phase, actor=user, title="Pirate")
        with pytest.raises(NotAllowed):
            phases_reorder(process=custom, actor=user, phase_ids=[phase.pk])
    phase.refresh_from_db()
    assert custom.phases.count() == 1 and phase.title != "Pirate"


def test_phases_reorder_and_remove(admin):
    process = process_create(kind="survey", title="Enquête", actor=admin)
    launch, answers, analysis, results = process.phases.order_by("position")

    phases_reorder(process=process, actor=admin, phase_ids=[results.pk, launch.pk, analysis.pk, answers.pk])
    _constraints_hold()
    assert list(process.phases.order_by("position")) == [results, launch, analysis, answers]

    phase_remove(phase=launch, actor=admin)
    _constraints_hold()
    assert list(process.phases.order_by("position").values_list("pk", "position")) == [
        (results.pk, 0), (analysis.pk, 1), (answers.pk, 2)]


@pytest.mark.parametrize("order", ["missing", "twice", "foreign"])
def test_phases_reorder_needs_every_phase_once(admin, order):
    process = process_create(kind="survey", title="Enquête", actor=admin)
    ids = list(process.phases.order_by("position").values_list("pk", flat=True))
    other = process_create(kind="survey", title="Autre", actor=admin).phases.first().pk
    wanted = {"missing": ids[1:], "twice": [ids[0], *ids[:-1]], "foreign": [other, *ids[1:]]}[order]

    with pytest.raises(Invalid) as refused:
        phases_reorder(process=process, actor=admin, phase_ids=wanted)

    assert refused.value.code == "phase_order"
    assert list(process.phases.order_by("position").values_list("pk", flat=True)) == ids


# --- Contributions ---------------------------------------------------------------------------------


@pytest.fixture
def ideas(admin):
    return process_in_phase("ideas", "submission", actor=admin)


def test_a_contribution_is_stored_clean_with_the_default_status(ideas, heard, django_capture_on_commit_callbacks):
    author = account()
    with django_capture_on_commit_callbacks(execute=True):
        made = contribution_create(
            process=ideas, author=author, title="  Plus   de  bancs ",
            body='<p onclick="x()">Des <strong>bancs</strong> <a href="javascript:alert(1)">ici</a></p>'
                 '<script>alert(1)</script>')

    made.refresh_from_db()
    assert made.title == "Plus de bancs"
    assert made.body == '<p>Des <strong>bancs</strong> <a rel="nofollow noopener noreferrer ugc">ici</a></p>'
    assert made.status == Status.objects.get(process_kind="ideas", is_default=True)
    assert made.phase == ideas.phases.get(position=1) and made.author == author and not made.is_anonymous
    assert [(h.event, h.contribution_id, h.actor_id) for h in heard] == [
        (Event.CONTRIBUTION_CREATED, made.pk, author.pk)]


@pytest.mark.parametrize(("title", "body", "code"), [
    ("", "Une description.", "title_required"),
    ("   ", "Une description.", "title_required"),
    ("x" * 201, "Une description.", "title_too_long"),
    ("Un titre", "", "body_required"),
    ("Un titre", "<p> </p><script>alert(1)</script>", "body_required"),
])
def test_a_contribution_needs_a_title_and_a_description(ideas, title, body, code):
    with pytest.raises(Invalid) as refused:
        contribution_create(process=ideas, author=account(), title=title, body=body)
    assert refused.value.code == code and refused.value.message
    assert not Contribution.objects.filter(process=ideas).exists()


def test_a_closed_phase_refuses_contributions_and_writes_nothing(admin):
    process = process_in_phase("ideas", "review", actor=admin)
    with pytest.raises(NotAllowed) as refused:
        contribution_create(process=process, author=account(), title="Trop tard", body="Dommage.",
                            files=[upload("a.pdf", PDF)])
    assert refused.value.code == "phase_not_open"
    assert not Contribution.objects.filter(process=process).exists()
    assert not Attachment.objects.filter(contribution__process=process).exists()


def test_a_visitor_without_an_account_cannot_contribute(ideas):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed) as refused:
        contribution_create(process=ideas, author=AnonymousUser(), title="Anonyme", body="Texte.")
    assert refused.value.code == "login_required"
    assert not Contribution.objects.filter(process=ideas).exists()


def test_anonymous_publication_only_where_the_process_allows_it(ideas, admin):
    with pytest.raises(Invalid) as refused:
        contribution_create(process=ideas, author=account(), title="Sans nom", body="Texte.", is_anonymous=True)
    assert refused.value.code == "anonymous_not_allowed"
    assert not Contribution.objects.filter(process=ideas).exists()

    reports = process_in_phase("reports", "reporting", actor=admin)
    author = account()
    report = contribution_create(process=reports, author=author, title="Nid-de-poule", body="Rue du Port.",
                                 is_anonymous=True)
    assert report.is_anonymous and report.author == author  # still tied to its author for moderation
    assert report.phase.type_key == "reporting"
    assert report.status.key == "new"


def test_contributions_per_person_are_limited_where_the_phase_says_so(ideas, admin):
    phase_update(phase=ideas.phases.get(position=1), actor=admin, config={"max_per_person": 2})
    author = account()
    contribution(ideas, author=author)
    contribution(ideas, author=author)

    with pytest.raises(NotAllowed) as refused:
        contribution(ideas, author=author, title="Une de trop")
    assert refused.value.code == "limit_reached"
    assert Contribution.objects.filter(process=ideas, author=author).count() == 2
    contribution(ideas, author=account())  # the limit is per person
    assert Contribution.objects.filter(process=ideas).count() == 3


def test_a_location_can_be_required(ideas, admin):
    phase_update(phase=ideas.phases.get(position=1), actor=admin, config={"location": "required"})
    with pytest.raises(Invalid) as refused:
        contribution(ideas, address="   ")
    assert refused.value.code == "location_required"
    assert not Contribution.objects.filter(process=ideas).exists()

    by_address = contribution(ideas, address=" 3 place de la Mairie ")
    by_point = contribution(ideas, latitude=48.85, longitude=2.35)
    assert by_address.address == "3 place de la Mairie" and not by_address.has_location
    by_point.refresh_from_db()
    assert by_point.has_location and float(by_point.latitude) == 48.85


def test_no_location_is_kept_where_the_phase_asks_for_none(ideas, admin):
    phase_update(phase=ideas.phases.get(position=1), actor=admin, config={"location": "none"})
    made = contribution(ideas, latitude=48.85, longitude=2.35, address="chez moi")
    made.refresh_from_db()
    assert (made.latitude, made.longitude, made.address) == (None, None, "")


@pytest.mark.parametrize(("latitude", "longitude", "code"), [
    (48.85, None, "location_incomplete"),
    (None, 2.35, "location_incomplete"),
    (91, 2.35, "location_invalid"),
    (48.85, -181, "location_invalid"),
    ("nord", "est", "location_invalid"),
    (float("nan"), 2.35, "location_invalid"),
])
def test_an_invalid_location_is_refused(ideas, latitude, longitude, code):
    with pytest.raises(Invalid) as refused:
        contribution(ideas, latitude=latitude, longitude=longitude)
    assert refused.value.code == code and refused.value.message
    assert not Contribution.objects.filter(process=ideas).exists()


def test_the_district_is_suggested_from_its_outline(ideas):
    centre = district_create(name="Centre-ville", outline=CENTRE)
    harbour = district_create(name="Port")

    inside = contribution(ideas, latitude=48.85, longitude=2.35)
    outside = contribution(ideas, latitude=47.0, longitude=2.35)
    chosen = contribution(ideas, latitude=48.85, longitude=2.35, district=harbour)

    assert inside.district == centre
    assert outside.district is None
    assert chosen.district == harbour  # the person's choice wins over the suggestion


def test_a_district_can_be_required(ideas, admin):
    phase_update(phase=ideas.phases.get(position=1), actor=admin, config={"district_required": True})
    district_create(name="Centre-ville", outline=CENTRE)
    with pytest.raises(Invalid) as refused:
        contribution(ideas, latitude=47.0, longitude=2.35)
    assert refused.value.code == "district_required"
    assert contribution(ideas, latitude=48.85, longitude=2.35).district.name == "Centre-ville"


def test_attachments_are_stored_cleaned(ideas):
    made = contribution(ideas, files=[upload("IMG_0042.jpg", jpeg_with_gps(), "image/jpeg"),
                                      upload("dossier.pdf", PDF, "application/pdf")])

    photo, document = made.attachments.order_by("position")
    assert (photo.kind, photo.content_type, photo.original_name, photo.position) == (
        "image", "image/jpeg", "IMG_0042.jpg", 0)
    assert photo.file.name.endswith(".jpg") and "IMG_0042" not in photo.file.name
    with photo.file.open("rb") as stored:
        content = stored.read()
    assert len(content) == photo.size and b"SN-4815162342" not in content
    image = Image.open(io.BytesIO(content))
    assert len(image.getexif()) == 0 and (image.width, image.height) == (photo.width, photo.height)

    assert (document.kind, document.content_type, document.position) == ("pdf", "application/pdf", 1)
    with document.file.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(("files", "code"), [
    ([upload("photo.jpg", b"Je suis un fichier texte.\n")], "file_damaged"),
    ([upload("ok.pdf", PDF), upload("photo.jpg", b"Je suis un fichier texte.\n")], "file_damaged"),
    ([upload(f"{n}.pdf", PDF) for n in range(5)], "too_many_files"),
])
def test_a_bad_file_refuses_the_whole_contribution(ideas, files, code):
    with pytest.raises(Invalid) as refused:
        contribution(ideas, title="Avec pièces", files=files)
    assert refused.value.code == code and refused.value.message
    assert not Contribution.objects.filter(process=ideas).exists()
    assert not Attachment.objects.exists()


def test_the_number_of_attachments_follows_the_process(ideas, admin):
    from tenant_apps.participation.services import process_update

    process_update(process=ideas, actor=admin, max_attachments=1)
    with pytest.raises(Invalid) as refused:
        contribution(ideas, files=[upload("a.pdf", PDF), upload("b.pdf", PDF)])
    assert "1" in refused.value.message
    assert contribution(ideas, files=[upload("a.pdf", PDF)]).attachments.count() == 1


# --- Statuses and answers ---------------------------------------------------------------------------


@pytest.fixture
def idea(ideas):
    return contribution(ideas, author=account())


def test_a_status_change_is_kept_in_the_history_and_told_to_the_author(
        idea, admin, heard, django_capture_on_commit_callbacks):
    accepted = Status.objects.get(process_kind="ideas", key="accepted")
    submitted = idea.status

    with django_capture_on_commit_callbacks(execute=True):
        change = contribution_status_change(contribution=idea, status=accepted, actor=admin,
                                            message="<p>Bonne idée&nbsp;!</p><p>Travaux en juin.</p>")

    idea.refresh_from_db()
    assert idea.status == accepted
    assert (change.from_status, change.to_status, change.actor) == (submitted, accepted, admin)
    assert change.message == "Bonne idée ! Travaux en juin."
    assert list(StatusChange.objects.filter(contribution=idea)) == [change]
    assert AuditEntry.objects.filter(action="contribution.status", data__status="accepted").exists()
    told = [h for h in heard if h.event is Event.STATUS_CHANGED]
    assert len(told) == 1 and told[0].recipient_ids == (idea.author_id,)
    assert told[0].data["message"] == "Bonne idée ! Travaux en juin."


def test_an_internal_status_is_not_announced(admin, heard, django_capture_on_commit_callbacks):
    calls = process_in_phase("call_for_projects", "submission", actor=admin)
    application = contribution(calls)
    with django_capture_on_commit_callbacks(execute=True):
        contribution_status_change(contribution=application, actor=admin,
                                   status=Status.objects.get(process_kind="call_for_projects", key="incomplete"))
    assert not [h for h in heard if h.event is Event.STATUS_CHANGED]


def test_a_status_of_another_kind_is_refused(idea, admin):
    winner = Status.objects.get(process_kind="budget", key="winner")
    with pytest.raises(Invalid) as refused:
        contribution_status_change(contribution=idea, status=winner, actor=admin)
    assert refused.value.code == "status_kind"
    idea.refresh_from_db()
    assert idea.status.key == "submitted" and not StatusChange.objects.filter(contribution=idea).exists()


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_only_staff_change_a_status_or_answer(idea, role):
    user = account(role)
    with pytest.raises(NotAllowed):
        contribution_status_change(contribution=idea, actor=user,
                                   status=Status.objects.get(process_kind="ideas", key="accepted"))
    with pytest.raises(NotAllowed):
        official_answer_publish(contribution=idea, body="Réponse", actor=user)
    idea.refresh_from_db()
    assert idea.status.key == "submitted"
    assert not StatusChange.objects.filter(contribution=idea).exists()
    assert not OfficialAnswer.objects.filter(contribution=idea).exists()


def test_the_official_answer_is_replaced_not_duplicated(idea, admin, heard, django_capture_on_commit_callbacks):
    agent = account("agent")
    with django_capture_on_commit_callbacks(execute=True):
        official_answer_publish(contribution=idea, body="Première <script>x</script>réponse", actor=admin)
        official_answer_publish(contribution=idea, body="Réponse corrigée", actor=agent)

    answer = OfficialAnswer.objects.get(contribution=idea)
    assert answer.body == "<p>Réponse corrigée</p>" and answer.author == agent
    assert [h.recipient_ids for h in heard if h.event is Event.ANSWER_PUBLISHED] == [(idea.author_id,)] * 2
    with pytest.raises(Invalid):
        official_answer_publish(contribution=idea, body="<p> </p>", actor=admin)
    assert OfficialAnswer.objects.get(contribution=idea).body == "<p>Réponse corrigée</p>"


def test_a_status_colour_must_be_readable_with_white_text(admin):
    status = Status.objects.get(process_kind="ideas", key="accepted")
    before = status.colour

    for colour, code in (("#ffdd00", "colour_contrast"), ("#999999", "colour_contrast"), ("vert", "colour")):
        with pytest.raises(Invalid) as refused:
            status_update(status=Status.objects.get(pk=status.pk), actor=admin, colour=colour)
        assert refused.value.code == code and refused.value.message
        status.refresh_from_db()
        assert status.colour == before

    status_update(status=status, actor=admin, colour="#0b5d1e", label_fr="Retenue")
    status.refresh_from_db()
    assert (status.colour, status.label_fr) == ("#0b5d1e", "Retenue")


def test_a_status_cannot_change_kind_key_or_default_and_only_staff_edit_it(admin):
    status = Status.objects.get(process_kind="ideas", key="accepted")
    for field, value in (("key", "ok"), ("process_kind", "budget"), ("is_default", True)):
        with pytest.raises(Invalid):
            status_update(status=Status.objects.get(pk=status.pk), actor=admin, **{field: value})
    with pytest.raises(NotAllowed):
        status_update(status=Status.objects.get(pk=status.pk), actor=account(), label_fr="Piraté")
    assert Status.objects.filter(pk=status.pk, key="accepted", process_kind="ideas", is_default=False).exclude(
        label_fr="Piraté").exists()


# --- Districts ----------------------------------------------------------------------------------------


def _geojson(*features):
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties, "geometry": geometry} for properties, geometry in features]})


def test_districts_are_imported_from_geojson_and_updated_by_name(admin):
    other = {"type": "MultiPolygon", "coordinates": [CENTRE["coordinates"]]}
    made = districts_import_geojson(raw=_geojson(({"nom": "Centre-ville"}, CENTRE), ({"name": "Les Îles"}, other)),
                                    actor=admin)
    assert [(d.name, d.slug, d.outline) for d in made] == [("Centre-ville", "centre-ville", CENTRE),
                                                           ("Les Îles", "les-iles", other)]

    again = districts_import_geojson(raw=_geojson(({"nom": "centre-VILLE"}, other),), actor=admin)
    assert again == [made[0]]
    assert District.objects.filter(name__iexact="centre-ville").count() == 1
    assert District.objects.get(pk=made[0].pk).outline == other
    assert AuditEntry.objects.filter(action="district.import").count() == 2


@pytest.mark.parametrize(("raw", "code", "in_message"), [
    ("{pas du json", "geojson_syntax", "GeoJSON"),
    (json.dumps({"type": "Feature", "properties": {"nom": "A"}, "geometry": CENTRE}), "geojson_type",
     "FeatureCollection"),
    (_geojson(({"nom": "Nord"}, CENTRE), ({"code": "75002"}, CENTRE)), "geojson_name", "2"),
    (_geojson(({"nom": "Nord"}, CENTRE), ({"nom": "Sud"}, {"type": "Point", "coordinates": [2, 48]})),
     "geometry_type", "Polygon"),
])
def test_a_bad_geojson_import_says_why_and_writes_nothing(admin, raw, code, in_message):
    with pytest.raises(Invalid) as refused:
        districts_import_geojson(raw=raw, actor=admin)
    assert refused.value.code == code and in_message in refused.value.message
    assert not District.objects.exists()
    assert not AuditEntry.objects.filter(action="district.import").exists()


def test_only_staff_import_districts(in_a):
    with pytest.raises(NotAllowed):
        districts_import_geojson(raw=_geojson(({"nom": "Nord"}, CENTRE)), actor=account("moderator"))
    assert not District.objects.exists()


def test_a_district_outline_is_checked(in_a):
    with pytest.raises(Invalid):
        district_create(name="Nulle part", outline={"type": "Point", "coordinates": [2.35, 48.85]})
    assert not District.objects.filter(name="Nulle part").exists()
