"""Demo: a full participatory budget edition in Villeneuve (2026), from ideas to projects being built.

Ideas are submitted, reviewed (admissibility checklist, feasibility), merged into projects, put on the
ballots of a city-wide envelope and four district envelopes; a few thousand ballots are cast online and
on paper (typed in twice), the results are counted and published, and the winners are followed. The
phases are moved through time the way staff would edit their dates. The few hundred ballots of the
crowd are written in bulk (the services are shown working on a handful of them); everything else goes
through the services. The 2027 edition, collecting ideas, gets its envelopes and rules.
"""

import datetime as dt
import io
import random

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.budgets.common import edition_ensure, identity_key
from tenant_apps.budgets.models import (
    Ballot,
    BallotKind,
    Channel,
    CountingRule,
    Edition,
    PaperEntry,
    Project,
    VoterMark,
)
from tenant_apps.budgets.services import editions, projects, realisation, results, voting
from tenant_apps.participation import services as kernel
from tenant_apps.participation.models import District, Phase, Process, Theme

TITLE = "Budget participatif 2026"
ONLINE_VOTERS = 1_500
PAPER_VOTERS = 700
AGE_RANGES = ["under_18", "18_29", "30_44", "45_59", "60_74", "75_plus"]
AGE_WEIGHTS = [8, 22, 27, 21, 15, 7]
GIVEN = ["Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Sarah", "Nora", "Lucas", "Hugo",
         "Louis", "Gabriel", "Arthur", "Adam", "Nathan", "Yanis", "Paul", "Karim", "Mamadou", "Thi", "Ana", "Rose"]
FAMILY = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
          "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
          "Nguyen", "Benali", "Diallo", "Da Silva", "Haddad", "Rossi"]
RULES_TEXT = (
    "<p>Le budget participatif 2026 consacre <strong>1 080 000 €</strong> à des projets d'investissement proposés "
    "et choisis par les habitantes et les habitants de Villeneuve, dès 11 ans.</p>"
    "<p>Chaque personne vote une fois pour les projets de toute la ville et une fois pour les projets d'un "
    "quartier de son choix, en ligne ou dans un bureau de vote. On peut changer son vote en ligne jusqu'à la "
    "clôture.</p><p>Les projets lauréats sont réalisés dans les deux ans ; leur avancement est publié ici.</p>")
