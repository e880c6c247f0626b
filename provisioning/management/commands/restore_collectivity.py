import json
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from provisioning.backup import BackupError, collectivity_restore
from tenants.models import Domain


class Command(BaseCommand):
    help = (
        "Restore an archive written by export_collectivity as a new, active collectivity on <slug>.<root>; "
        "print a JSON summary (slug, hosts, seconds). Custom domains of the original are not re-attached."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar.gz written by export_collectivity")
        parser.add_argument("--slug", required=True, help="slug of the new collectivity (sub-domain and schema)")
        parser.add_argument("--name", default=None, help="name of the new collectivity (default: the original's)")

    def handle(self, *args, archive, slug, name, **options):
        started = time.perf_counter()
        try:
            collectivity = collectivity_restore(archive=archive, slug=slug, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except (BackupError, OSError) as exc:
            raise CommandError(f"Restore of {archive} failed, nothing was created: {exc}") from exc
        summary = {
            "slug": collectivity.slug,
            "name": collectivity.name,
            "hosts": list(Domain.objects.filter(tenant=collectivity).values_list("domain", flat=True)),
            "seconds": round(time.perf_counter() - started, 3),
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
