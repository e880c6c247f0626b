"""The participation modules a collectivity can be licensed for. Module apps register their behaviour
(seeders, usage counters) in `provisioning.registry`; this is only what can be sold and switched on."""

from django.utils.translation import gettext_lazy as _

MODULES: dict[str, str] = {
    "budget": _("Participatory budget"),
    "consultation": _("Thematic consultation"),
    "survey": _("Survey"),
    "call_for_projects": _("Call for projects"),
    "interpellation": _("Interpellation (petition)"),
    "reports": _("Issue reporting"),
    "ideas": _("Idea box"),
    "custom": _("Custom process"),
}

MODULE_CHOICES = list(MODULES.items())
