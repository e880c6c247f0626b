# `migrate` is `migrate_schemas` in a django-tenants project (the test database is built with it).
from provisioning.management.commands.migrate_schemas import Command  # noqa: F401
