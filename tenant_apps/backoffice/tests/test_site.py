"""Site configuration in the back-office: identity, home page, pages, districts, themes, departments, staff."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from shared_apps.accounts.models import Invitation, User
from shared_apps.audit.models import AuditEntry
from tenant_apps.organisation.models import Department
from tenant_apps.pages.models import Page
from tenant_apps.participation.models import District, Theme
from tenant_apps.participation.services import district_create, theme_create
from tenant_apps.participation.tests.factories import account, city_admin
from tenant_apps.portal.context_processors import site_menu
from tenant_apps.portal.models import SiteSettings
from tenant_apps.portal.services import site_settings_update
from tenants.models import Collectivity

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[4.80, 45.70], [4.90, 45.70], [4.90, 45.80], [4.80, 45.80],
                                              [4.80, 45.70]]]}


def _png(size=(40, 20), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 60, 120)).save(buffer, format=fmt)
    return buffer.getvalue()


def _audited(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def _identity(**overrides):
    data = {"section": "identity", "name": "Ville A", "primary_colour": "#1f5f99", "contact_email": "",
            "locale": "fr"}
    data.update(overrides)
    return data


# --- Access -------------------------------------------------------------------------------------------

PLAIN_URLS = ["site", "pages", "districts", "district_create", "district_import", "themes", "theme_create",
              "departments", "department_create", "staff", "staff_invite"]


def _object_urls():
    district = district_create(name="Centre")
    theme = theme_create(label_fr="Mobilité")
    department = Department.objects.create(name="Voirie test")
    agent = account("agent")
    return [reverse("backoffice:page_edit", args=["legal_notice"]),
            reverse("backoffice:district_edit", args=[district.pk]),
            reverse("backoffice:district_delete", args=[district.pk]),
            reverse("backoffice:theme_edit", args=[theme.pk]),
            reverse("backoffice:theme_delete", args=[theme.pk]),
            reverse("backoffice:department_edit", args=[department.pk]),
            reverse("backoffice:staff_edit", args=[agent.pk])]


def test_every_page_opens_for_a_city_admin_only(in_a, client_a):
    urls = [reverse(f"backoffice:{name}") for name in PLAIN_URLS] + _object_urls()
    for url in urls:
        response = client_a.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"], url
    client_a.force_login(account("agent"))
    for url in urls:
        assert client_a.get(url).status_code == 403, url
    client_a.force_login(city_admin())
    for url in urls:
        response = client_a.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url


def test_an_agent_cannot_write_anything(in_a, client_a):
    theme = theme_create(label_fr="Sport")
    client_a.force_login(account("agent"))
    assert client_a.post(reverse("backoffice:theme_delete", args=[theme.pk])).status_code == 403
    assert client_a.post(reverse("backoffice:site"), _identity(name="Piratée")).status_code == 403
    assert Theme.objects.filter(pk=theme.pk).exists()
    assert Collectivity.objects.get(schema_name=connection.schema_name).name == "Ville A"


def test_unknown_page_key_is_not_found(in_a, client_a):
    client_a.force_login(city_admin())
    assert client_a.get(reverse("backoffice:page_edit", args=["inconnue"])).status_code == 404


# --- Identity --------------------------------------------------------------------------------------------


def test_the_name_colour_and_language_change_on_the_site(in_a, client_a):
    admin = city_admin()
    client_a.force_login(admin)
    response = client_a.post(reverse("backoffice:site"), _identity(
        name="Ville A Renommée", primary_colour="#7A1F3D", contact_email="mairie@ville-a.example", locale="en"))
    assert response.status_code == 302
    collectivity = Collectivity.objects.get(schema_name="ville-a")
    assert (collectivity.name, collectivity.primary_colour, collectivity.contact_email, collectivity.locale) == (
        "Ville A Renommée", "#7a1f3d", "mairie@ville-a.example", "en")
    assert connection.schema_name == "ville-a"
    [entry] = _audited("site.identity_update")
    assert entry.actor_label == admin.email and entry.data["changes"]["name"] == ["Ville A", "Ville A Renommée"]
    client_a.logout()
    page = client_a.get("/").content.decode()
    assert "Ville A Renommée" in page and "--brand: #7a1f3d" in page
    assert 'lang="en"' in page  # the new default language, for a visitor without a choice


def test_a_colour_too_light_for_white_text_is_refused(in_a, client_a):
    client_a.force_login(city_admin())
    response = client_a.post(reverse("backoffice:site"), _identity(name="Autre nom", primary_colour="#ffdd00"))
    assert response.status_code == 400
    assert "trop claire pour un texte blanc" in response.content.decode()  # French, the city's language
    collectivity = Collectivity.objects.get(schema_name="ville-a")
    assert (collectivity.name, collectivity.primary_colour) == ("Ville A", "#1f5f99")
    assert not _audited("site.identity_update")


def test_a_logo_is_stored_and_shown(in_a, client_a):
    client_a.force_login(city_admin())
    logo = SimpleUploadedFile("logo.webp", _png(fmt="WEBP"), content_type="image/webp")
    assert client_a.post(reverse("backoffice:site"), _identity(logo=logo)).status_code == 302
    collectivity = Collectivity.objects.get(schema_name="ville-a")
    assert collectivity.logo.name.startswith("branding/logo-") and collectivity.logo.name.endswith(".webp")
    assert "/ville-a/" in collectivity.logo.path
    with Image.open(collectivity.logo.path) as stored:
        assert stored.format == "WEBP"
    assert f'src="{collectivity.logo.url}"' in client_a.get("/").content.decode()
    assert client_a.post(reverse("backoffice:site"), _identity(logo_remove="on")).status_code == 302
    assert not Collectivity.objects.get(schema_name="ville-a").logo


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("logo.png", b"<svg onload='alert(1)'></svg>", content_type="image/png"),
    SimpleUploadedFile("logo.gif", _png(fmt="GIF"), content_type="image/gif"),
    SimpleUploadedFile("logo.png", _png(size=(1, 1)) + b"\0" * (2 * 1024 * 1024), content_type="image/png"),
], ids=["not-an-image", "gif", "too-large"])
def test_a_bad_logo_file_is_refused(in_a, client_a, upload):
    client_a.force_login(city_admin())
    response = client_a.post(reverse("backoffice:site"), _identity(name="Autre nom", logo=upload))
    assert response.status_code == 400
    assert response.context["identity_form"].errors["logo"]
    collectivity = Collectivity.objects.get(schema_name="ville-a")
    assert collectivity.name == "Ville A" and not collectivity.logo
    assert not _audited("site.identity_update")


# --- Home page and menu -------------------------------------------------------------------------------------


def _home(blocks: dict, links=(), **texts):
    data = {"section": "home", "menu-TOTAL_FORMS": str(max(len(links), 1)), "menu-INITIAL_FORMS": "0",
            "menu-MIN_NUM_FORMS": "0", "menu-MAX_NUM_FORMS": "12"}
    for key, order in blocks.items():
        data[f"home-block_{key}"] = "on"
        data[f"home-order_{key}"] = str(order)
    for key in ("intro", "open_processes", "upcoming_processes", "latest_activity", "custom_text"):
        data.setdefault(f"home-order_{key}", "50")
    for index, (label_fr, label_en, url) in enumerate(links):
        data.update({f"menu-{index}-label_fr": label_fr, f"menu-{index}-label_en": label_en, f"menu-{index}-url": url})
    data.update({f"home-{name}": value for name, value in texts.items()})
    return data


def test_the_home_page_shows_the_chosen_blocks_in_order_in_the_readers_language(in_a, client_a):
    admin = city_admin()
    client_a.force_login(admin)
    response = client_a.post(reverse("backoffice:site"), _home(
        {"custom_text": 1, "open_processes": 2, "intro": 3},
        links=[("Budget de la ville", "City budget", "https://budget.ville-a.example/2026"),
               ("Agenda", "", "/participer/")],
        home_intro_fr="Bienvenue sur la plateforme.", home_intro_en="Welcome to the platform.",
        home_custom_text_fr="Texte libre de la mairie.", home_custom_text_en=""))
    assert response.status_code == 302
    settings = SiteSettings.objects.get()
    assert settings.home_blocks == ["custom_text", "open_processes", "intro"]
    assert settings.menu[1] == {"label_fr": "Agenda", "label_en": "", "url": "/participer/"}
    assert _audited("site.settings_update")[0].actor_label == admin.email

    page = client_a.get("/").content.decode()
    positions = [page.index(text) for text in ("Texte libre de la mairie.", 'id="processes-title"',
                                               "Bienvenue sur la plateforme.")]
    assert positions == sorted(positions)
    assert 'id="activity-title"' not in page and "Welcome to the platform." not in page

    client_a.cookies["django_language"] = "en"
    page = client_a.get("/").content.decode()
    assert "Welcome to the platform." in page and "Bienvenue" not in page
    assert "Texte libre de la mairie." in page  # no English text: the French one


def test_without_settings_the_home_page_shows_the_default_blocks(in_a, client_a):
    assert not SiteSettings.objects.exists()
    page = client_a.get("/").content.decode()
    assert 'id="processes-title"' in page
    assert "Propose ideas" in page or "Proposez" in page


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x",
                                 "http://exemple.fr", "//evil.example/", "https://", "/ok\njavascript:x"])
def test_a_menu_link_must_be_a_path_or_an_https_address(in_a, client_a, url):
    client_a.force_login(city_admin())
    response = client_a.post(reverse("backoffice:site"), _home({"intro": 1}, links=[("Piège", "", url)]))
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert not SiteSettings.objects.exists()
    assert not _audited("site.settings_update")


def test_at_least_one_block_is_required(in_a, client_a):
    client_a.force_login(city_admin())
    assert client_a.post(reverse("backoffice:site"), _home({})).status_code == 400
    assert not SiteSettings.objects.exists()


def test_the_menu_context_processor_costs_one_query_on_a_city_and_none_elsewhere(in_a, city_a):
    admin = city_admin()
    site_settings_update(actor=admin, menu=[{"label_fr": "Agenda", "label_en": "Calendar", "url": "/agenda/"}])
    request = RequestFactory().get("/")
    request.tenant = city_a
    with CaptureQueriesContext(connection) as queries:
        links = list(site_menu(request)["site_menu"])
    assert links == [{"label": "Agenda", "url": "/agenda/"}] and len(queries) == 1
    request.tenant = Collectivity(schema_name="public")
    with CaptureQueriesContext(connection) as queries:
        assert list(site_menu(request)["site_menu"]) == []
    assert len(queries) == 0


def test_the_menu_links_reach_every_page_once_the_processor_is_wired(in_a, client_a, settings):
    import copy

    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append("tenant_apps.portal.context_processors.site_menu")
    settings.TEMPLATES = templates
    site_settings_update(actor=city_admin(), menu=[{"label_fr": "Agenda", "label_en": "Calendar", "url": "/agenda/"}])
    response = client_a.get(reverse("participation:process_list"))
    assert list(response.context["site_menu"]) == [{"label": "Agenda", "url": "/agenda/"}]
    client_a.cookies["django_language"] = "en"
    response = client_a.get("/")
    assert list(response.context["site_menu"]) == [{"label": "Calendar", "url": "/agenda/"}]


# --- Pages ------------------------------------------------------------------------------------------------------


def test_a_legal_page_is_edited_in_french_and_english(in_a, client_a):
    admin = city_admin()
    client_a.force_login(admin)
    response = client_a.post(reverse("backoffice:page_edit", args=["accessibility"]), {
        "title_fr": "Accessibilité", "body_fr": "Ce site est partiellement conforme.",
        "title_en": "Accessibility", "body_en": "This site is partially compliant."})
    assert response.status_code == 302
    page = Page.objects.get(key="accessibility")
    assert (page.body_fr, page.body_en) == ("Ce site est partiellement conforme.", "This site is partially compliant.")
    assert _audited("page.update")[0].data["key"] == "accessibility"
    assert "Ce site est partiellement conforme." in client_a.get(reverse("accessibility")).content.decode()


def test_a_page_without_its_english_text_is_refused(in_a, client_a):
    client_a.force_login(city_admin())
    before = Page.objects.get(key="terms").body_en
    response = client_a.post(reverse("backoffice:page_edit", args=["terms"]), {
        "title_fr": "Conditions", "body_fr": "Texte.", "title_en": "Terms", "body_en": ""})
    assert response.status_code == 400
    assert Page.objects.get(key="terms").body_en == before


# --- Districts --------------------------------------------------------------------------------------------------


def test_districts_are_created_edited_and_deleted(in_a, client_a):
    admin = city_admin()
    client_a.force_login(admin)
    response = client_a.post(reverse("backoffice:district_create"),
                             {"name": "Croix-Rousse", "position": "2", "outline": json.dumps(SQUARE)})
    assert response.status_code == 302
    district = District.objects.get(name="Croix-Rousse")
    assert district.outline == SQUARE and _audited("district.create")

    feature = json.dumps({"type": "Feature", "properties": {}, "geometry": SQUARE})
    response = client_a.post(reverse("backoffice:district_edit", args=[district.pk]),
                             {"name": "La Croix-Rousse", "position": "1", "outline": feature})
    assert response.status_code == 302
    district.refresh_from_db()
    assert (district.name, district.position) == ("La Croix-Rousse", 1) and _audited("district.update")

    confirm = client_a.get(reverse("backoffice:district_delete", args=[district.pk]))
    assert confirm.status_code == 200 and "La Croix-Rousse" in confirm.content.decode()
    assert District.objects.filter(pk=district.pk).exists()
    assert client_a.post(reverse("backoffice:district_delete", args=[district.pk])).status_code == 302
    assert not District.objects.filter(pk=district.pk).exists()
    assert _audited("district.delete")[0].data["name"] == "La Croix-Rousse"


@pytest.mark.parametrize("outline", ["{pas du json", json.dumps({"type": "Point", "coordinates": [4.8, 45.7]}),
                                     json.dumps({"type": "Polygon", "coordinates": [[[400, 45], [4, 45]]]})])
def test_an_invalid_outline_is_refused(in_a, client_a, outline):
    district = district_create(name="Centre", outline=SQUARE)
    client_a.force_login(city_admin())
    response = client_a.post(reverse("backoffice:district_edit", args=[district.pk]),
                             {"name": "Autre", "position": "0", "outline": outline})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    district.refresh_from_db()
    assert (district.name, district.outline) == ("Centre", SQUARE)
    assert not _audited("district.update")


def _geojson(features) -> SimpleUploadedFile:
    return SimpleUploadedFile("quartiers.geojson", json.dumps({"type": "FeatureCollection", "features": features})
                              .encode(), content_type="application/geo+json")


def test_districts_are_imported_from_geojson(in_a, client_a):
    client_a.force_login(city_admin())
    features = [{"type": "Feature", "properties": {"nom": name}, "geometry": SQUARE} for name in ("Nord", "Sud")]
    response = client_a.post(reverse("backoffice:district_import"), {"file": _geojson(features),
                                                                     "name_property": "nom"})
    assert response.status_code == 302
    assert sorted(District.objects.values_list("name", flat=True)) == ["Nord", "Sud"]
    assert _audited("district.import")[0].data["count"] == 2


def test_an_invalid_geojson_import_shows_why_and_imports_nothing(in_a, client_a):
    client_a.force_login(city_admin())
    features = [{"type": "Feature", "properties": {"nom": "Nord"}, "geometry": SQUARE},
                {"type": "Feature", "properties": {}, "geometry": SQUARE}]
    response = client_a.post(reverse("backoffice:district_import"), {"file": _geojson(features),
                                                                     "name_property": "nom"})
    assert response.status_code == 400
    assert "2" in response.content.decode() and 'role="alert"' in response.content.decode()
    assert not District.objects.exists() and not _audited("district.import")


# --- Themes --------------------------------------------------------------------------------------------------------


def test_themes_are_created_edited_and_deleted(in_a, client_a):
    client_a.force_login(city_admin())
    assert client_a.post(reverse("backoffice:theme_create"),
                         {"label_fr": "Écologie", "label_en": "Ecology", "position": "3"}).status_code == 302
    theme = Theme.objects.get(label_fr="Écologie")
    assert (theme.label_en, theme.position) == ("Ecology", 3) and _audited("theme.create")
    assert client_a.post(reverse("backoffice:theme_edit", args=[theme.pk]),
                         {"label_fr": "Environnement", "label_en": "", "position": "0"}).status_code == 302
    theme.refresh_from_db()
    assert (theme.label_fr, theme.label_en) == ("Environnement", "") and _audited("theme.update")
    assert client_a.post(reverse("backoffice:theme_edit", args=[theme.pk]),
                         {"label_fr": "", "position": "0"}).status_code == 400
    assert client_a.post(reverse("backoffice:theme_delete", args=[theme.pk])).status_code == 302
    assert not Theme.objects.filter(pk=theme.pk).exists() and _audited("theme.delete")


# --- Departments -----------------------------------------------------------------------------------------------------


def test_departments_are_created_and_edited_with_their_agents(in_a, client_a):
    admin = city_admin()
    first, second = account("agent"), account("agent")
    citizen = account()
    client_a.force_login(admin)
    form_page = client_a.get(reverse("backoffice:department_create")).content.decode()
    assert first.email in form_page and citizen.email not in form_page
    response = client_a.post(reverse("backoffice:department_create"),
                             {"name": "Sports", "email": "sports@ville-a.example", "agents": [first.pk]})
    assert response.status_code == 302
    department = Department.objects.get(name="Sports")
    assert list(department.members.all()) == [first] and _audited("department.create")

    response = client_a.post(reverse("backoffice:department_edit", args=[department.pk]),
                             {"name": "Sports et loisirs", "email": "", "agents": [second.pk]})
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name == "Sports et loisirs" and list(department.members.all()) == [second]
    assert _audited("department.update")[0].data["removed"] == [first.pk]

    # A citizen cannot be made a member, and a name already taken is refused: nothing changes.
    Department.objects.create(name="Culture")
    for data in ({"name": "Sports et loisirs", "agents": [citizen.pk]}, {"name": "culture", "agents": []}):
        response = client_a.post(reverse("backoffice:department_edit", args=[department.pk]), data)
        assert response.status_code == 400
    department.refresh_from_db()
    assert department.name == "Sports et loisirs" and list(department.members.all()) == [second]


# --- Staff -----------------------------------------------------------------------------------------------------------


def test_an_admin_changes_a_role_and_deactivates_an_account(in_a, client_a):
    admin = city_admin()
    agent = account("agent")
    client_a.force_login(admin)
    url = reverse("backoffice:staff_edit", args=[agent.pk])
    assert client_a.post(url, {"action": "role", "role": "moderator"}).status_code == 302
    agent.refresh_from_db()
    assert agent.role == "moderator"
    assert _audited("staff.role_change")[0].data["previous"] == "agent"
    assert client_a.post(url, {"action": "deactivate"}).status_code == 302
    agent.refresh_from_db()
    assert not agent.is_active and _audited("staff.deactivate")
    assert client_a.post(url, {"action": "reactivate"}).status_code == 302
    agent.refresh_from_db()
    assert agent.is_active and _audited("staff.reactivate")


def test_the_last_admin_cannot_demote_or_deactivate_themselves(in_a, client_a):
    admin = city_admin()
    User.objects.filter(role="city_admin").exclude(pk=admin.pk).update(role="agent")
    client_a.force_login(admin)
    url = reverse("backoffice:staff_edit", args=[admin.pk])
    response = client_a.post(url, {"action": "role", "role": "agent"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert client_a.post(url, {"action": "deactivate"}).status_code == 400
    admin.refresh_from_db()
    assert admin.role == "city_admin" and admin.is_active
    assert not _audited("staff.role_change") and not _audited("staff.deactivate")


def test_an_admin_cannot_demote_themselves_even_with_other_admins(in_a, client_a):
    admin, other = city_admin(), city_admin()
    client_a.force_login(admin)
    assert client_a.post(reverse("backoffice:staff_edit", args=[admin.pk]),
                         {"action": "role", "role": "citizen"}).status_code == 400
    assert client_a.post(reverse("backoffice:staff_edit", args=[other.pk]),
                         {"action": "role", "role": "agent"}).status_code == 302
    assert User.objects.get(pk=admin.pk).role == "city_admin"
    assert User.objects.get(pk=other.pk).role == "agent"


def test_staff_are_invited_by_email(in_a, client_a, mailoutbox, django_capture_on_commit_callbacks):
    admin = city_admin()
    client_a.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("backoffice:staff_invite"),
                                 {"email": "Nouvelle.Agente@ville-a.example", "full_name": "Nina", "role": "agent"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="nouvelle.agente@ville-a.example")
    assert (invitation.role, invitation.invited_by) == ("agent", admin.email)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nouvelle.agente@ville-a.example"]
    assert "/invitation/" in mailoutbox[0].body and "ville-a" in mailoutbox[0].body
    assert _audited("staff.invite")[0].data["role"] == "agent"
    assert "nouvelle.agente@ville-a.example" in client_a.get(reverse("backoffice:staff")).content.decode()

    # Invited twice, or as a citizen: refused, nothing sent.
    for data in ({"email": "nouvelle.agente@ville-a.example", "role": "agent"},
                 {"email": "autre@ville-a.example", "role": "citizen"}):
        assert client_a.post(reverse("backoffice:staff_invite"), data).status_code == 400
    assert Invitation.objects.count() == 1 and len(mailoutbox) == 1


# --- Bounded queries -------------------------------------------------------------------------------------------------


def test_list_pages_run_a_bounded_number_of_queries(in_a, client_a):
    client_a.force_login(city_admin())
    urls = [reverse(f"backoffice:{name}") for name in ("districts", "themes", "departments", "staff", "pages",
                                                        "site")]
    counts = {}
    for rows in (2, 20):
        while District.objects.count() < rows:
            n = District.objects.count()
            district_create(name=f"Quartier {n}", outline=SQUARE)
            theme_create(label_fr=f"Thème {n}")
            agent = account("agent")
            Department.objects.create(name=f"Service {n}").members.add(agent)
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client_a.get(url).status_code == 200
            counts.setdefault(url, []).append(len(queries))
    assert all(small == large for small, large in counts.values()), counts
    assert max(max(c) for c in counts.values()) <= 20, counts


def test_the_declared_accessibility_level_shows_in_every_footer(in_a, client_a):
    from django.core.cache import cache

    from tenant_apps.pages.selectors import CONFORMANCE_CACHE_KEY

    cache.delete(CONFORMANCE_CACHE_KEY)
    assert "non conforme" in client_a.get("/").content.decode()
    admin = city_admin()
    client_a.force_login(admin)
    page = Page.objects.get(key="accessibility")
    response = client_a.post(reverse("backoffice:page_edit", args=["accessibility"]), {
        "title_fr": page.title_fr, "title_en": page.title_en, "body_fr": page.body_fr, "body_en": page.body_en,
        "conformance": "partial"})
    assert response.status_code == 302
    client_a.logout()
    footer = client_a.get("/participer/").content.decode()
    assert "partiellement conforme" in footer and "non conforme" not in footer
    # Other pages have no level to declare.
    client_a.force_login(admin)
    form = client_a.get(reverse("backoffice:page_edit", args=["privacy"])).content.decode()
    assert 'name="conformance"' not in form
