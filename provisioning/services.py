"""Bringing a collectivity online and running it: every write of the control plane on collectivities."""

import shutil
import time
from datetime import timedelta

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.catalogue import MODULES
from billing.models import ModuleLicence
from billing.selectors import modules_available
from billing.services import licence_set_allowed_modules
from provisioning import backup
from provisioning.models import CollectivityExport, CollectivityTemplate, ProvisioningJob
from provisioning.registry import template_parts
from provisioning.steps import STEPS
from shared_apps.audit.models import AuditEntry
from shared_apps.audit.services import audit_record
from tenants.models import Collectivity, Domain

log = structlog.get_logger(__name__)

EDITABLE_FIELDS = ("name", "kind", "population", "insee_code", "siren", "contact_email", "primary_colour",
                   "locale", "timezone")


def _public() -> None:
    connection.set_schema_to_public()


def collectivity_provision(
    *, slug: str, name: str, kind: str, admin_email: str = "", admin_name: str = "",
    modules: list[str] | None = None, template: CollectivityTemplate | None = None, actor=None,
    run_now: bool = False, **fields,
) -> ProvisioningJob:
    """Validate, record the collectivity (status "provisioning") and its job, then run the job.

    Bad input raises ValidationError and writes nothing. With run_now the steps run in this process
    (command line, tests); otherwise a Celery task runs them after the commit.
    """
    with transaction.atomic():
        job = _provision_record(slug=slug, name=name, kind=kind, admin_email=admin_email, admin_name=admin_name,
                                modules=modules, template=template, actor=actor, **fields)
        if not run_now:
            from provisioning.tasks import provisioning_run_task  # noqa: PLC0415

            transaction.on_commit(lambda: provisioning_run_task.delay(job.pk))
    if run_now:
        return provisioning_run(job_id=job.pk)
    return job


def _provision_record(*, slug, name, kind, admin_email, admin_name, modules, template, actor, **fields):
    _public()
    if template is not None:
        for key, value in template.branding.items():
            fields.setdefault(key, value)
        if modules is None:
            modules = list(template.modules)
    collectivity = Collectivity(slug=slug, schema_name=slug, name=name, kind=kind,
                                status=Collectivity.Status.PROVISIONING, **fields)
    errors = {}
    try:
        collectivity.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if admin_email:
        try:
            validate_email(admin_email)
        except ValidationError as exc:
            errors["admin_email"] = exc.messages
    if modules is not None:
        unknown = sorted(set(modules) - set(MODULES))
        if unknown:
            errors["modules"] = [f"unknown modules: {', '.join(unknown)}"]
    if errors:
        raise ValidationError(errors)
    collectivity.save()
    job = ProvisioningJob.objects.create(
        collectivity=collectivity, admin_email=admin_email, admin_name=admin_name, modules=modules,
        template=template, created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="collectivity.create", collectivity_slug=slug, job=job.pk,
                 template=template.name if template else None)
    return job


def provisioning_run(*, job_id: int) -> ProvisioningJob:
    """Run the steps not yet done. A failure marks the job failed (the collectivity stays not active)."""
    _public()
    job = ProvisioningJob.objects.select_related("collectivity", "template").get(pk=job_id)
    if job.status == ProvisioningJob.Status.DONE:
        return job
    started = time.perf_counter()
    job.status = ProvisioningJob.Status.RUNNING
    job.attempts += 1
    job.error = ""
    job.started_at = job.started_at or timezone.now()
    job.save(update_fields=["status", "attempts", "error", "started_at"])
    try:
        for name, step in STEPS.items():
            if name in job.steps_done:
                continue
            job.current_step = name
            job.save(update_fields=["current_step"])
            with transaction.atomic():  # a step is all or nothing
                step(job)
                _public()
                job.steps_done = [*job.steps_done, name]
                job.save(update_fields=["steps_done", "method"])
    except Exception as exc:
        _public()
        job.refresh_from_db(fields=["steps_done"])
        job.status = ProvisioningJob.Status.FAILED
        job.error = f"{job.current_step}: {exc.__class__.__name__}: {exc}"
        job.save(update_fields=["status", "error"])
        log.error("provisioning.failed", collectivity=job.collectivity.slug, step=job.current_step, error=str(exc))
        audit_record(actor=None, action="collectivity.provisioning_failed", collectivity_slug=job.collectivity.slug,
                     job=job.pk, error=job.error)
        return job
    job.status = ProvisioningJob.Status.DONE
    job.current_step = ""
    job.finished_at = timezone.now()
    job.seconds = (job.seconds or 0) + time.perf_counter() - started
    job.save(update_fields=["status", "current_step", "finished_at", "seconds"])
    audit_record(actor=None, action="collectivity.provisioned", collectivity_slug=job.collectivity.slug,
                 job=job.pk, method=job.method, seconds=round(job.seconds, 3))
    if job.method == "spare":
        from provisioning.tasks import spare_schemas_refill  # noqa: PLC0415

        transaction.on_commit(spare_schemas_refill.delay)
    return job


