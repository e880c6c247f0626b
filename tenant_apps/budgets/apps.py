from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "tenant_apps.budgets"
    label = "budgets"
    verbose_name = _("Participatory budget")

    def ready(self):
        from tenant_apps.budgets.phases import BUDGET_VOTE
        from tenant_apps.participation.phases import phase_type_register

        phase_type_register(BUDGET_VOTE)

        from tenant_apps.budgets.panels import ready_panels

        ready_panels()

        from provisioning.registry import demo_seeders
        from tenant_apps.budgets.demo import seed_budgets

        demo_seeders.register("budgets.edition_2026", seed_budgets)
