"""Demo life on the participation pages: votes, arguments, comments, follows and a flag to moderate."""

from shared_apps.accounts.models import User
from tenant_apps.discussion.services import argument_post, comment_post
from tenant_apps.moderation.services import flag_create
from tenant_apps.notifications.services import follow_start
from tenant_apps.participation.models import Contribution, Process
from tenant_apps.votes.models import Vote
from tenant_apps.votes.services import vote_cast


def seed_interactions(*, collectivity, accounts) -> None:
    """Idempotent: does nothing once there are votes."""
    if Vote.objects.exists() or not Process.objects.exists():
        return
    citizens = list(User.objects.filter(role=User.Role.CITIZEN, is_active=True).order_by("id"))
    if not citizens:
        return
    budget = Process.objects.filter(kind="budget").first()
    box = Process.objects.filter(kind="ideas").first()
    reports = Process.objects.filter(kind="reports").first()
    for process in (budget, box, reports):
        if process is None:
            continue
        for index, item in enumerate(Contribution.objects.filter(process=process).order_by("id")):
            # A different number of voters per contribution, so that the sorts mean something.
            for position, citizen in enumerate(citizens[: max(1, len(citizens) - index)]):
                value = -1 if process.kind == "ideas" and (index + position) % 4 == 3 else 1
                vote_cast(contribution=item, voter=citizen, value=value)
    if box is not None:
        idea = Contribution.objects.filter(process=box).order_by("id").first()
        argument_post(contribution=idea, author=citizens[0], side="for",
                      body="Le samedi, les familles profiteraient enfin du centre sans voitures.")
        argument_post(contribution=idea, author=citizens[-1], side="against",
                      body="Les livraisons des commerçants doivent rester possibles le matin.")
        comment = comment_post(contribution=idea, author=citizens[1 % len(citizens)],
                               body="Et pourquoi pas un essai pendant l'été ?")
        comment_post(contribution=idea, author=citizens[0], parent=comment,
                     body="Bonne idée, un test de deux mois permettrait de mesurer la fréquentation.")
        agent = accounts.get(User.Role.AGENT)
        if agent is not None:
            comment_post(contribution=idea, author=agent, is_official=True,
                         body="Le service commerce rencontrera les commerçants de la rue en janvier.")
        noisy = comment_post(contribution=idea, author=citizens[-1], body="Ce projet est ridicule, comme vous tous.")
        flag_create(target=noisy, reporter=citizens[0], reason="abuse", details="Propos insultants.")
    for process in (budget, box):
        if process is not None:
            follow_start(user=citizens[0], process=process)
    _seed_staff_side(accounts=accounts, citizens=citizens, budget=budget)


def _seed_staff_side(*, accounts, citizens, budget) -> None:
    """What the back-office shows in the demo: a welcome text, profiles for statistics, review work."""
    from django.db.models import Q

    from tenant_apps.participation.models import District
    from tenant_apps.portal.services import site_settings_update
    from tenant_apps.review.services import contribution_assign, internal_note_add
    from tenant_apps.statistics.services import profile_update

    admin = accounts.get(User.Role.CITY_ADMIN)
    agent = accounts.get(User.Role.AGENT)
    if admin is not None:
        site_settings_update(
            actor=admin,
            home_intro_fr="Bienvenue sur la plateforme de participation de la ville. Proposez, débattez, votez : "
                          "vos idées comptent.",
            home_intro_en="Welcome to the town's participation platform. Propose, debate, vote: your ideas count.",
            home_blocks=["intro", "open_processes", "upcoming_processes", "latest_activity"],
            menu=[{"label_fr": "Budget participatif", "label_en": "Participatory budget",
                   "url": "/participer/budget-participatif-2027/"}],
        )
    districts = list(District.objects.order_by("position"))
    ages = ["under_18", "18_29", "30_44", "45_59", "60_74", "75_plus"]
    for index, citizen in enumerate(citizens):
        profile_update(user=citizen, age_range=ages[index % len(ages)],
                       district=districts[index % len(districts)] if districts else None, consent=True)
    _seed_identity(admin=admin, agent=agent, citizens=citizens, districts=districts, budget=budget)
    if agent is not None and budget is not None:
        item = Contribution.objects.filter(Q(process=budget), ~Q(status__key="admissible")).order_by("id").first()
        if item is not None:
            contribution_assign(contribution=item, actor=agent, agent=agent)
            internal_note_add(contribution=item, actor=agent,
                              body="Vérifier avec la voirie si l'emplacement est bien sur le domaine public.")


def _seed_identity(*, admin, agent, citizens, districts, budget) -> None:
    """Residents who declared where they live, one identity checked at the desk, and who may take part where."""
    import datetime as dt

    from tenant_apps.identity.assurance import desk_verify, residence_declare
    from tenant_apps.identity.eligibility import RuleSpec, eligibility_rules_set

    for index, citizen in enumerate(citizens):
        residence_declare(user=citizen, in_collectivity=True,
                          district=districts[index % len(districts)] if districts else None)
    if agent is not None and citizens:
        desk_verify(person=citizens[0], agent=agent, identity=True, residence=True,
                    district=districts[0] if districts else None, birth_date=dt.date(1988, 5, 14))
    if admin is None:
        return
    if budget is not None:
        # Residents with a verified e-mail, as most French participatory budgets (an age limit would need
        # verified ages: the demo keeps it out).
        eligibility_rules_set(process=budget, actor=admin, rules={None: RuleSpec(
            requirement="email_verified", residence="collectivity")})
    petitions = Process.objects.filter(kind="interpellation").first()
    if petitions is not None:
        eligibility_rules_set(process=petitions, actor=admin, rules={None: RuleSpec(
            requirement="identity_verified", residence="collectivity")})
