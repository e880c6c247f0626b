"""Done when (issue 5): a city admin sets up a process of each kind through the back-office pages alone.

Only accounts are created through the ORM; everything else goes through HTTP: the admin creates,
edits, adjusts a phase (dates, capabilities, configuration), adds a phase to the custom process and
publishes; then the public page shows the process and a citizen does what its open phase allows.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tenant_apps.participation.blueprints import BLUEPRINTS
from tenant_apps.participation.models import Contribution, Process
from tenant_apps.participation.phases import Capability, phase_type_get
from tenant_apps.participation.tests.factories import account, city_admin

pytestmark = pytest.mark.django_db

DT = "%Y-%m-%dT%H:%M"
# The capabilities that make a phase the one citizens act in, in order of preference.
ACTING = ("submit", "report", "answer_survey")


def _target_phase(process):
    """The phase citizens act in: the first that offers a creating capability (read only)."""
    for phase in process.phases.order_by("position"):
        if any(c in phase.capabilities for c in ACTING):
            return phase
    raise AssertionError(f"no acting phase in {process.kind}")


def _phase_form(phase, **changes):
    data = {"title": phase.title, "description": phase.description,
            "starts_at": timezone.localtime(phase.starts_at).strftime(DT),
            "ends_at": timezone.localtime(phase.ends_at).strftime(DT), "capabilities": list(phase.capabilities)}
    for name, value in phase.config.items():
        if value is not False:
            data[f"config_{name}"] = value
    data.update(changes)
    return data


@pytest.mark.parametrize("kind", list(BLUEPRINTS))
def test_a_city_admin_sets_up_a_process_of_each_kind_end_to_end(in_a, client_a, kind):
    admin, citizen = city_admin(), account()
    client_a.force_login(admin)
    title = f"Démarche {kind} 2027"

    # 1. Create from the blueprint, as a draft.
    response = client_a.post(reverse("backoffice:process_create"), {
        "kind": kind, "title": title, "summary": "En quelques mots", "starts_on": timezone.localdate().isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    process = Process.objects.get(title=title)
    assert process.kind == kind and process.visibility == Process.Visibility.DRAFT

    # 2. Texts and settings.
    response = client_a.post(reverse("backoffice:process_edit", args=[process.pk]), {
        "title": title, "summary": "En quelques mots", "description": "<p>Tout savoir sur la démarche.</p>",
        "cover_alt": "", "max_attachments": 2})
    assert response.status_code == 302, response.content.decode()[:2000]

    # 3. The custom process starts empty: add a contribution phase.
    now = timezone.localtime().replace(second=0, microsecond=0)
    if kind == "custom":
        assert not process.phases.exists()
        response = client_a.post(reverse("backoffice:process_phases", args=[process.pk]), {
            "type_key": "submission", "title": "Vos propositions",
            "starts_at": (now + dt.timedelta(days=40)).strftime(DT),
            "ends_at": (now + dt.timedelta(days=70)).strftime(DT)})
        assert response.status_code == 302
        assert client_a.get(reverse("backoffice:process_phases", args=[process.pk])).status_code == 200

    # 4. Open the acting phase now, choose what citizens can do and configure it.
    phase = _target_phase(process)
    offered = {str(c) for c in phase_type_get(phase.type_key).capabilities}
    capabilities = [c for c in phase.capabilities if c in ACTING] + (["comment"] if "comment" in offered else [])
    changes = {"title": "Phase ouverte", "starts_at": (now - dt.timedelta(days=1)).strftime(DT),
               "ends_at": (now + dt.timedelta(days=30)).strftime(DT), "capabilities": capabilities}
    if "max_per_person" in phase.config:
        changes["config_max_per_person"] = "1"
    response = client_a.post(reverse("backoffice:phase_edit", args=[phase.pk]), _phase_form(phase, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    phase.refresh_from_db()
    assert phase.title == "Phase ouverte" and sorted(phase.capabilities) == sorted(set(capabilities))

    # 5. Preview while draft, then publish.
    preview = client_a.get(reverse("backoffice:process_preview", args=[process.pk]), follow=True)
    assert preview.status_code == 200 and title in preview.content.decode()
    client_a.logout()
    assert client_a.get(process.get_absolute_url()).status_code == 404  # nobody else sees a draft
    client_a.force_login(admin)
    assert client_a.post(reverse("backoffice:process_publish", args=[process.pk])).status_code == 302
    assert Process.objects.get(pk=process.pk).visibility == Process.Visibility.PUBLISHED

    # 6. The public page shows it, with the phase open.
    client_a.logout()
    page = client_a.get(process.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert title in html and "Phase ouverte" in html and "Tout savoir sur la démarche." in html
    assert phase in page.context["state"].active

    # 7. A citizen does what the open phase allows.
    client_a.force_login(citizen)
    page = client_a.get(process.get_absolute_url())
    if "answer_survey" in phase.capabilities:
        assert (Capability.ANSWER_SURVEY, True) in [(c, bool(d)) for c, d in page.context["open_now"]]
        return
    assert page.context["submit_decision"].allowed
    create_url = reverse("participation:contribution_create", args=[process.slug])
    response = client_a.post(create_url, {"title": "Un banc devant l'école", "body": "Pour attendre les enfants."})
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Contribution.objects.get(process=process)
    assert created.author == citizen and created.phase_id == phase.pk
    assert created.status is not None and created.status.is_default
    if "max_per_person" in phase.config:  # the limit set in the back-office applies
        assert phase.config["max_per_person"] == 1
        second = client_a.post(create_url, {"title": "Une autre idée", "body": "Encore une."})
        assert second.status_code == 403
        assert Contribution.objects.filter(process=process).count() == 1
