from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shared_apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from datetime import timedelta

        from django.utils import timezone

        from provisioning.registry import UsageCounter, usage_counters
        from shared_apps.accounts.models import User

        def citizens() -> int:
            return User.objects.filter(role=User.Role.CITIZEN, is_active=True).count()

        def active_last_30_days() -> int:
            since = timezone.now() - timedelta(days=30)
            return User.objects.filter(last_login__gte=since).count()

        usage_counters.register("citizens", UsageCounter(label=_("citizens"), count=citizens))
        usage_counters.register("active_30_days", UsageCounter(label=_("active in the last 30 days"),
                                                               count=active_last_30_days))
