#!/usr/bin/env python
import os
import sys

# Commands that work on files alone: they must run without any database server.
OFFLINE_COMMANDS = {"pb_tally"}


def main():
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.offline"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
