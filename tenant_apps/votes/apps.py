from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "tenant_apps.votes"
    label = "votes"
    verbose_name = _("Votes")

    def ready(self):
        from tenant_apps.participation.panels import Panel, contribution_panels, panel_register
        from tenant_apps.votes.selectors import contribution_panel

        panel_register(contribution_panels, Panel("votes", "votes/_contribution_panel.html", contribution_panel,
                                                  position=20, region="aside"))
