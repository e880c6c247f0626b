"""Back-office: processes and their phases, statuses per kind, the city's own notification texts."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from PIL import Image

from billing.models import ModuleLicence
from shared_apps.audit.models import AuditEntry
from tenant_apps.notifications.messages import NotificationText, notification_text
from tenant_apps.notifications.models import Notification, NotificationTemplate
from tenant_apps.participation import services
from tenant_apps.participation.models import Contribution, Process, Status
from tenant_apps.participation.tests.factories import account, city_admin, contribution, process_in_phase
from tenants.models import Collectivity

pytestmark = pytest.mark.django_db

DT = "%Y-%m-%dT%H:%M"


def _says(response, message: str) -> bool:
    """The page shows `message` (an English msgid) in the language it was rendered in."""
    with translation.override(response.get("Content-Language") or "fr"):
        return escape(translation.gettext(message)) in response.content.decode()


def _admin(client):
    admin = city_admin()
    client.force_login(admin)
    return admin


def _png(name="couverture.png", size=(40, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _phase_post(phase, **changes):
    """The phase form as the page shows it, with `changes` applied."""
    data = {"title": phase.title, "description": phase.description,
            "starts_at": timezone.localtime(phase.starts_at).strftime(DT),
            "ends_at": timezone.localtime(phase.ends_at).strftime(DT), "capabilities": list(phase.capabilities)}
    for name, value in phase.config.items():
        if value is not False:
            data[f"config_{name}"] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _process_state(process):
    process = Process.objects.get(pk=process.pk)
    return (process.title, process.visibility, [
        (p.type_key, p.position, p.starts_at, p.ends_at, p.capabilities, p.config) for p in process.phases.all()])


# --- Access ---------------------------------------------------------------------------------------------------


LIST_URLS = ["backoffice:processes", "backoffice:process_create", "backoffice:statuses",
             "backoffice:notification_texts"]


@pytest.mark.parametrize("name", LIST_URLS)
def test_anonymous_visitors_are_sent_to_sign_in_and_agents_refused(in_a, client_a, name):
    url = reverse(name)
    response = client_a.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client_a.force_login(account("agent"))
    assert client_a.get(url).status_code == 403


def test_agents_cannot_change_a_process_nor_its_phases(in_a, client_a):
    process = process_in_phase("ideas", "submission", publish=False)
    before = _process_state(process)
    phase = process.phases.get(position=1)
    client_a.force_login(account("agent"))
    for name, pk in [("process_edit", process.pk), ("process_phases", process.pk), ("process_duplicate", process.pk),
                     ("phase_remove", phase.pk)]:
        assert client_a.get(reverse(f"backoffice:{name}", args=[pk])).status_code == 403
    assert client_a.post(reverse("backoffice:process_edit", args=[process.pk]),
                         {"title": "Piraté", "max_attachments": 2}).status_code == 403
    assert client_a.post(reverse("backoffice:process_publish", args=[process.pk])).status_code == 403
    assert client_a.post(reverse("backoffice:phase_edit", args=[phase.pk]),
                         _phase_post(phase, title="Piraté")).status_code == 403
    assert client_a.post(reverse("backoffice:phase_move", args=[phase.pk]), {"direction": "up"}).status_code == 403
    assert client_a.post(reverse("backoffice:phase_remove", args=[phase.pk])).status_code == 403
    assert client_a.post(reverse("backoffice:process_duplicate", args=[process.pk]),
                         {"starts_on": "2030-01-01"}).status_code == 403
    assert _process_state(process) == before
    assert Process.objects.count() == 1


def test_post_only_views_answer_get_with_405(in_a, client_a):
    _admin(client_a)
    process = process_in_phase("ideas", "submission", publish=False)
    phase = process.phases.first()
    for name, pk in [("process_publish", process.pk), ("process_archive", process.pk), ("phase_move", phase.pk)]:
        assert client_a.get(reverse(f"backoffice:{name}", args=[pk])).status_code == 405


# --- Processes ------------------------------------------------------------------------------------------------


def test_creating_a_process_from_a_blueprint(in_a, client_a):
    admin = _admin(client_a)
    page = client_a.get(reverse("backoffice:process_create"))
    assert page.status_code == 200 and 'value="budget"' in page.content.decode()
    response = client_a.post(reverse("backoffice:process_create"), {
        "kind": "budget", "title": "Budget participatif 2027", "summary": "Vos projets", "slug": "budget-2027",
        "description": "<p>Proposez.</p><script>alert(1)</script>", "starts_on": "2027-01-04"})
    process = Process.objects.get(slug="budget-2027")
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:process_edit",
                                                                           args=[process.pk])
    assert process.visibility == Process.Visibility.DRAFT and process.created_by == admin
    assert "script" not in process.description
    phases = list(process.phases.order_by("position"))
    assert len(phases) == 6 and timezone.localtime(phases[0].starts_at).date() == dt.date(2027, 1, 4)
    assert AuditEntry.objects.filter(action="process.create", actor=admin).exists()


def test_creating_refuses_a_taken_address_and_unlicensed_kinds_and_writes_nothing(in_a, city_a, client_a):
    _admin(client_a)
    process_in_phase("ideas", "submission", title="Boîte à idées")
    taken = Process.objects.get().slug
    count = Process.objects.count()
    response = client_a.post(reverse("backoffice:process_create"), {
        "kind": "ideas", "title": "Une autre", "slug": taken, "starts_on": "2027-01-04"})
    assert response.status_code == 400
    assert _says(response, "This address is already used by another process.")
    ModuleLicence.objects.filter(collectivity_id=city_a.pk, module="budget").update(is_enabled=False)
    page = client_a.get(reverse("backoffice:process_create")).content.decode()
    assert 'value="budget"' not in page and 'value="ideas"' in page
    response = client_a.post(reverse("backoffice:process_create"), {
        "kind": "budget", "title": "Budget", "starts_on": "2027-01-04"})
    assert response.status_code == 400
    response = client_a.post(reverse("backoffice:process_create"), {"kind": "ideas", "title": "",
                                                                     "starts_on": "2027-01-04"})
    assert response.status_code == 400
    assert Process.objects.count() == count


def test_editing_texts_settings_and_cover(in_a, client_a):
    _admin(client_a)
    theme = services.theme_create(label_fr="Mobilité")
    district = services.district_create(name="Centre")
    process = process_in_phase("ideas", "submission", publish=False)
    url = reverse("backoffice:process_edit", args=[process.pk])
    assert client_a.get(url).status_code == 200
    response = client_a.post(url, {
        "title": "Idées pour le centre", "summary": "Court", "description": "<p>Un <strong>texte</strong></p>",
        "cover": _png(), "cover_alt": "Une place arborée", "themes": [theme.pk], "districts": [district.pk],
        "allows_anonymous": "on", "max_attachments": 2})
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.title == "Idées pour le centre" and process.allows_anonymous and process.max_attachments == 2
    assert process.cover_image and process.cover_alt == "Une place arborée"
    assert list(process.themes.all()) == [theme] and list(process.districts.all()) == [district]
    assert client_a.get(reverse("participation:process_cover", args=[process.slug])).status_code == 200


def test_a_cover_that_is_not_an_image_is_refused_and_nothing_changes(in_a, client_a):
    _admin(client_a)
    process = process_in_phase("ideas", "submission", publish=False)
    before = _process_state(process)
    url = reverse("backoffice:process_edit", args=[process.pk])
    for upload in (SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png"),
                   SimpleUploadedFile("doc.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF", content_type="application/pdf")):
        response = client_a.post(url, {"title": "Nouveau titre", "max_attachments": 2, "cover": upload})
        assert response.status_code == 400
    assert client_a.post(url, {"title": "Nouveau titre", "max_attachments": 11}).status_code == 400
    assert _process_state(process) == before
    assert not Process.objects.get(pk=process.pk).cover_image


def test_publish_and_archive(in_a, client_a):
    _admin(client_a)
    empty = services.process_create(kind="custom", title="Vide", actor=account("city_admin"))
    response = client_a.post(reverse("backoffice:process_publish", args=[empty.pk]), follow=True)
    assert _says(response, "Add at least one phase before publishing.")
    assert Process.objects.get(pk=empty.pk).visibility == Process.Visibility.DRAFT
    process = process_in_phase("ideas", "submission", publish=False)
    client_a.post(reverse("backoffice:process_publish", args=[process.pk]))
    assert Process.objects.get(pk=process.pk).visibility == Process.Visibility.PUBLISHED
    client_a.post(reverse("backoffice:process_archive", args=[process.pk]))
    assert Process.objects.get(pk=process.pk).visibility == Process.Visibility.ARCHIVED


def test_the_preview_opens_the_public_page_of_a_draft(in_a, client_a):
    _admin(client_a)
    process = process_in_phase("ideas", "submission", publish=False, title="Brouillon visible")
    response = client_a.get(reverse("backoffice:process_preview", args=[process.pk]), follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "Brouillon visible" in page
    assert _says(response, "Draft: only the city's staff can see this process.")
    client_a.logout()
    assert client_a.get(reverse("participation:process_detail", args=[process.slug])).status_code == 404


def test_the_list_shows_visibility_kind_and_current_phase_in_bounded_queries(in_a, client_a):
    _admin(client_a)
    counts = []
    for rows in (2, 12):
        while Process.objects.count() < rows:
            process_in_phase("ideas", "submission", title=f"Idées {Process.objects.count()}")
        with CaptureQueriesContext(connection) as queries:
            response = client_a.get(reverse("backoffice:processes"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    page = response.content.decode()
    phase_title = Process.objects.first().phases.get(position=1).title
    assert "Idées 11" in page and phase_title in page


def test_duplicating_a_past_process_for_a_new_edition(in_a, client_a):
    _admin(client_a)
    theme = services.theme_create(label_fr="Sport")
    original = process_in_phase("budget", "submission", title="Budget 2026", themes=[theme])
    services.process_update(process=original, actor=account("city_admin"), allows_anonymous=True,
                            max_attachments=3)
    contribution(original)
    url = reverse("backoffice:process_duplicate", args=[original.pk])
    page = client_a.get(url)
    first = original.phases.order_by("starts_at").first()
    expected_default = timezone.localdate(first.starts_at) + dt.timedelta(days=365)
    assert page.status_code == 200
    assert abs((page.context["form"].initial["starts_on"] - expected_default).days) <= 1

    response = client_a.post(url, {"title": "", "starts_on": "2030-03-02"})
    copy = Process.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302
    assert copy.title.startswith("Budget 2026 (") and copy.slug != original.slug
    assert copy.visibility == Process.Visibility.DRAFT and copy.kind == "budget"
    assert copy.allows_anonymous and copy.max_attachments == 3 and list(copy.themes.all()) == [theme]
    assert not Contribution.objects.filter(process=copy).exists()
    old = list(original.phases.order_by("position"))
    new = list(copy.phases.order_by("position"))
    assert [p.type_key for p in new] == [p.type_key for p in old]
    assert [p.capabilities for p in new] == [p.capabilities for p in old]
    assert timezone.localtime(new[0].starts_at).date() == dt.date(2030, 3, 2)
    shift = timezone.localdate(new[0].starts_at) - timezone.localdate(old[0].starts_at)
    assert all(timezone.localdate(n.ends_at) - timezone.localdate(o.ends_at) == shift
               for n, o in zip(new, old, strict=True))

    client_a.post(url, {"title": "Budget 2031", "starts_on": "2031-01-01"})
    assert Process.objects.filter(title="Budget 2031").exists()
    assert client_a.post(url, {"title": "x", "starts_on": "pas une date"}).status_code == 400
    assert Process.objects.count() == 3


# --- Phases ---------------------------------------------------------------------------------------------------


def test_the_phases_page_edits_dates_capabilities_and_configuration(in_a, client_a):
    _admin(client_a)
    process = process_in_phase("ideas", "submission", publish=False)
    page = client_a.get(reverse("backoffice:process_phases", args=[process.pk]))
    assert page.status_code == 200
    submission = process.phases.get(type_key="submission")
    assert f'id="phase{submission.pk}_config_max_per_person"' in page.content.decode()
    start = timezone.localtime(submission.starts_at).replace(minute=0, second=0, microsecond=0)
    response = client_a.post(reverse("backoffice:phase_edit", args=[submission.pk]), _phase_post(
        submission, title="Vos idées", starts_at=start.strftime(DT),
        ends_at=(start + dt.timedelta(days=10)).strftime(DT), capabilities=["submit", "comment"],
        config_max_per_person="3", config_location="required", config_district_required="on"))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.title == "Vos idées" and submission.capabilities == ["comment", "submit"]
    assert submission.config == {"max_per_person": 3, "location": "required", "district_required": True}
    assert submission.ends_at - submission.starts_at == dt.timedelta(days=10)


@pytest.mark.parametrize("changes", [
    {"ends_at": "2020-01-01T00:00"},  # ends before it starts
    {"capabilities": ["submit", "sign"]},  # a submission phase does not offer signatures
    {"config_max_per_person": "-1"},
    {"config_max_per_person": "beaucoup"},
    {"config_location": "partout"},
    {"title": ""},
], ids=["end_before_start", "capability_not_offered", "negative_limit", "not_a_number", "unknown_choice",
        "no_title"])
def test_an_invalid_phase_is_refused_with_400_and_nothing_is_written(in_a, client_a, changes):
    _admin(client_a)
    process = process_in_phase("ideas", "submission", publish=False)
    before = _process_state(process)
    submission = process.phases.get(type_key="submission")
    response = client_a.post(reverse("backoffice:phase_edit", args=[submission.pk]),
                             _phase_post(submission, **changes))
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert _process_state(process) == before


def test_adding_moving_and_removing_phases(in_a, client_a):
    _admin(client_a)
    process = services.process_create(kind="custom", title="Sur mesure", actor=account("city_admin"))
    url = reverse("backoffice:process_phases", args=[process.pk])
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for type_key, days in (("information", 0), ("submission", 10), ("vote", 20)):
        response = client_a.post(url, {"type_key": type_key, "title": "",
                                       "starts_at": (start + dt.timedelta(days=days)).strftime(DT),
                                       "ends_at": (start + dt.timedelta(days=days + 10)).strftime(DT)})
        assert response.status_code == 302
    phases = list(process.phases.order_by("position"))
    assert [p.type_key for p in phases] == ["information", "submission", "vote"]
    assert phases[2].config == {"allow_neutral": False, "max_supports_per_person": 0, "show_results": True}

    assert client_a.post(url, {"type_key": "nope", "starts_at": start.strftime(DT),
                               "ends_at": start.strftime(DT)}).status_code == 400
    assert client_a.post(url, {"type_key": "vote", "starts_at": (start + dt.timedelta(days=2)).strftime(DT),
                               "ends_at": start.strftime(DT)}).status_code == 400
    assert process.phases.count() == 3

    client_a.post(reverse("backoffice:phase_move", args=[phases[2].pk]), {"direction": "up"})
    assert list(process.phases.order_by("position").values_list("type_key", flat=True)) == [
        "information", "vote", "submission"]
    client_a.post(reverse("backoffice:phase_move", args=[phases[0].pk]), {"direction": "down"})
    client_a.post(reverse("backoffice:phase_move", args=[phases[0].pk]), {"direction": "down"})
    client_a.post(reverse("backoffice:phase_move", args=[phases[0].pk]), {"direction": "down"})  # already last
    assert list(process.phases.order_by("position").values_list("type_key", flat=True)) == [
        "vote", "submission", "information"]

    remove = reverse("backoffice:phase_remove", args=[phases[1].pk])
    assert client_a.get(remove).status_code == 200 and process.phases.count() == 3  # a confirmation first
    assert client_a.post(remove).status_code == 302
    assert list(process.phases.order_by("position").values_list("type_key", "position")) == [
        ("vote", 0), ("information", 1)]


# --- Statuses -------------------------------------------------------------------------------------------------


def _status_post(status, **changes):
    data = {"label_fr": status.label_fr, "label_en": status.label_en, "colour": status.colour,
            "position": status.position}
    for flag in ("is_public", "is_final", "is_default"):
        if getattr(status, flag):
            data[flag] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_editing_adding_and_deleting_statuses(in_a, client_a):
    _admin(client_a)
    page = client_a.get(reverse("backoffice:statuses") + "?kind=budget")
    assert page.status_code == 200 and "Admissible" in page.content.decode()
    feasible = Status.objects.get(process_kind="budget", key="feasible")
    response = client_a.post(reverse("backoffice:status_edit", args=[feasible.pk]),
                             _status_post(feasible, label_fr="Faisable techniquement", label_en="Technically feasible",
                                          colour="#1d6b35", is_public=None))
    assert response.status_code == 302
    feasible.refresh_from_db()
    assert (feasible.label_fr, feasible.label_en, feasible.colour, feasible.is_public) == (
        "Faisable techniquement", "Technically feasible", "#1d6b35", False)

    before = list(Status.objects.filter(process_kind="budget").values())
    assert client_a.post(reverse("backoffice:status_edit", args=[feasible.pk]),
                         _status_post(feasible, colour="#ffff00")).status_code == 400  # too light
    assert client_a.post(reverse("backoffice:status_edit", args=[feasible.pk]),
                         _status_post(feasible, colour="jaune")).status_code == 400
    assert list(Status.objects.filter(process_kind="budget").values()) == before

    response = client_a.post(reverse("backoffice:statuses"), {
        "kind": "budget", "label_fr": "En attente de devis", "label_en": "Awaiting a quote", "colour": "#8a4b00",
        "is_public": "on"})
    assert response.status_code == 302
    added = Status.objects.get(process_kind="budget", label_fr="En attente de devis")
    assert added.key == "en-attente-de-devis" and added.is_public and not added.is_default
    assert added.position > feasible.position
    assert client_a.post(reverse("backoffice:statuses"), {"kind": "budget", "label_fr": "Pâle",
                                                          "colour": "#eeeeee"}).status_code == 400

    assert client_a.get(reverse("backoffice:status_delete", args=[added.pk])).status_code == 200
    assert client_a.post(reverse("backoffice:status_delete", args=[added.pk])).status_code == 302
    assert not Status.objects.filter(pk=added.pk).exists()


def test_a_status_in_use_or_the_default_cannot_be_deleted(in_a, client_a):
    _admin(client_a)
    process = process_in_phase("ideas", "submission")
    item = contribution(process)
    used = Status.objects.get(process_kind="ideas", key="accepted")
    services.contribution_status_change(contribution=item, status=used, actor=account("agent"))
    response = client_a.post(reverse("backoffice:status_delete", args=[used.pk]))
    assert response.status_code == 400
    with translation.override("fr"):
        refusal = translation.gettext("This status is used by %(count)s contribution(s): give them another "
                                      "status before deleting it.") % {"count": 1}
    assert escape(refusal) in response.content.decode()
    assert Status.objects.filter(pk=used.pk).exists()
    default = Status.objects.get(process_kind="ideas", is_default=True)
    assert client_a.post(reverse("backoffice:status_delete", args=[default.pk])).status_code == 400
    assert Status.objects.filter(pk=default.pk).exists()


def test_exactly_one_default_status_per_kind(in_a, client_a):
    _admin(client_a)
    default = Status.objects.get(process_kind="ideas", is_default=True)
    review = Status.objects.get(process_kind="ideas", key="under_review")
    response = client_a.post(reverse("backoffice:status_edit", args=[default.pk]),
                             _status_post(default, is_default=None))
    assert response.status_code == 400
    assert Status.objects.get(pk=default.pk).is_default
    client_a.post(reverse("backoffice:status_edit", args=[review.pk]), _status_post(review, is_default="on"))
    assert list(Status.objects.filter(process_kind="ideas", is_default=True)) == [review]
    item = contribution(process_in_phase("ideas", "submission"))
    assert item.status == review


# --- Notification texts ---------------------------------------------------------------------------------------


STATUS_TEXTS = {
    "title_fr": "Du nouveau pour « %(title)s » : %(status)s",
    "body_fr": "Message de la ville : %(message)s",
    "title_en": "News about “%(title)s”: %(status)s",
    "body_en": "",
}


def test_the_notification_texts_pages(in_a, client_a):
    _admin(client_a)
    page = client_a.get(reverse("backoffice:notification_texts"))
    assert page.status_code == 200
    edit = client_a.get(reverse("backoffice:notification_text_edit", args=["status_changed"])).content.decode()
    assert "%(title)s" in edit and "%(status)s" in edit and "%(message)s" in edit
    assert client_a.get(reverse("backoffice:notification_text_edit", args=["nope"])).status_code == 404


@pytest.mark.parametrize("text", ["Bonjour %(name)s", "Réduction de 50 % !", "%(title)"])
def test_unknown_placeholders_are_refused_with_400(in_a, client_a, text):
    _admin(client_a)
    response = client_a.post(reverse("backoffice:notification_text_edit", args=["status_changed"]),
                             {**STATUS_TEXTS, "body_en": text})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not NotificationTemplate.objects.exists()


def _status_change_emails(process, author):
    item = contribution(process, author=author, title="Un banc au parc")
    mail.outbox.clear()
    services.contribution_status_change(contribution=item, status=Status.objects.get(
        process_kind="ideas", key="under_review"), actor=account("agent"), message="Étude en cours.")


def test_the_citys_texts_are_used_in_emails_and_on_the_site_in_french_and_english(
        in_a, city_a, client_a, django_capture_on_commit_callbacks):
    _admin(client_a)
    response = client_a.post(reverse("backoffice:notification_text_edit", args=["status_changed"]), STATUS_TEXTS)
    assert response.status_code == 302
    process = process_in_phase("ideas", "submission")
    author = account()

    with django_capture_on_commit_callbacks(execute=True):
        _status_change_emails(process, author)
    [message] = mail.outbox
    assert message.subject.startswith(f"[{city_a.name}] Du nouveau pour « Un banc au parc » : ")
    assert "Message de la ville : Étude en cours." in message.body

    Collectivity.objects.filter(pk=city_a.pk).update(locale="en")
    with django_capture_on_commit_callbacks(execute=True):
        _status_change_emails(process, author)
    [message] = mail.outbox
    assert "News about “Un banc au parc”: Under review" in message.subject
    assert "Étude en cours." in message.body and "Message de la ville" not in message.body  # default body in EN

    # On the site, each reader gets the text of their language.
    notification = Notification.objects.filter(recipient=author).first()
    with translation.override("fr"):
        assert notification_text(notification).title.startswith("Du nouveau pour « Un banc au parc »")
    with translation.override("en"):
        assert notification_text(notification) == NotificationText("News about “Un banc au parc”: Under review",
                                                                   "Étude en cours.")
    client_a.force_login(author)
    page = client_a.get(reverse("notifications:list")).content.decode()
    assert "Du nouveau pour" in page or "News about" in page

    # Emptied, the texts are the defaults again.
    _admin(client_a)
    client_a.post(reverse("backoffice:notification_text_edit", args=["status_changed"]),
                  dict.fromkeys(STATUS_TEXTS, ""))
    assert not NotificationTemplate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _status_change_emails(process, author)
    assert "News about" not in mail.outbox[0].subject
