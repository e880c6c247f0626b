"""RGAA 4.1 / WCAG 2.1 AA checks with axe-core in headless Chromium, on every public page type.

Run by `make a11y` (needs Chromium: `apt-get install chromium`, done by .ci/run), not by `make test`.
Pages are rendered by Django's test client inside the test transaction and handed to the browser
through request interception, CSS included, so nothing needs a live server.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles import finders
from django.db import connections
from playwright.sync_api import sync_playwright

from conftest import HostClient
from provisioning import services
from shared_apps.accounts.services import account_activate_totp, invitation_create, operator_create

pytestmark = [pytest.mark.a11y, pytest.mark.django_db]

# Playwright's sync API keeps an event loop in this thread; the Django calls made from it are plain
# synchronous code in the same thread (the documented setting for Playwright with Django tests).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()
        # Connections opened while Playwright's loop was set belong to that context: close them here,
        # or the test database cannot be dropped at the end of the session.
        connections.close_all()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def audit(browser, client: HostClient, path: str, *, method: str = "GET", data: dict | None = None,
          expected_status: int = 200, width: int = 1280) -> None:
    # Rendered here, in the test's own transaction: Playwright calls route handlers from another
    # greenlet, which Django would give another database connection.
    response = client.post(path, data or {}) if method == "POST" else client.get(path)
    assert response.status_code == expected_status, path
    page_body = _body(response)
    page_headers = {"content-type": response["Content-Type"]}
    if response.has_header("Content-Security-Policy"):
        page_headers["content-security-policy"] = response["Content-Security-Policy"]

    def serve(route, request):
        url = request.url
        if not url.startswith(f"http://{client.host}/"):  # nothing leaves the test
            route.abort()
        elif "/static/" in url:
            found = finders.find(url.split("/static/", 1)[1])
            route.fulfill(status=200 if found else 404, path=found) if found else route.fulfill(status=404)
        else:
            route.fulfill(status=expected_status, body=page_body, headers=page_headers)

    page = browser.new_page(viewport={"width": width, "height": 900})
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.route("**/*", serve)
    page.goto(f"http://{client.host}{path}", wait_until="load")
    # The browser really shows the page (its heading, and the stylesheet applied to the skip link).
    assert page.locator("h1").count() == 1 and page.locator("h1").inner_text().strip(), path
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px", f"{path}: no stylesheet"
    # Nothing the page needs is refused by its Content-Security-Policy, nothing fails to load.
    expected = f"the server responded with a status of {expected_status}"
    console_errors = [e for e in console_errors if expected_status == 200 or expected not in e]
    assert not console_errors, f"{path}: {console_errors}"
    results = Axe().run(page, options=WCAG_AA)
    page.close()
    violations = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
                  for v in results.response["violations"]]
    assert not violations, f"{path}: " + "\n".join(violations)


@pytest.mark.parametrize("path", ["/", "/conditions-utilisation/", "/accessibilite/", "/mentions-legales/",
                                  "/donnees-personnelles/", "/comptes/login/", "/comptes/signup/",
                                  "/comptes/password/reset/"])
@pytest.mark.parametrize("width", [1280, 375])
def test_city_public_pages(browser, client_a, path, width):
    audit(browser, client_a, path, width=width)


def test_city_pages_in_english(browser, client_a):
    client_a.post("/i18n/setlang/", {"language": "en", "next": "/"})
    audit(browser, client_a, "/")
    audit(browser, client_a, "/comptes/signup/")


def test_form_errors_are_accessible(browser, client_a):
    audit(browser, client_a, "/comptes/signup/", method="POST", data={"email": "pas-un-email"})


def test_invitation_and_signed_in_pages(browser, city_a, in_city):
    from tests.factories import UserFactory

    with in_city(city_a):
        _invitation, token = invitation_create(email="agent@exemple.fr", role="agent")
        citizen = UserFactory(email="citoyenne@exemple.fr")
    audit(browser, HostClient(city_a.host), f"/invitation/{token}/")
    audit(browser, HostClient(city_a.host), "/invitation/inconnue/", expected_status=404)
    client = HostClient(city_a.host)
    with in_city(city_a):  # the session and the account live in the city's schema
        client.force_login(citizen)
    audit(browser, client, "/mon-compte/")


def test_error_and_status_pages(browser, city_a):
    audit(browser, HostClient("inconnue.parvis.test"), "/", expected_status=404)
    audit(browser, HostClient(city_a.host), "/nulle-part/", expected_status=404)
    services.collectivity_change_status(collectivity=city_a, action="suspend")
    audit(browser, HostClient(city_a.host), "/", expected_status=503)
    services.collectivity_change_status(collectivity=city_a, action="archive")
    audit(browser, HostClient(city_a.host), "/")


def test_control_plane_and_console(browser, city_a):
    audit(browser, HostClient("parvis.test"), "/")
    audit(browser, HostClient("parvis.test"), "/comptes/login/")
    operator = operator_create(email="ops@parvis.example", password="mot-de-passe-operateur")
    account_activate_totp(user=operator, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    console = HostClient("parvis.test")
    console.force_login(operator)
    job = services.collectivity_provision(slug="a11y-ville", name="A11y", kind="commune", run_now=True)
    for path in ["/console/", "/console/nouvelle/", f"/console/{city_a.slug}/", f"/console/{city_a.slug}/modifier/",
                 "/console/modeles/", "/console/journal/", f"/console/provisionnements/{job.pk}/",
                 "/console/jeton-api/"]:
        audit(browser, console, path)
    audit(browser, console, "/console/jeton-api/", method="POST", data={"action": "create"})
    audit(browser, console, "/console/nouvelle/", method="POST", data={"slug": "www"})


@pytest.fixture
def participation_pages(city_a, in_city):
    """A process with a located, commented, argued and supported contribution, seen by a citizen."""
    from tenant_apps.discussion.services import argument_post, comment_post
    from tenant_apps.participation.services import district_create, official_answer_publish
    from tenant_apps.participation.tests.factories import account, contribution, process_in_phase
    from tenant_apps.votes.services import vote_cast

    with in_city(city_a):
        process = process_in_phase("ideas", "submission", title="Boîte à idées accessible")
        square = [[4.82, 45.75], [4.85, 45.75], [4.85, 45.78], [4.82, 45.78], [4.82, 45.75]]
        district = district_create(name="Centre", outline={"type": "Polygon", "coordinates": [square]})
        item = contribution(process, title="Des bancs à l'ombre", district=district, latitude="45.764",
                            longitude="4.835", address="Place de la Mairie")
        citizen = account()
        comment = comment_post(contribution=item, author=citizen, body="Très bonne idée.")
        comment_post(contribution=item, author=account(), body="Je suis d'accord.", parent=comment)
        argument_post(contribution=item, author=citizen, side="for", body="Il fait trop chaud l'été.")
        vote_cast(contribution=item, voter=citizen, value=1)
        official_answer_publish(contribution=item, body="La ville étudie la demande.", actor=account("agent"))
        moderator = account("moderator")
    return {"process": process, "item": item, "citizen": citizen, "moderator": moderator}


@pytest.mark.parametrize("width", [1280, 375])
def test_participation_public_pages(browser, city_a, participation_pages, width):
    process, item = participation_pages["process"], participation_pages["item"]
    client = HostClient(city_a.host)
    for path in ("/", "/participer/", f"/participer/{process.slug}/", f"/participer/{process.slug}/contributions/",
                 f"/participer/{process.slug}/contributions/?vue=carte&sort=random",
                 f"/contributions/{item.pk}/"):
        audit(browser, client, path, width=width)


def test_participation_signed_in_pages(browser, city_a, in_city, participation_pages):
    process, item = participation_pages["process"], participation_pages["item"]
    client = HostClient(city_a.host)
    with in_city(city_a):
        client.force_login(participation_pages["citizen"])
    for path in (f"/contributions/{item.pk}/", f"/participer/{process.slug}/contribuer/",
                 f"/signaler/contribution/{item.pk}/", "/notifications/", "/notifications/preferences/"):
        audit(browser, client, path)
    audit(browser, client, f"/participer/{process.slug}/contribuer/", method="POST", data={"title": ""},
          expected_status=400)
    moderator = HostClient(city_a.host)
    with in_city(city_a):
        moderator.force_login(participation_pages["moderator"])
    audit(browser, moderator, "/moderation/")


def test_backoffice_pages(browser, city_a, in_city, participation_pages):
    from tenant_apps.participation.tests.factories import city_admin

    process, item = participation_pages["process"], participation_pages["item"]
    with in_city(city_a):
        admin = city_admin()
    client = HostClient(city_a.host)
    with in_city(city_a):
        client.force_login(admin)
    for path in ("/gestion/", "/gestion/instruction/", f"/gestion/instruction/{item.pk}/", "/gestion/statistiques/",
                 f"/gestion/statistiques/demarches/{process.pk}/", "/gestion/exports/", "/gestion/journal/",
                 "/gestion/demarches/", "/gestion/demarches/nouvelle/", f"/gestion/demarches/{process.pk}/",
                 f"/gestion/demarches/{process.pk}/phases/", "/gestion/statuts/", "/gestion/textes/",
                 "/gestion/site/", "/gestion/pages/", "/gestion/quartiers/", "/gestion/thematiques/",
                 "/gestion/services/", "/gestion/equipe/"):
        audit(browser, client, path)


def test_open_data_and_api_documentation(browser, city_a, participation_pages):
    client = HostClient(city_a.host)
    process = participation_pages["process"]
    for path in ("/donnees-ouvertes/", "/donnees-ouvertes/dictionnaire/",
                 f"/donnees-ouvertes/demarches/{process.slug}/", "/api/docs/"):
        audit(browser, client, path)


def test_identity_and_personal_data_pages(browser, city_a, in_city, participation_pages):
    from tenant_apps.participation.tests.factories import city_admin

    process, citizen = participation_pages["process"], participation_pages["citizen"]
    client = HostClient(city_a.host)
    with in_city(city_a):
        client.force_login(citizen)
    for path in ("/mon-compte/", "/mon-compte/residence/", "/mon-compte/profil/", "/mon-compte/donnees/",
                 "/mon-compte/suppression/"):
        audit(browser, client, path)
    staff = HostClient(city_a.host)
    with in_city(city_a):
        admin = city_admin()
        staff.force_login(admin)
    for path in ("/gestion/guichet/", f"/gestion/guichet/{citizen.pk}/",
                 f"/gestion/demarches/{process.pk}/eligibilite/", "/gestion/donnees-personnelles/",
                 "/gestion/franceconnect/"):
        audit(browser, staff, path)


@pytest.fixture
def budget_pages(city_a, in_city):
    """A budget edition open to vote (approval and majority judgment ballots, a paper desk) and one whose
    results are published and winners followed: every page type of the budget module has content."""
    from tenant_apps.budgets.models import BallotKind, CountingRule, Edition
    from tenant_apps.budgets.services.editions import criterion_save, edition_update
    from tenant_apps.budgets.services.realisation import milestone_save, project_realisation_update
    from tenant_apps.budgets.services.results import result_compute, result_publish
    from tenant_apps.budgets.services.voting import ballot_submit, polling_place_save
    from tenant_apps.budgets.tests.factories import budget_make, edition_make, phases_shift_to, vote_closed
    from tenant_apps.participation.services import district_create
    from tenant_apps.participation.tests.factories import account, city_admin, contribution

    with in_city(city_a):
        admin = city_admin()
        district = district_create(name="Les Coteaux")
        voting = edition_make(admin=admin, title="Budget participatif accessible",
                              voting_scope=Edition.VotingScope.ALL)
        phases_shift_to(voting, "submission")
        idea = contribution(voting.process, title="Un banc à l'ombre")
        phases_shift_to(voting, "review")
        criterion_save(edition=voting, actor=admin, label="Intérêt général")
        approval, projects = budget_make(voting, admin=admin, name="Toute la ville", max_choices=3)
        judgment, _ = budget_make(voting, admin=admin, name="Quartier des Coteaux", district=district,
                                  ballot_kind=BallotKind.MAJORITY_JUDGMENT,
                                  counting_rule=CountingRule.MAJORITY_JUDGMENT, costs=(20_000, 30_000))
        phases_shift_to(voting, "budget_vote")
        place = polling_place_save(edition=voting, actor=admin, name="Hôtel de ville")
        citizen = account()
        ballot_submit(budget=approval, voter=citizen, choices={str(projects[0].pk): 1})

        done = edition_make(admin=admin, title="Budget participatif terminé")
        closed, won = budget_make(done, admin=admin, name="Toute la ville", costs=(60_000, 50_000, 30_000))
        phases_shift_to(done, "budget_vote")
        for n in range(3):
            ballot_submit(budget=closed, voter=account(), choices={str(won[n % 2].pk): 1, str(won[2].pk): 1})
        vote_closed(done)
        result_publish(result=result_compute(budget=closed, actor=admin), actor=admin)
        winner = closed.projects.filter(state="winner").first()
        project_realisation_update(project=winner, actor=admin, realisation="works", progress=40, spent=10_000)
        milestone_save(project=winner, actor=admin, title="Travaux")
        edition_update(edition=done, actor=admin, satisfaction_open=True)
        loser = closed.projects.exclude(state="winner").first()
    return {"voting": voting, "approval": approval, "judgment": judgment, "project": projects[0], "idea": idea,
            "place": place, "citizen": citizen, "admin": admin, "done": done, "closed": closed, "winner": winner,
            "loser": loser}


@pytest.mark.parametrize("width", [1280, 375])
def test_budget_public_pages(browser, city_a, budget_pages, width):
    voting, done = budget_pages["voting"].process.slug, budget_pages["done"].process.slug
    client = HostClient(city_a.host)
    for path in (f"/participer/{voting}/budget/", f"/participer/{voting}/budget/reglement/",
                 f"/participer/{voting}/budget/projets/", f"/budget/projets/{budget_pages['project'].pk}/",
                 f"/participer/{done}/budget/resultats/", f"/budget/projets/{budget_pages['winner'].pk}/",
                 f"/budget/projets/{budget_pages['winner'].pk}/pourquoi/",
                 f"/budget/projets/{budget_pages['loser'].pk}/pourquoi/", f"/participer/{done}/budget/realisation/"):
        audit(browser, client, path, width=width)


def test_budget_voting_pages(browser, city_a, in_city, budget_pages):
    client = HostClient(city_a.host)
    with in_city(city_a):
        client.force_login(budget_pages["citizen"])
    voting = budget_pages["voting"].process.slug
    approval, judgment = budget_pages["approval"].pk, budget_pages["judgment"].pk
    for path in (f"/participer/{voting}/budget/voter/", f"/budget/enveloppes/{approval}/voter/",
                 f"/budget/enveloppes/{approval}/vote-enregistre/", f"/budget/enveloppes/{judgment}/voter/",
                 f"/participer/{budget_pages['done'].process.slug}/budget/satisfaction/"):
        audit(browser, client, path, width=375 if "voter" in path else 1280)
    # A ballot with too many projects: the errors are listed and tied to the form.
    with in_city(city_a):
        every_project = [str(p.pk) for p in budget_pages["approval"].projects.all()]
    audit(browser, client, f"/budget/enveloppes/{approval}/voter/", method="POST", data={"project": every_project},
          expected_status=400)


def test_budget_staff_pages(browser, city_a, in_city, budget_pages):
    client = HostClient(city_a.host)
    with in_city(city_a):
        client.force_login(budget_pages["admin"])
    voting, done = budget_pages["voting"].process.slug, budget_pages["done"].process.slug
    place, approval = budget_pages["place"].pk, budget_pages["approval"].pk
    for path in ("/gestion/budgets/", f"/gestion/budgets/{voting}/", f"/gestion/budgets/{voting}/reglages/",
                 f"/gestion/budgets/{voting}/enveloppes/", f"/gestion/budgets/{voting}/criteres/",
                 f"/gestion/budgets/{voting}/instruction/", f"/gestion/budgets/idees/{budget_pages['idea'].pk}/",
                 f"/gestion/budgets/{voting}/projets/", f"/gestion/budgets/projets/{budget_pages['project'].pk}/",
                 f"/gestion/budgets/{voting}/vote/", f"/gestion/budgets/{voting}/vote/bureaux/",
                 f"/gestion/budgets/bureaux/{place}/emargement/",
                 f"/gestion/budgets/bureaux/{place}/saisie/{approval}/",
                 f"/gestion/budgets/{voting}/vote/ecarts/", f"/gestion/budgets/{done}/resultats/",
                 f"/gestion/budgets/{done}/realisation/",
                 f"/gestion/budgets/projets/{budget_pages['winner'].pk}/realisation/",
                 f"/participer/{done}/budget/evaluation/"):
        audit(browser, client, path)
