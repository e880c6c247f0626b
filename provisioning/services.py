"""Bringing a collectivity online. The control-plane issue extends this into the full workflow."""

from django.db import transaction

from tenants.models import Collectivity, Domain


def collectivity_create(
    *, slug: str, name: str, kind: str, population: int | None = None, insee_code: str = "",
    siren: str = "", contact_email: str = "", primary_colour: str = "#000091",
    status: str = Collectivity.Status.ACTIVE,
) -> Collectivity:
    """Create the collectivity, its schema (migrated) and its `<slug>.<root>` domain.

    Validation happens before anything is written; a failure while creating the schema leaves
    neither row nor schema behind (django-tenants drops what it created).
    """
    collectivity = Collectivity(
        slug=slug, schema_name=slug, name=name, kind=kind, population=population,
        insee_code=insee_code, siren=siren, contact_email=contact_email,
        primary_colour=primary_colour, status=Collectivity.Status.PROVISIONING,
    )
    collectivity.full_clean()
    collectivity.save(verbosity=0)
    with transaction.atomic():
        Domain.objects.create(domain=collectivity.host, tenant=collectivity, is_primary=True)
        collectivity.status = status
        collectivity.save(update_fields=["status", "updated_at"])
    return collectivity
