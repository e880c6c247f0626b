import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each area of the identity app registers what it needs (provider, eligibility rule, tasks...).
AREAS = ["franceconnect", "eligibility", "privacy"]


class IdentityConfig(AppConfig):
    name = "tenant_apps.identity"
    label = "identity"
    verbose_name = _("Identity and personal data")

    def ready(self):
        for area in AREAS:
            try:
                module = importlib.import_module(f"tenant_apps.identity.{area}")
            except ModuleNotFoundError as error:
                if error.name != f"tenant_apps.identity.{area}":
                    raise
                continue
            hook = getattr(module, f"ready_{area}", None)
            if hook is not None:
                hook()
