"""The one check every module uses to know whether it is available on a collectivity."""

from billing.models import ModuleLicence
from tenants.selectors import collectivity_current


def module_is_available(module: str, *, collectivity=None) -> bool:
    """Allowed by the vendor's licence AND enabled by the city. Defaults to the current collectivity."""
    collectivity = collectivity or collectivity_current()
    if collectivity is None:
        return False
    return ModuleLicence.objects.filter(
        collectivity_id=collectivity.pk, module=module, is_allowed=True, is_enabled=True
    ).exists()


def modules_available(*, collectivity) -> list[str]:
    return list(
        ModuleLicence.objects.filter(collectivity=collectivity, is_allowed=True, is_enabled=True)
        .values_list("module", flat=True)
    )
