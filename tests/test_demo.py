"""`make run` seeds two demo collectivities with an account per role; seeding twice changes nothing."""

import pytest
from allauth.mfa.models import Authenticator
from django_tenants.utils import schema_context

from provisioning.demo import DEMO_PASSWORD, seed_demo
from provisioning.models import CollectivityTemplate
from shared_apps.accounts.models import User
from tenants.models import Collectivity

pytestmark = pytest.mark.django_db


def test_demo_seed_creates_two_cities_with_every_role_and_is_idempotent():
    logins = seed_demo()
    villeneuve = Collectivity.objects.get(slug="villeneuve")
    agglo = Collectivity.objects.get(slug="agglo-lac")
    assert villeneuve.kind == Collectivity.Kind.COMMUNE and 20_000 < villeneuve.population < 30_000
    assert agglo.kind == Collectivity.Kind.INTERCOMMUNALITE
    for city in (villeneuve, agglo):
        assert city.status == Collectivity.Status.ACTIVE
        with schema_context(city.schema_name):
            roles = set(User.objects.values_list("role", flat=True))
            assert roles == {choice.value for choice in User.Role}
            admin = User.objects.get(role=User.Role.CITY_ADMIN)
            assert admin.check_password(DEMO_PASSWORD)
            assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
            agent = User.objects.get(role=User.Role.AGENT)
            assert agent.departments.count() >= 1
    operator = User.objects.get(email="operateur@parvis.example")  # public schema
    assert operator.is_staff and Authenticator.objects.filter(user=operator).exists()
    assert {login["host"] for login in logins} == {"parvis.test", "villeneuve.parvis.test", "agglo-lac.parvis.test"}

    template = CollectivityTemplate.objects.get(name="Commune moyenne (démo)")
    assert template.source_slug == "villeneuve" and "budget" in template.modules and "pages" in template.parts

    _assert_full_budget_edition(villeneuve)

    counts = (Collectivity.objects.count(), User.objects.count(), CollectivityTemplate.objects.count())
    assert seed_demo() == logins
    assert (Collectivity.objects.count(), User.objects.count(), CollectivityTemplate.objects.count()) == counts


def _assert_full_budget_edition(city):
    """Issue 7: a full participatory budget edition, from ideas to projects being built."""
    from tenant_apps.budgets.models import Ballot, Channel, IdeaReview, PaperEntry, Project, Result, VoterMark
    from tenant_apps.participation.models import Process

    with schema_context(city.schema_name):
        process = Process.objects.get(title="Budget participatif 2026")
        edition = process.budget_edition
        assert process.contributions.count() >= 20  # ideas
        reviews = IdeaReview.objects.filter(idea__process=process)
        assert reviews.filter(admissibility="not_admissible").exclude(admissibility_reason="").exists()
        assert reviews.filter(feasibility="feasible").count() >= 15
        assert Project.objects.filter(edition=edition, ideas__isnull=False).distinct().count() >= 15
        assert any(p.ideas.count() == 2 for p in Project.objects.filter(edition=edition))  # merged ideas
        ballots = Ballot.objects.filter(budget__edition=edition)
        assert ballots.filter(channel=Channel.ONLINE).count() >= 1000
        assert ballots.filter(channel=Channel.PAPER).count() >= 1000
        assert not ballots.filter(mark__isnull=False).exists()  # sealed at the close
        assert PaperEntry.objects.filter(budget__edition=edition, state="confirmed").count() == \
            ballots.filter(channel=Channel.PAPER).count()
        assert VoterMark.objects.filter(edition=edition).count() == ballots.count()
        assert Result.objects.filter(budget__edition=edition, is_published=True).count() == edition.budgets.count()
        winners = Project.objects.filter(edition=edition, state=Project.State.WINNER)
        assert winners.count() >= 5
        assert winners.filter(realisation="delivered").exists() and winners.filter(realisation="works").exists()
        assert winners.filter(news__isnull=False).exists() and winners.filter(milestones__isnull=False).exists()
