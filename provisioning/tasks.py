from celery import shared_task

from provisioning.services import collectivity_delete, provisioning_run


@shared_task(name="provisioning.tasks.provisioning_run_task")
def provisioning_run_task(job_id: int) -> str:
    """Runs in the public schema: it creates the collectivity's schema."""
    return provisioning_run(job_id=job_id).status


@shared_task(name="provisioning.tasks.collectivities_delete_due")
def collectivities_delete_due() -> int:
    from django.utils import timezone  # noqa: PLC0415

    from tenants.models import Collectivity  # noqa: PLC0415

    due = Collectivity.objects.filter(deletion_due_at__lte=timezone.now(), status=Collectivity.Status.ARCHIVED)
    count = 0
    for collectivity in due:
        if collectivity.exports.exists():
            collectivity_delete(collectivity=collectivity)
            count += 1
    return count


@shared_task(name="provisioning.tasks.spare_schemas_refill")
def spare_schemas_refill() -> int:
    """Keep PARVIS_SPARE_SCHEMAS clones of the template ready (after a take, and after migrations)."""
    from django.conf import settings  # noqa: PLC0415

    from provisioning.template_schema import spare_fill  # noqa: PLC0415

    return spare_fill(settings.PARVIS_SPARE_SCHEMAS)


@shared_task(name="provisioning.tasks.collectivity_export_task")
def collectivity_export_task(collectivity_id: int, actor_id: int | None = None) -> str:
    """A full export can take minutes for a large collectivity: it never runs inside a request."""
    from provisioning.services import collectivity_export_create  # noqa: PLC0415
    from shared_apps.accounts.models import User  # noqa: PLC0415
    from tenants.models import Collectivity  # noqa: PLC0415

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return collectivity_export_create(collectivity=Collectivity.objects.get(pk=collectivity_id), actor=actor).path