def provisioning_retry(*, job: ProvisioningJob, actor=None, run_now: bool = False) -> ProvisioningJob:
    if job.status != ProvisioningJob.Status.FAILED:
        raise ValidationError("only a failed job can be retried")
    audit_record(actor=actor, action="collectivity.provisioning_retry", collectivity_slug=job.collectivity.slug,
                 job=job.pk)
    if run_now:
        return provisioning_run(job_id=job.pk)
    from provisioning.tasks import provisioning_run_task  # noqa: PLC0415

    job.status = ProvisioningJob.Status.PENDING
    job.save(update_fields=["status"])
    transaction.on_commit(lambda: provisioning_run_task.delay(job.pk))
    return job


def collectivity_create(*, slug: str, name: str, kind: str, status: str = Collectivity.Status.ACTIVE,
                        **fields) -> Collectivity:
    """Provision synchronously without an administrator (demo data, tests). Raises if it fails."""
    job = collectivity_provision(slug=slug, name=name, kind=kind, run_now=True, **fields)
    if job.status != ProvisioningJob.Status.DONE:
        raise RuntimeError(job.error)
    collectivity = Collectivity.objects.get(pk=job.collectivity_id)
    if status != collectivity.status:
        collectivity.status = status
        collectivity.save(update_fields=["status", "updated_at"])
    return collectivity


# --- Running a collectivity -----------------------------------------------------------------------

def collectivity_update(*, collectivity: Collectivity, actor=None, **changes) -> Collectivity:
    _public()
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: ["not editable"] for field in unknown})
    before = {field: getattr(collectivity, field) for field in changes}
    for field, value in changes.items():
        setattr(collectivity, field, value)
    collectivity.full_clean()
    collectivity.save()
    changed = {f: [str(before[f]), str(v)] for f, v in changes.items() if before[f] != v}
    audit_record(actor=actor, action="collectivity.update", collectivity_slug=collectivity.slug, changes=changed)
    return collectivity


def collectivity_license_modules(*, collectivity: Collectivity, modules: list[str], actor=None) -> bool:
    """The vendor's switch: allow exactly these modules. Audited; returns whether anything changed."""
    _public()
    before = set(ModuleLicence.objects.filter(collectivity=collectivity, is_allowed=True)
                 .values_list("module", flat=True))
    if before == set(modules):
        return False
    try:
        licence_set_allowed_modules(collectivity=collectivity, modules=modules)
    except ValueError as exc:
        raise ValidationError({"modules": [str(exc)]}) from exc
    audit_record(actor=actor, action="licence.update", collectivity_slug=collectivity.slug,
                 modules=sorted(modules), previous=sorted(before))
    return True


_TRANSITIONS = {
    "suspend": ({Collectivity.Status.ACTIVE, Collectivity.Status.ARCHIVED}, Collectivity.Status.SUSPENDED),
    "reactivate": ({Collectivity.Status.SUSPENDED, Collectivity.Status.ARCHIVED}, Collectivity.Status.ACTIVE),
    "archive": ({Collectivity.Status.ACTIVE, Collectivity.Status.SUSPENDED}, Collectivity.Status.ARCHIVED),
}


def collectivity_change_status(*, collectivity: Collectivity, action: str, actor=None) -> Collectivity:
    """suspend, reactivate or archive. Nothing is deleted by any of them."""
    _public()
    allowed_from, target = _TRANSITIONS[action]
    if collectivity.status not in allowed_from:
        raise ValidationError(f"cannot {action} a collectivity whose status is {collectivity.status}")
    previous = collectivity.status
    collectivity.status = target
    if action == "reactivate":
        collectivity.deletion_due_at = None
    collectivity.save(update_fields=["status", "deletion_due_at", "updated_at"])
    audit_record(actor=actor, action=f"collectivity.{action}", collectivity_slug=collectivity.slug,
                 previous=previous)
    return collectivity


