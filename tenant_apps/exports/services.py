"""Writes of the exports app: every staff export is recorded in the city's audit log (it takes personal
data away from the platform)."""

from django.db import transaction

from shared_apps.audit.services import city_audit_record
from tenant_apps.exports.columns import Personal


@transaction.atomic
def export_record(*, actor, what: str, file_format: str, personal: Personal, process=None) -> None:
    """Record in the city's audit log that `actor` exported `what` (of `process`) as `file_format`."""
    city_audit_record(actor=actor, action=f"export.{what}", target=process, format=file_format,
                      personal_data=personal.value)
