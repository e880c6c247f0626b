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
