"""Factories that walk the real write path (services), in the schema of the current connection."""

import factory

from shared_apps.accounts.models import User
from shared_apps.accounts.services import account_create

PASSWORD = "un-mot-de-passe-solide-2026"


class UserFactory(factory.Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    full_name = factory.Faker("name", locale="fr_FR")
    role = User.Role.CITIZEN
    password = PASSWORD
    email_verified = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return account_create(**kwargs)
