"""The phase type the budget module registers: campaign and vote, where citizens cast a whole ballot."""

from django.utils.translation import gettext_lazy as _

from tenant_apps.participation.phases import Capability as C
from tenant_apps.participation.phases import ConfigField, PhaseType

BUDGET_VOTE = PhaseType(
    "budget_vote", _("Budget vote"), frozenset({C.BALLOT, C.COMMENT}), frozenset({C.BALLOT, C.COMMENT}),
    {"show_results": ConfigField(bool, False, _("Show the tallies while the vote is open"))},
    _("Project holders campaign; citizens vote with a ballot per budget, online or on paper."),
)
