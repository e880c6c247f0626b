from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "tenant_apps.discussion"
    label = "discussion"
    verbose_name = _("Discussion")

    def ready(self):
        from tenant_apps.discussion.selectors import arguments_panel, comments_panel
        from tenant_apps.participation.panels import Panel, contribution_panels, panel_register

        panel_register(contribution_panels, Panel("arguments", "discussion/_arguments.html", arguments_panel,
                                                  position=40))
        panel_register(contribution_panels, Panel("comments", "discussion/_comments.html", comments_panel,
                                                  position=60))
