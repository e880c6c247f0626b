from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "tenant_apps.organisation"
    label = "organisation"
    verbose_name = _("Organisation")

    def ready(self):
        from provisioning.registry import TemplatePart, city_seeders, demo_seeders, template_parts
        from tenant_apps.organisation import services
        from tenant_apps.organisation.demo import seed_departments

        city_seeders.register("organisation.departments", services.departments_seed_defaults)
        demo_seeders.register("organisation.departments", seed_departments)
        template_parts.register("departments", TemplatePart(export=services.departments_export,
                                                            apply=services.departments_apply))