CRITERIA = [
    ("Intérêt général", "Le projet profite à tous, sans but lucratif."),
    ("Dépense d'investissement", "Un équipement ou un aménagement, pas des frais de fonctionnement."),
    ("Compétence de la ville", "Le projet relève de ce que la commune peut faire."),
    ("Sur l'espace public ou un bâtiment de la ville", "Le terrain ou le bâtiment appartient à la commune."),
]
# (title, text, district index or None for the whole city, estimated cost, feasible?)
IDEAS = [
    ("Des pistes cyclables continues vers les lycées", "Relier les trois lycées au centre sans couper la piste.",
     None, 260_000, True),
    ("Une forêt urbaine sur l'ancien parking Victor-Hugo", "Planter 400 arbres et créer des allées ombragées.",
     None, 180_000, True),
    ("Des fontaines à eau dans toute la ville", "Dix fontaines pour les jours de canicule.", None, 90_000, True),
    ("Des points d'eau potable dans les parcs", "Pouvoir remplir sa gourde en se promenant.", None, 40_000, True),
    ("Des toilettes publiques accessibles", "Quatre sanitaires accessibles aux fauteuils, ouverts 24 h sur 24.",
     None, 140_000, True),
    ("Un skatepark pour les jeunes", "Un espace de glisse à côté du gymnase.", None, 220_000, True),
    ("Une ludothèque itinérante", "Un triporteur de jeux qui passe dans les parcs l'été.", None, 45_000, True),
    ("Des bancs et des ombrières sur les trajets des aînés", "Pouvoir s'asseoir tous les 200 mètres.",
     None, 75_000, True),
    ("Un tiers-lieu de réparation", "Un atelier vélo et petit électroménager avec des bénévoles.",
     None, 120_000, True),
    ("Un festival de musique gratuit", "Trois jours de concerts chaque été.", None, 60_000, False),
    ("Rénover la piscine municipale", "La piscine a besoin d'un nouveau toit.", None, 2_400_000, False),
    ("Un jardin partagé au pied des immeubles", "Des bacs potagers et un composteur collectif.", 0, 35_000, True),
    ("Végétaliser la place de la Mairie", "Remplacer le bitume par des massifs et des arbres.", 0, 85_000, True),
    ("Des arceaux vélos couverts au centre", "Quarante places abritées près des commerces.", 0, 30_000, True),
    ("Une boîte à livres au marché", "Échanger des livres librement.", 0, 4_000, True),
    ("Éclairage solaire du chemin des Coteaux", "Des bornes solaires le long du chemin.", 1, 60_000, True),
    ("Une aire de pique-nique aux Coteaux", "Des tables et un point d'eau près du belvédère.", 1, 25_000, True),
    ("Un terrain multisport aux Coteaux", "Un city-stade pour le foot et le basket.", 1, 95_000, True),
    ("Un parking payant aux Coteaux", "Faire payer le stationnement pour financer la voirie.", 1, 0, None),
    ("Sécuriser la traversée devant l'école de la Gare", "Un plateau surélevé et un éclairage renforcé.",
     2, 70_000, True),
    ("Des arceaux vélos devant la gare", "Trente places abritées.", 2, 40_000, True),
    ("Une fresque participative sous le pont", "Avec les élèves du collège.", 2, 15_000, True),
    ("Un abri pour les voyageurs de la gare routière", "Les voyageurs attendent sous la pluie.", 2, 55_000, False),
    ("Une aire de jeux inclusive au Port", "Des jeux accessibles aux enfants en fauteuil.", 3, 90_000, True),
    ("Un ponton de pêche accessible", "Pour pêcher en fauteuil au bord du lac.", 3, 48_000, True),
    ("Des nichoirs et un hôtel à insectes", "Avec le centre social du Port.", 3, 6_000, True),
    ("Des jeux d'eau pour l'été au Port", "Des brumisateurs et des jets au sol.", 3, 70_000, True),
]
# Ideas merged into one project (the second into the first), both authors credited.
MERGED = {"Des fontaines à eau dans toute la ville": ("Des points d'eau potable dans les parcs",
                                                       "Des fontaines et des points d'eau dans toute la ville")}


def _phases_move(process: Process, type_key: str, *, days_ago: float = 1) -> None:
    """Move the process's dates so that its phase `type_key` started `days_ago` days ago (staff edit dates)."""
    phases = list(process.phases.order_by("position"))
    target = next(p for p in phases if p.type_key == type_key)
    delta = (timezone.now() - dt.timedelta(days=days_ago)) - target.starts_at
    for phase in phases:
        Phase.objects.filter(pk=phase.pk).update(starts_at=phase.starts_at + delta, ends_at=phase.ends_at + delta)


