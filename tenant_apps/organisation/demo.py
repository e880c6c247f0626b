from shared_apps.accounts.models import User
from tenant_apps.organisation.models import Department
from tenant_apps.organisation.services import department_create


def seed_departments(*, collectivity, accounts) -> None:
    """Two departments for the demo, the demo agent a member of both."""
    agent = accounts.get(User.Role.AGENT)
    for name in ("Voirie et propreté", "Espaces verts"):
        if not Department.objects.filter(name=name).exists():
            department_create(name=name, email=f"{name.split()[0].lower()}@{collectivity.slug}.example",
                              agents=[agent] if agent else [])
