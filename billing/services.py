from django.db import transaction
from django_tenants.utils import schema_context

from billing.catalogue import MODULES
from billing.models import ModuleLicence, UsageSnapshot
from provisioning.registry import usage_counters


@transaction.atomic
def licence_set_allowed_modules(*, collectivity, modules: list[str]) -> list[ModuleLicence]:
    """The vendor's switch: allow exactly these modules (newly allowed ones start enabled)."""
    unknown = sorted(set(modules) - set(MODULES))
    if unknown:
        raise ValueError(f"unknown modules: {', '.join(unknown)}")
    licences = []
    for key in MODULES:
        licence, created = ModuleLicence.objects.get_or_create(
            collectivity=collectivity, module=key, defaults={"is_allowed": key in modules}
        )
        if not created and licence.is_allowed != (key in modules):
            licence.is_allowed = key in modules
            licence.save(update_fields=["is_allowed", "updated_at"])
        licences.append(licence)
    return licences


def licence_set_enabled(*, collectivity, module: str, enabled: bool) -> ModuleLicence:
    """The city's switch, among the modules its licence allows."""
    licence = ModuleLicence.objects.get(collectivity=collectivity, module=module)
    if enabled and not licence.is_allowed:
        raise PermissionError(f"module {module} is not allowed by the licence")
    licence.is_enabled = enabled
    licence.save(update_fields=["is_enabled", "updated_at"])
    return licence


def usage_measure(*, collectivity):
    """Run every registered usage counter in the collectivity's schema and keep a snapshot."""
    with schema_context(collectivity.schema_name):
        counters = {name: counter.count() for name, counter in usage_counters.items()}
    return UsageSnapshot.objects.create(collectivity=collectivity, counters=counters)