def _photo(colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 540), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, 960, 60):
        draw.rectangle([i, 380 - (i % 180), i + 40, 540], fill=(min(255, colour[0] + 60), colour[1], colour[2]))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _weighted_pick(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    chosen, pool, w = [], list(items), list(weights)
    for _ in range(min(k, len(pool))):
        i = rng.choices(range(len(pool)), weights=w)[0]
        chosen.append(pool.pop(i))
        w.pop(i)
    return chosen


def _approval_choices(rng, projects_, popularity) -> dict:
    k = rng.choices([1, 2, 3, 4, 5], weights=[10, 18, 30, 22, 20])[0]
    return {str(p.pk): 1 for p in _weighted_pick(rng, projects_, popularity, k)}


def _basket_choices(rng, projects_, popularity, envelope) -> dict:
    order = _weighted_pick(rng, projects_, popularity, len(projects_))
    basket, total = {}, 0
    for project in order:
        if total + project.cost <= envelope and (not basket or rng.random() < 0.8):
            basket[str(project.pk)] = 1
            total += project.cost
    return basket


def seed_budgets(*, collectivity, accounts) -> None:
    """Idempotent: does nothing once the 2026 edition exists, or in a city without the demo's districts."""
    if Process.objects.filter(title=TITLE).exists() or collectivity.slug != "villeneuve":
        return
    districts = list(District.objects.order_by("position")[:4])
    if len(districts) < 4:
        return
    admin = accounts[User.Role.CITY_ADMIN]
    agent = accounts.get(User.Role.AGENT) or admin
    rng = random.Random(2026)  # noqa: S311 (reproducible demo data, nothing secret)
    _seed_upcoming_edition(admin)

    # 1. Structuring (the edition opened its call for ideas a week ago).
    process = kernel.process_create(
        kind="budget", title=TITLE, actor=admin, starts_on=timezone.localdate(), publish=True,
        summary="1 080 000 € pour des projets proposés et choisis par les habitants : les lauréats sont en "
                "cours de réalisation.",
        description="<p>La deuxième édition du budget participatif de Villeneuve : 26 idées, 20 projets au vote, "
                    "plus de 2 000 votants en ligne et dans trois bureaux de vote.</p>",
        themes=list(Theme.objects.all()[:3]), districts=districts)
    _phases_move(process, "submission", days_ago=7)
    edition = edition_ensure(process)
    editions.edition_update(edition=edition, actor=admin, voting_scope=Edition.VotingScope.ONE_DISTRICT,
                            rules_text=RULES_TEXT, show_turnout_publicly=True)
    for label, help_text in CRITERIA:
        editions.criterion_save(edition=edition, actor=admin, label=label, help_text=help_text)
    city_wide = editions.budget_create(
        edition=edition, actor=admin, name="Toute la ville", amount=600_000, ballot_kind=BallotKind.APPROVAL,
        min_choices=1, max_choices=5, counting_rule=CountingRule.MES_ADD1)
    district_budgets = [editions.budget_create(
        edition=edition, actor=admin, name=f"Quartier {d.name}", district=d, amount=120_000,
        ballot_kind=BallotKind.KNAPSACK, min_choices=1, max_choices=0, counting_rule=CountingRule.GREEDY)
        for d in districts]

    # 2. Call for ideas: citizens submit ideas; a few supports.
    authors = list(User.objects.filter(role=User.Role.CITIZEN, is_active=True).order_by("id")[:8])
    ideas = []
    for i, (title, body, district, _cost, _feasible) in enumerate(IDEAS):
        ideas.append(kernel.contribution_create(
            process=process, author=authors[i % len(authors)], title=title, body=f"<p>{body}</p>",
            district=districts[district] if district is not None else None))
    try:
        from tenant_apps.votes.services import vote_cast

        for i, idea in enumerate(ideas[:12]):
            for supporter in authors[: 1 + i % len(authors)]:
                if supporter.pk != idea.author_id:
                    vote_cast(contribution=idea, voter=supporter, value=1)
    except ImportError:  # the votes app is not installed
        pass

    # 3. Review: checklist, reasoned answers, feasibility by the departments, merging, ballot.
    _phases_move(process, "review", days_ago=20)
    from tenant_apps.organisation.models import Department

    department = Department.objects.order_by("id").first()
    criteria = list(edition.criteria.all())
    for idea, (_title, _body, _district, cost, feasible) in zip(ideas, IDEAS, strict=True):
        if feasible is None:
            checklist = {str(c.pk): c.position != 0 for c in criteria}
            projects.idea_admissibility_decide(
                idea=idea, actor=agent, checklist=checklist, admissible=False,
                reason="Cette idée ne relève pas de l'intérêt général au sens du règlement : un stationnement "
                       "payant est une recette, pas un investissement. Merci pour votre proposition.")
            continue
        if cost > 1_000_000:
            projects.idea_admissibility_decide(
                idea=idea, actor=agent, checklist={str(c.pk): c.position != 1 for c in criteria}, admissible=False,
                reason="Le coût dépasse l'enveloppe du budget participatif ; la rénovation de la piscine est "
                       "inscrite au plan pluriannuel d'investissement.")
            continue
        projects.idea_admissibility_decide(idea=idea, actor=agent, checklist={str(c.pk): True for c in criteria},
                                           admissible=True)
        if feasible:
            projects.idea_feasibility_decide(
                idea=idea, actor=agent, feasible=True, estimated_cost=cost, delay_months=6 + cost // 40_000,
                department=department, technical_opinion="Faisable sur le domaine public ; étude de sol prévue.")
        else:
            projects.idea_feasibility_decide(
                idea=idea, actor=agent, feasible=False, department=department,
                technical_opinion="Les contraintes du site (réseaux enterrés, accès des secours) ne permettent pas "
                                  "de réaliser ce projet dans le cadre du budget participatif.")
    by_title = {idea.title: idea for idea in ideas}
    made = []
    absorbed = {second for second, _title in MERGED.values()}
    costs = {title: cost for title, _body, _district, cost, _feasible in IDEAS}
    for idea, (title, body, district, cost, feasible) in zip(ideas, IDEAS, strict=True):
        if not feasible or title in absorbed:
            continue
        group = [idea]
        if title in MERGED:
            second, title = MERGED[title]
            group.append(by_title[second])
            cost += costs[second]
        budget = city_wide if district is None else district_budgets[district]
        extra = {"district": districts[district]} if district is not None else {}
        project = projects.project_from_ideas(edition=edition, actor=agent, ideas=group, title=title, cost=cost,
                                              budget=budget, summary=body, body=f"<p>{body}</p>", **extra)
        made.append(projects.project_ballot_set(project=project, actor=agent, on_ballot=True))
    projects.campaign_update(project=made[0], actor=made[0].holders.first(),
                             text="<p>Venez rouler avec nous samedi matin, départ devant la mairie !</p>")
    for budget in [city_wide, *district_budgets]:
        editions.drawn_order_draw(budget=budget, actor=admin)

    # 4. Campaign and vote: polling places, a few ballots through the services, the crowd in bulk.
    _phases_move(process, "budget_vote", days_ago=18)
    places = [voting.polling_place_save(edition=edition, actor=admin, name=name, address=address,
                                        opening_hours=hours, district=districts[d])
              for name, address, hours, d in [
                  ("Hôtel de ville", "1 place de la Mairie", "Du lundi au samedi, 9 h – 18 h", 0),
                  ("Médiathèque des Coteaux", "12 rue des Vignes", "Mardi, mercredi et samedi, 10 h – 18 h", 1),
                  ("Marché du Port", "Quai du Lac", "Samedi, 8 h – 13 h", 3)]]
    on_ballot = {b.pk: list(Project.objects.filter(budget=b, state=Project.State.ON_BALLOT).order_by("number"))
                 for b in [city_wide, *district_budgets]}
    popularity = {pk: [rng.uniform(0.3, 3.0) for _ in ps] for pk, ps in on_ballot.items()}
    for n, citizen in enumerate(authors[:6]):
        voting.ballot_submit(budget=city_wide, voter=citizen,
                             choices=_approval_choices(rng, on_ballot[city_wide.pk], popularity[city_wide.pk]))
        district_budget = district_budgets[n % 4]
        voting.ballot_submit(budget=district_budget, voter=citizen, choices=_basket_choices(
            rng, on_ballot[district_budget.pk], popularity[district_budget.pk], district_budget.amount))
    # A paper voter marked at the town hall, then their two ballots typed in twice.
    voting.voter_mark_paper(budget=city_wide, polling_place=places[0], actor=agent, given_name="Marcelle",
                            family_name="Durand", birth_date="1948-03-02")
    first = {str(on_ballot[city_wide.pk][0].pk): 1, str(on_ballot[city_wide.pk][2].pk): 1}
    voting.paper_entry_record(budget=city_wide, polling_place=places[0], sheet=1, choices=first, actor=agent)
    voting.paper_entry_record(budget=city_wide, polling_place=places[0], sheet=1, choices=first, actor=admin)
    _crowd(edition, city_wide, district_budgets, on_ballot, popularity, places, agent, admin, rng)

    # 5. Results: the vote closed last month; counted and published; winners followed.
    _phases_move(process, "follow_up", days_ago=40)
    for budget in [city_wide, *district_budgets]:
        result = results.result_compute(budget=budget, actor=admin)
        results.result_publish(result=result, actor=admin)
    winners = list(Project.objects.filter(edition=edition, state=Project.State.WINNER).order_by("budget_id", "id"))
    today = timezone.localdate()
    for i, project in enumerate(winners):
        stage = i % 3
        if stage == 0:
            realisation.project_realisation_update(project=project, actor=agent, realisation="delivered",
                                                   spent=int(project.cost * 0.96))
        elif stage == 1:
            realisation.project_realisation_update(project=project, actor=agent, realisation="works",
                                                   progress=60, spent=int(project.cost * 0.5))
        else:
            realisation.project_realisation_update(project=project, actor=agent, realisation="studies",
                                                   progress=15, spent=int(project.cost * 0.05))
        for j, (label, offset) in enumerate([("Étude et plans", -30), ("Consultation des entreprises", -10),
                                             ("Travaux", 30), ("Inauguration", 90)]):
            milestone = realisation.milestone_save(project=project, actor=agent, title=label,
                                                   due_on=today + dt.timedelta(days=offset + 20 * stage))
            if j <= stage:
                realisation.milestone_reach(milestone=milestone, actor=agent, done_on=milestone.due_on)
        if stage != 2:
            realisation.project_news_publish(
                project=project, actor=agent, title="Les travaux avancent" if stage == 1 else "C'est inauguré !",
                body="<p>Merci à toutes celles et ceux qui ont porté et voté ce projet.</p>",
                photo=_photo((40 + 30 * i % 200, 110, 90), "chantier.jpg"),
                photo_alt="Vue du chantier depuis la rue : les nouveaux aménagements se dessinent.")
    editions.edition_update(edition=edition, actor=admin, satisfaction_open=True)
    for n, citizen in enumerate(authors[:6]):
        realisation.satisfaction_answer(edition=edition, respondent=citizen, score=[5, 4, 4, 3, 5, 2][n],
                                        would_take_part_again=n != 5,
                                        comment="Le vote au marché était pratique." if n == 0 else "")


def _crowd(edition, city_wide, district_budgets, on_ballot, popularity, places, agent, admin, rng) -> None:
    """Thousands of ballots, written in bulk as the services would (marks, ballots, double paper entries)."""
    password = make_password(None)
    now = timezone.now()
    with transaction.atomic():
        voters = User.objects.bulk_create([
            User(email=f"votant{n}@villeneuve.example", full_name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                 password=password, role=User.Role.CITIZEN, terms_accepted_at=now) for n in range(ONLINE_VOTERS)])
        marks, ballots = [], []
        for voter in voters:
            age = rng.choices(AGE_RANGES, weights=AGE_WEIGHTS)[0] if rng.random() < 0.7 else ""
            district_budget = rng.choices(district_budgets, weights=[35, 25, 22, 18])[0]
            for budget, slot, choices in [
                (city_wide, str(city_wide.pk),
                 _approval_choices(rng, on_ballot[city_wide.pk], popularity[city_wide.pk])),
                (district_budget, "district", _basket_choices(rng, on_ballot[district_budget.pk],
                                                              popularity[district_budget.pk], district_budget.amount)),
            ]:
                if budget is not city_wide and rng.random() < 0.15:
                    continue  # some vote only city-wide
                mark = VoterMark(edition=edition, budget=budget, slot=slot, account=voter, channel=Channel.ONLINE,
                                 age_range=age)
                marks.append(mark)
                ballots.append((mark, budget, choices))
        VoterMark.objects.bulk_create(marks, batch_size=2000)
        Ballot.objects.bulk_create([Ballot(budget=b, mark=m, channel=Channel.ONLINE, choices=c)
                                    for m, b, c in ballots], batch_size=2000)
        # Paper: people marked at a polling place, their sheets typed in twice by two staff members.
        paper_marks, entries, paper_ballots = [], [], []
        sheets = {}
        for n in range(PAPER_VOTERS):
            place = rng.choices(places, weights=[45, 25, 30])[0]
            born = f"{rng.randint(1940, 2012)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            key = identity_key(given_name=rng.choice(GIVEN), family_name=f"{rng.choice(FAMILY)}-{n}", birth_date=born)
            age = rng.choices(AGE_RANGES, weights=[12, 12, 20, 22, 22, 12])[0]
            district_budget = district_budgets[places.index(place) if places.index(place) < 2 else 3]
            for budget, slot, choices in [
                (city_wide, str(city_wide.pk),
                 _approval_choices(rng, on_ballot[city_wide.pk], popularity[city_wide.pk])),
                (district_budget, "district", _basket_choices(rng, on_ballot[district_budget.pk],
                                                              popularity[district_budget.pk], district_budget.amount)),
            ]:
                paper_marks.append(VoterMark(edition=edition, budget=budget, slot=slot, identity_key=key,
                                             channel=Channel.PAPER, polling_place=place, marked_by=agent,
                                             age_range=age))
                key_sheet = (budget.pk, place.pk)
                # Sheet 1 of the town hall's city-wide box was typed in through the services above.
                sheets[key_sheet] = sheets.get(key_sheet, 1 if key_sheet == (city_wide.pk, places[0].pk) else 0) + 1
                sheet = sheets[key_sheet]
                ballot = Ballot(budget=budget, channel=Channel.PAPER, polling_place=place, choices=choices)
                paper_ballots.append(ballot)
                entries.append(PaperEntry(budget=budget, polling_place=place, sheet=sheet, first_choices=choices,
                                          first_by=agent, second_choices=choices, second_by=admin, second_at=now,
                                          state=PaperEntry.State.CONFIRMED))
        VoterMark.objects.bulk_create(paper_marks, batch_size=2000)
        Ballot.objects.bulk_create(paper_ballots, batch_size=2000)
        for entry, ballot in zip(entries, paper_ballots, strict=True):
            entry.ballot = ballot
        PaperEntry.objects.bulk_create(entries, batch_size=2000)
        # Spread the marks over the three weeks of the vote (turnout per day).
        vote = edition.process.phases.get(type_key="budget_vote")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE budgets_votermark SET created_at = %s + random() * (%s - %s) WHERE edition_id = %s",
                           [vote.starts_at, vote.ends_at, vote.starts_at, edition.pk])


def _seed_upcoming_edition(admin) -> None:
    """The 2027 edition (collecting ideas, made by the kernel's demo) gets its envelopes, checklist and rules."""
    process = Process.objects.filter(kind="budget", title="Budget participatif 2027").first()
    if process is None:
        return
    edition = edition_ensure(process)
    if edition.budgets.exists():
        return
    editions.edition_update(edition=edition, actor=admin, rules_text=RULES_TEXT.replace("2026", "2027").replace(
        "1 080 000 €", "500 000 €"))
    for label, help_text in CRITERIA:
        editions.criterion_save(edition=edition, actor=admin, label=label, help_text=help_text)
    editions.budget_create(edition=edition, actor=admin, name="Toute la ville", amount=300_000,
                           ballot_kind=BallotKind.APPROVAL, min_choices=1, max_choices=5,
                           counting_rule=CountingRule.MES_ADD1)
    for district in District.objects.order_by("position")[:4]:
        editions.budget_create(edition=edition, actor=admin, name=f"Quartier {district.name}", district=district,
                               amount=50_000, ballot_kind=BallotKind.KNAPSACK, max_choices=0,
                               counting_rule=CountingRule.GREEDY)