def domain_add(*, collectivity: Collectivity, domain: str, is_primary: bool = False, actor=None) -> Domain:
    _public()
    domain = domain.strip().lower().rstrip(".")
    record = Domain(domain=domain, tenant=collectivity, is_primary=is_primary)
    record.full_clean()
    with transaction.atomic():
        if is_primary:
            Domain.objects.filter(tenant=collectivity, is_primary=True).update(is_primary=False)
        record.save()
        audit_record(actor=actor, action="domain.add", collectivity_slug=collectivity.slug, domain=domain,
                     primary=is_primary)
    return record


def collectivity_export_create(*, collectivity: Collectivity, actor=None):
    """A full export (schema dump and files), recorded so that deletion can check for it."""
    _public()
    path = backup.collectivity_export(collectivity=collectivity)
    export = CollectivityExport.objects.create(
        collectivity=collectivity, slug=collectivity.slug, path=str(path), size=path.stat().st_size,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="collectivity.export", collectivity_slug=collectivity.slug, path=str(path))
    return export


def collectivity_export_start(*, collectivity: Collectivity, actor=None) -> None:
    """Run the export in the background (after the commit); it is recorded when written."""
    from provisioning.tasks import collectivity_export_task  # noqa: PLC0415

    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    transaction.on_commit(lambda: collectivity_export_task.delay(collectivity.pk, actor_id))


def collectivity_schedule_deletion(*, collectivity: Collectivity, actor=None) -> Collectivity:
    """Deletion needs an archived collectivity and a full export made since it was archived."""
    _public()
    if collectivity.status != Collectivity.Status.ARCHIVED:
        raise ValidationError("archive the collectivity before scheduling its deletion")
    if not collectivity.exports.filter(created_at__gte=_archived_at(collectivity)).exists():
        raise ValidationError("produce a full export of the archived collectivity before scheduling its deletion")
    collectivity.deletion_due_at = timezone.now() + timedelta(days=settings.PARVIS_DELETION_GRACE_DAYS)
    collectivity.save(update_fields=["deletion_due_at", "updated_at"])
    audit_record(actor=actor, action="collectivity.schedule_deletion", collectivity_slug=collectivity.slug,
                 due_at=collectivity.deletion_due_at.isoformat())
    return collectivity


def _archived_at(collectivity: Collectivity):
    """When it was last archived: the audit log is the record of status changes."""
    entry = AuditEntry.objects.filter(collectivity_slug=collectivity.slug, action="collectivity.archive").first()
    return entry.created_at if entry else collectivity.updated_at


def collectivity_delete(*, collectivity: Collectivity, actor=None, now=None) -> None:
    """Drop the schema and files of a collectivity whose deletion is due. The audit log keeps the trace."""
    _public()
    now = now or timezone.now()
    if collectivity.deletion_due_at is None or collectivity.deletion_due_at > now:
        raise ValidationError("the deletion of this collectivity is not due")
    if not collectivity.exports.exists():
        raise ValidationError("no export of this collectivity exists")
    slug = collectivity.slug
    with transaction.atomic():
        collectivity.delete(force_drop=True)
        audit_record(actor=actor, action="collectivity.delete", collectivity_slug=slug)
    shutil.rmtree(backup.collectivity_media_root(slug), ignore_errors=True)


def collectivity_template_save(*, collectivity: Collectivity, name: str, description: str = "",
                               actor=None) -> CollectivityTemplate:
    """Save the configuration of a collectivity (never its citizens' data) as a named template."""
    _public()
    with schema_context(collectivity.schema_name):
        parts = {part_name: part.export() for part_name, part in template_parts.items()}
    template, _created = CollectivityTemplate.objects.update_or_create(name=name, defaults={
        "description": description, "source_slug": collectivity.slug, "parts": parts,
        "modules": modules_available(collectivity=collectivity),
        "branding": {"primary_colour": collectivity.primary_colour,
                     "locale": collectivity.locale, "timezone": collectivity.timezone},
        "created_by": actor if getattr(actor, "is_authenticated", False) else None,
    })
    audit_record(actor=actor, action="template.save", collectivity_slug=collectivity.slug, template=name)
    return template
