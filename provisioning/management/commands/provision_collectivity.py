import json
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from provisioning.models import CollectivityTemplate, ProvisioningJob
from provisioning.services import collectivity_provision


class Command(BaseCommand):
    help = "Create a collectivity (schema, domain, defaults, invitation of its first admin); print a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True,
                            help="commune, intercommunalite, departement, region or other")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")
        parser.add_argument("--population", type=int)
        parser.add_argument("--modules", default=None, help="comma-separated module keys, e.g. budget,ideas")
        parser.add_argument("--template", default=None, help="name of a collectivity template")

    def handle(self, *args, **options):
        started = time.perf_counter()
        template = None
        if options["template"]:
            template = CollectivityTemplate.objects.filter(name=options["template"]).first()
            if template is None:
                raise CommandError(f"unknown template: {options['template']}")
        modules = [m.strip() for m in options["modules"].split(",") if m.strip()] if options["modules"] else None
        try:
            job = collectivity_provision(
                slug=options["slug"], name=options["name"], kind=options["kind"],
                admin_email=options["admin_email"], admin_name=options["admin_name"],
                population=options["population"], modules=modules, template=template, run_now=True,
            )
        except ValidationError as exc:
            details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
            raise CommandError(f"invalid collectivity: {details}") from exc
        collectivity = job.collectivity
        collectivity.refresh_from_db()
        summary = {
            "slug": collectivity.slug,
            "hosts": list(collectivity.domains.values_list("domain", flat=True)),
            "status": collectivity.status,
            "job": job.pk,
            "job_status": job.status,
            "schema_created_by": job.method,
            "seconds": round(time.perf_counter() - started, 3),
        }
        if job.status != ProvisioningJob.Status.DONE:
            summary["error"] = job.error
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            raise CommandError(f"provisioning failed: {job.error} (retry it from the console or the API)")
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
