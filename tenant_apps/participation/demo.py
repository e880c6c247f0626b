"""Demo participation: themes, districts with outlines, a process of every kind in a telling phase."""

import datetime as dt

from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.accounts.services import account_create
from tenant_apps.participation import services
from tenant_apps.participation.blueprints import blueprint_get
from tenant_apps.participation.models import District, Process, Status, Theme

DEMO_PASSWORD = "parvis-demo-2026"
THEMES = [("Mobilité", "Mobility"), ("Environnement", "Environment"), ("Culture", "Culture"),
          ("Solidarité", "Solidarity"), ("Sport", "Sport")]
# A fictional town drawn as four quarters of a square around this point (longitude, latitude).
CENTRE = (4.8357, 45.7640)
STEP = 0.02
DISTRICTS = [("Centre-ville", 0, 1), ("Les Coteaux", 1, 1), ("La Gare", 0, 0), ("Le Port", 1, 0)]
CITIZENS = [("Camille", "Martin"), ("Yasmine", "Benali"), ("Lucas", "Petit"), ("Inès", "Moreau"),
            ("Hugo", "Lefèvre"), ("Chloé", "Nguyen")]


def _square(col: int, row: int) -> dict:
    x0, y0 = CENTRE[0] - STEP + col * STEP, CENTRE[1] - STEP + row * STEP
    ring = [[x0, y0], [x0 + STEP, y0], [x0 + STEP, y0 + STEP], [x0, y0 + STEP], [x0, y0]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _starts_on(kind: str, phase_index: int, *, days_into: int = 3) -> dt.date:
    phases = blueprint_get(kind).phases
    return timezone.localdate() - dt.timedelta(days=sum(p.days for p in phases[:phase_index]) + days_into)


def _point(district_index: int, dx: float, dy: float):
    _name, col, row = DISTRICTS[district_index]
    return (round(CENTRE[1] - STEP + row * STEP + dy * STEP, 6), round(CENTRE[0] - STEP + col * STEP + dx * STEP, 6))


def seed_participation(*, collectivity, accounts) -> None:
    """Idempotent: does nothing once the demo processes exist."""
    if Process.objects.exists():
        return
    admin = accounts.get(User.Role.CITY_ADMIN)
    agent = accounts.get(User.Role.AGENT) or admin
    themes = [Theme.objects.filter(label_fr=fr).first() or services.theme_create(label_fr=fr, label_en=en, position=i)
              for i, (fr, en) in enumerate(THEMES)]
    districts = [District.objects.filter(name=name).first()
                 or services.district_create(name=name, outline=_square(col, row), position=i)
                 for i, (name, col, row) in enumerate(DISTRICTS)]
    citizens = [accounts.get(User.Role.CITIZEN)]
    for first, last in CITIZENS[1:]:
        email = f"{first.lower().replace('è', 'e')}.{last.lower().replace('è', 'e')}@{collectivity.slug}.example"
        citizens.append(User.objects.filter(email=email).first() or account_create(
            email=email, password=DEMO_PASSWORD, full_name=f"{first} {last}", email_verified=True))

    budget = services.process_create(
        kind="budget", title="Budget participatif 2027", actor=admin, starts_on=_starts_on("budget", 1),
        summary="500 000 € pour des projets proposés et choisis par les habitantes et les habitants.",
        description="<p>Proposez vos idées d'investissement pour la ville : aménagements, équipements, "
                    "nature en ville. Chaque habitante et chaque habitant peut proposer et soutenir des idées.</p>",
        themes=themes, districts=districts, publish=True)
    ideas = [
        ("Un jardin partagé derrière la médiathèque", "Des bacs de culture et un composteur ouverts à tous.", 0,
         (0.3, 0.6), 1),
        ("Éclairage solaire du chemin des Coteaux", "Le chemin est très sombre l'hiver : des bornes solaires.", 1,
         (0.5, 0.5), 0),
        ("Des arceaux vélos devant la gare", "Au moins trente places abritées pour les vélos.", 2, (0.7, 0.8), 0),
        ("Une aire de jeux inclusive au Port", "Des jeux accessibles aux enfants en fauteuil.", 3, (0.4, 0.3), 3),
        ("Fontaines à eau dans le centre", "Trois fontaines pour les jours de canicule.", 0, (0.6, 0.4), 1),
        ("Une boîte à livres au marché", "Échanger des livres librement, à côté du marché couvert.", 0,
         (0.2, 0.2), 2),
    ]
    created = []
    for i, (title, body, district, (dx, dy), theme) in enumerate(ideas):
        latitude, longitude = _point(district, dx, dy)
        created.append(services.contribution_create(
            process=budget, author=citizens[i % len(citizens)], title=title, body=body, district=districts[district],
            themes=[themes[theme]], latitude=latitude, longitude=longitude))
    admissible = Status.objects.get(process_kind="budget", key="admissible")
    services.contribution_status_change(contribution=created[0], status=admissible, actor=agent,
                                        message="Votre idée respecte le règlement : elle passe à l'étude technique.")
    services.official_answer_publish(
        contribution=created[2], actor=agent,
        body="<p>Merci ! La gare appartient à la SNCF : nous étudions avec elle un emplacement sur le parvis.</p>")

    box = services.process_create(
        kind="ideas", title="Boîte à idées : la ville de demain", actor=admin, starts_on=_starts_on("ideas", 1),
        summary="Partagez vos idées, votez pour ou contre et argumentez.", themes=themes, publish=True)
    for i, (title, body) in enumerate([
        ("Piétonniser la rue du Marché le samedi", "Plus de place pour flâner et pour les commerces."),
        ("Un conseil des jeunes", "Que les 11-17 ans aient leur mot à dire sur les projets de la ville."),
        ("Des repas bio et locaux à la cantine", "Travailler avec les fermes des environs."),
    ]):
        services.contribution_create(process=box, author=citizens[(i + 2) % len(citizens)], title=title, body=body)

    reports = services.process_create(
        kind="reports", title="Signaler un problème dans l'espace public", actor=admin,
        starts_on=_starts_on("reports", 1), summary="Nid-de-poule, lampadaire éteint, dépôt sauvage : dites-le nous.",
        publish=True)
    fixed = Status.objects.get(process_kind="reports", key="fixed")
    for i, (title, body, district, (dx, dy)) in enumerate([
        ("Lampadaire éteint rue Pasteur", "Le lampadaire devant le numéro 12 ne s'allume plus.", 0, (0.5, 0.7)),
        ("Nid-de-poule avenue du Lac", "Un trou profond sur la voie cyclable.", 3, (0.3, 0.5)),
        ("Dépôt sauvage près du stade", "Des encombrants abandonnés depuis une semaine.", 1, (0.8, 0.2)),
    ]):
        latitude, longitude = _point(district, dx, dy)
        report = services.contribution_create(process=reports, author=citizens[i], title=title, body=body,
                                              latitude=latitude, longitude=longitude, address=title.split(" ", 2)[-1])
        if i == 0:
            services.contribution_status_change(contribution=report, status=fixed, actor=agent,
                                                message="L'ampoule a été changée le jour même. Merci !")

    consultation = services.process_create(
        kind="consultation", title="Plan vélo 2030", actor=admin, starts_on=_starts_on("consultation", 2),
        summary="Où faut-il des pistes cyclables, des stationnements, des zones apaisées ?", themes=[themes[0]],
        publish=True)
    services.contribution_create(process=consultation, author=citizens[4], title="Une piste continue vers le lycée",
                                 body="Aujourd'hui la piste s'arrête au rond-point : c'est dangereux.")
    services.process_create(kind="interpellation", title="Interpellations citoyennes", actor=admin,
                            starts_on=_starts_on("interpellation", 1), publish=True,
                            summary="Au-delà de 500 soutiens, le conseil municipal étudie votre demande et répond.")
    services.process_create(kind="survey", title="Enquête : vos usages de la médiathèque", actor=admin,
                            starts_on=timezone.localdate() + dt.timedelta(days=5), publish=True,
                            summary="Dix minutes pour nous aider à adapter les horaires et les services.")
    services.process_create(kind="call_for_projects", title="Appel à projets associatifs 2027", actor=admin,
                            starts_on=timezone.localdate() + dt.timedelta(days=20),
                            summary="Des subventions pour les associations qui font vivre les quartiers.")
