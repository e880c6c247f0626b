from django.db.models import OuterRef, Q, QuerySet, Subquery

from billing.models import ModuleLicence, UsageSnapshot
from shared_apps.audit.models import AuditEntry
from tenants.models import Collectivity
from tenants.selectors import collectivity_list


def console_collectivity_list(*, q: str = "", status: str = "", kind: str = "") -> QuerySet[Collectivity]:
    """The console's list: one query for the rows, their latest usage and their allowed modules."""
    latest_usage = UsageSnapshot.objects.filter(collectivity=OuterRef("pk")).order_by("-measured_at")
    qs = collectivity_list().annotate(usage_counters=Subquery(latest_usage.values("counters")[:1]))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(slug__icontains=q) | Q(insee_code=q) | Q(siren=q)
                       | Q(domains__domain__icontains=q)).distinct()
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    from django.db.models import Prefetch  # noqa: PLC0415

    return qs.prefetch_related(
        Prefetch("licences", queryset=ModuleLicence.objects.filter(is_allowed=True), to_attr="allowed_licences")
    ).order_by("name")


def audit_list(*, collectivity_slug: str = "", limit: int = 200) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    if collectivity_slug:
        qs = qs.filter(collectivity_slug=collectivity_slug)
    return qs[:limit]
