from django.db.models import Count, Q

from tenant_apps.participation.models import Contribution, Process


def backoffice_overview(*, user) -> dict:
    """Key figures for the back-office's first page (3 queries)."""
    processes = Process.objects.aggregate(
        drafts=Count("id", filter=Q(visibility=Process.Visibility.DRAFT)),
        published=Count("id", filter=Q(visibility=Process.Visibility.PUBLISHED)),
    )
    pending = Contribution.objects.filter(merged_into__isnull=True).exclude(status__is_final=True)
    return {
        "processes": processes,
        "pending_count": pending.count(),
        "mine_count": pending.filter(Q(assigned_to=user) | Q(assigned_department__members=user)).distinct().count(),
    }
