from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "tenant_apps.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self):
        from provisioning.registry import (
            TemplatePart,
            UsageCounter,
            city_seeders,
            demo_seeders,
            template_parts,
            usage_counters,
        )
        from tenant_apps.participation import services
        from tenant_apps.participation.demo import seed_participation
        from tenant_apps.participation.phases import GENERIC_PHASE_TYPES, phase_type_register

        for phase_type in GENERIC_PHASE_TYPES:
            phase_type_register(phase_type)
        city_seeders.register("participation.statuses", services.statuses_seed_defaults)
        demo_seeders.register("participation.processes", seed_participation)
        template_parts.register("statuses", TemplatePart(export=services.statuses_export,
                                                         apply=services.statuses_apply))
        template_parts.register("themes_districts", TemplatePart(export=services.taxonomy_export,
                                                                 apply=services.taxonomy_apply))
        usage_counters.register("open_processes", UsageCounter(_("open processes"), services.process_usage_open))
        usage_counters.register("contributions_30_days",
                                UsageCounter(_("contributions in 30 days"), services.contribution_usage_30_days))
