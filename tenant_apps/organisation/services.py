from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
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


def _admin_check(actor) -> None:
    if not (actor is not None and actor.is_authenticated and actor.is_active and actor.role == User.Role.CITY_ADMIN):
        raise NotAllowed("admin_only", _("Only the city's administrators can do this."))


@transaction.atomic
def department_save(*, actor, name: str, email: str = "", agents=(), department: Department | None = None
                    ) -> Department:
    """Create (department=None) or change a department: its name, shared e-mail and exactly these agents."""
    _admin_check(actor)
    name = (name or "").strip()
    if not name:
        raise Invalid("department_name", _("Give the department a name."))
    same_name = Department.objects.filter(name__iexact=name)
    if department is not None:
        same_name = same_name.exclude(pk=department.pk)
    if same_name.exists():
        raise Invalid("department_name_taken", _("A department already has this name."))
    agents = list(agents)
    if any(agent.role not in (User.Role.AGENT, User.Role.CITY_ADMIN) for agent in agents):
        raise Invalid("department_agents", _("Only agents and administrators can belong to a department."))
    created = department is None
    if created:
        department = Department.objects.create(name=name, email=email)
        before = set()
    else:
        department = Department.objects.select_for_update().get(pk=department.pk)
        before = set(department.members.values_list("pk", flat=True))
        department.name, department.email = name, email
        department.save(update_fields=["name", "email", "updated_at"])
    department.members.set(agents)
    after = {agent.pk for agent in agents}
    city_audit_record(actor=actor, action="department.create" if created else "department.update",
                      target=department, name=name, email=email,
                      added=sorted(after - before), removed=sorted(before - after))
    return department
