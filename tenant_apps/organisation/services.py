from django.db import transaction

from shared_apps.accounts.models import User
from tenant_apps.organisation.models import Department


@transaction.atomic
def department_create(*, name: str, email: str = "", agents: list[User] | None = None) -> Department:
    """Create a department and make the given accounts its agents."""
    department = Department.objects.create(name=name, email=email)
    for agent in agents or []:
        if agent.role == User.Role.CITIZEN:
            agent.role = User.Role.AGENT
            agent.save(update_fields=["role", "updated_at"])
        department.members.add(agent)
    return department


DEFAULT_DEPARTMENTS = ["Voirie", "Propreté", "Espaces verts", "Éclairage public", "Démocratie participative"]


def departments_seed_defaults(*, collectivity) -> None:
    """The departments most cities route reports and reviews to; the city renames or removes them."""
    for name in DEFAULT_DEPARTMENTS:
        Department.objects.get_or_create(name=name)


def departments_export() -> list[dict]:
    """For collectivity templates: names and shared e-mails, never the agents."""
    return list(Department.objects.values("name", "email"))


def departments_apply(data: list[dict]) -> None:
    for row in data:
        Department.objects.update_or_create(name=row["name"], defaults={"email": row.get("email", "")})
