from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "tenant_apps.pages"
    label = "pages"
    verbose_name = _("Pages")

    def ready(self):
        from provisioning.registry import TemplatePart, city_seeders, template_parts
        from tenant_apps.pages import services

        city_seeders.register("pages.legal", services.pages_seed_defaults)
        template_parts.register("pages", TemplatePart(export=services.pages_export, apply=services.pages_apply))
