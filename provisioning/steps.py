"""The steps of provisioning a collectivity. Each one is idempotent: a retry redoes nothing done."""

import structlog
from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_context, schema_exists

from billing.services import licence_set_allowed_modules
from provisioning.registry import city_seeders, template_parts
from provisioning.template_schema import (
    TemplateStale,
    schema_clone_from_template,
    schema_migrate,
    schema_unapplied_migrations,
    spare_take,
)
from shared_apps.accounts.models import Invitation, User
from shared_apps.accounts.services import invitation_create, invitation_send
from tenants.models import Collectivity, Domain

log = structlog.get_logger(__name__)


def step_schema(job) -> None:
    schema = job.collectivity.schema_name
    if schema_exists(schema):
        # Resumed after a failure: a half-migrated schema is finished by running its migrations.
        if schema_unapplied_migrations(schema):
            schema_migrate(schema)
        return
    if settings.PARVIS_PROVISION_BY_CLONING:
        if settings.PARVIS_SPARE_SCHEMAS and spare_take(schema):
            job.method = "spare"
            return
        try:
            schema_clone_from_template(schema)
            job.method = "clone"
            return
        except TemplateStale as exc:
            log.warning("provisioning.template_stale", reason=str(exc), collectivity=schema)
    schema_migrate(schema)
    job.method = "migrations"


def step_domain(job) -> None:
    collectivity = job.collectivity
    Domain.objects.get_or_create(domain=collectivity.host, defaults={"tenant": collectivity, "is_primary": True})


def step_licences(job) -> None:
    if job.modules is not None:
        licence_set_allowed_modules(collectivity=job.collectivity, modules=job.modules)


def step_defaults(job) -> None:
    with schema_context(job.collectivity.schema_name):
        city_seeders.run(collectivity=job.collectivity)


def step_template(job) -> None:
    if job.template is None:
        return
    with schema_context(job.collectivity.schema_name):
        for name, part in template_parts.items():
            if name in job.template.parts:
                part.apply(job.template.parts[name])


def step_admin(job) -> None:
    if not job.admin_email:
        return
    collectivity = job.collectivity
    with schema_context(collectivity.schema_name):
        if User.objects.filter(email=job.admin_email.lower()).exists():
            return
        if Invitation.objects.filter(email=job.admin_email.lower(), accepted_at__isnull=True).exists():
            return
        with transaction.atomic():
            invitation, token = invitation_create(email=job.admin_email, role=User.Role.CITY_ADMIN,
                                                  full_name=job.admin_name, invited_by="Parvis")
            transaction.on_commit(lambda: invitation_send(
                invitation=invitation, token=token, site_name=collectivity.name,
                base_url=collectivity.base_url, language=collectivity.locale,
            ))


def step_activate(job) -> None:
    collectivity = job.collectivity
    if collectivity.status == Collectivity.Status.PROVISIONING:
        collectivity.status = Collectivity.Status.ACTIVE
        collectivity.save(update_fields=["status", "updated_at"])


STEPS = {
    "schema": step_schema,
    "domain": step_domain,
    "licences": step_licences,
    "defaults": step_defaults,
    "template": step_template,
    "admin": step_admin,
    "activate": step_activate,
}
