"""Helpers of the results tests (no test here).

Ballots are written as the voting part leaves them once sealed (no link to a voter): counting only reads
`Ballot.choices`, so the results tests do not depend on the voting pages.
"""

from tenant_apps.budgets.models import Ballot, Channel


def ballots_add(budget, lists, *, channel: str = Channel.ONLINE, values=None) -> list[Ballot]:
    """One ballot per list of project ids (approval: value 1; else `values[i]` gives {pk: value})."""
    rows = []
    for i, ids in enumerate(lists):
        choices = values[i] if values is not None else {str(pk): 1 for pk in ids}
        rows.append(Ballot(budget=budget, channel=channel, choices={str(k): v for k, v in choices.items()}))
    return Ballot.objects.bulk_create(rows)
