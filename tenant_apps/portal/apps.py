from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "tenant_apps.portal"
    label = "portal"
    verbose_name = _("Public site")

    def ready(self):
        from provisioning.registry import demo_seeders
        from tenant_apps.portal.demo import seed_interactions

        # After the processes and contributions (portal comes last among the collectivity's apps).
        demo_seeders.register("portal.interactions", seed_interactions)
