"""`manage.py pb_tally FILE.pb --rule RULE [--json] [--threshold N]`: count a pabulib file with the engine.

Needs no database: it touches no model and no connection, and runs no system check.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from tenant_apps.budgets.counting import CountingError, Rule, read_pb, tally


class Command(BaseCommand):
    help = "Count a pabulib (.pb) file with one of the engine's rules and print the selected projects."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a pabulib .pb file.")
        parser.add_argument("--rule", required=True, choices=[str(r) for r in Rule], help="Counting rule.")
        parser.add_argument("--json", action="store_true", help="Print the whole outcome as JSON.")
        parser.add_argument("--threshold", type=int, default=0,
                            help="Minimum score for greedy-threshold (absolute number of votes or points).")
        parser.add_argument("--drawn-order", default="",
                            help="Comma-separated project ids: the order drawn before counting, for ties.")

    def handle(self, *args, **options):
        try:
            pb = read_pb(options["file"]) if _is_file(options["file"]) else None
            if pb is None:
                raise CommandError(f"No such file: {options['file']}")
            election = pb.election()
            drawn = [x.strip() for x in options["drawn_order"].split(",") if x.strip()]
            outcome = tally(election, options["rule"], threshold=options["threshold"], drawn_order=drawn)
        except CountingError as exc:
            raise CommandError(f"{options['file']}: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_dict(), indent=2, ensure_ascii=False))
        else:
            for pid in outcome.selected:
                self.stdout.write(pid)


def _is_file(path: str) -> bool:
    from pathlib import Path

    return Path(path).is_file()
