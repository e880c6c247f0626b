from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "tenant_apps.organisation"
    label = "organisation"
    verbose_name = _("Organisation")

    def ready(self):
        from provisioning.registry import demo_seeders
        from tenant_apps.organisation.demo import seed_departments

        demo_seeders.register("organisation.departments", seed_departments)
