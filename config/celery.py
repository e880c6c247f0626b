"""The Celery app. Every task carries the schema it was sent from (tenant-schemas-celery) and runs in it."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("parvis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
