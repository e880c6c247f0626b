from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from provisioning.backup import BackupError, collectivity_export
from tenants.models import Collectivity


class Command(BaseCommand):
    help = "Write an archive of one collectivity (schema dump, uploaded files, manifest) and print its path."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="slug of the collectivity to export")
        parser.add_argument("--output-dir", type=Path, default=None,
                            help="folder for the archive (default: .var/exports in the project)")

    def handle(self, *args, slug, output_dir, **options):
        collectivity = Collectivity.objects.filter(slug=slug).first()
        if collectivity is None:
            raise CommandError(f"No collectivity with the slug “{slug}”.")
        try:
            path = collectivity_export(collectivity=collectivity, destination_dir=output_dir)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except (BackupError, OSError) as exc:
            raise CommandError(f"Export of “{slug}” failed: {exc}") from exc
        self.stdout.write(str(path))
