from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tenant_apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from tenant_apps.notifications import selectors, services
        from tenant_apps.participation.events import listener_register
        from tenant_apps.participation.panels import (
            Panel,
            contribution_panels,
            panel_register,
            process_panels,
        )

        listener_register("notifications", services.happening_notify)
        # The follow button on the kernel's process and contribution pages.
        panel_register(process_panels, Panel(key="follow", template="notifications/_follow_button.html",
                                             context=selectors.process_panel, position=10, region="aside"))
        panel_register(contribution_panels, Panel(key="follow", template="notifications/_follow_button.html",
                                                  context=selectors.contribution_panel, position=10,
                                                  region="aside"))
