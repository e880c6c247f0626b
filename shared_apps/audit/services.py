from django.conf import settings
from django.db import connection

from shared_apps.audit.models import AuditEntry

SYSTEM = "system"


def audit_record(*, actor, action: str, collectivity_slug: str = "", **data) -> AuditEntry:
    """Write one control-plane audit row. `actor` is an operator account, or None for the system."""
    if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
        raise RuntimeError("the control-plane audit log is written from the public schema")
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.email if is_person else SYSTEM,
        action=action,
        collectivity_slug=collectivity_slug,
        data=data,
    )


def city_audit_record(*, actor, action: str, target=None, **data) -> AuditEntry:
    """Write one row of the current collectivity's own audit log (what its staff and the platform did)."""
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        raise RuntimeError("a collectivity's audit log is written in its own schema")
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    if target is not None:
        data = {"target": f"{target._meta.label_lower}:{target.pk}", **data}
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.email if is_person else SYSTEM,
        action=action,
        data=data,
    )
