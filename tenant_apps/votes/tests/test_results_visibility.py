"""Vote counts on the kernel's list pages follow the vote phase's `show_results` setting."""

import pytest
from django.urls import reverse

from tenant_apps.participation.tests.factories import account, contribution, process_in_phase

pytestmark = pytest.mark.django_db


def test_vote_counts_stay_hidden_while_the_vote_hides_them(in_a, client_a, frozen):
    import datetime as dt

    from tenant_apps.participation.services import phase_update
    from tenant_apps.votes.services import vote_cast

    admin = account("city_admin")
    process = process_in_phase("interpellation", 1, actor=admin)
    item = contribution(process, title="Un kiosque à musique")
    from tenant_apps.participation.models import Status
    from tenant_apps.participation.services import contribution_status_change

    contribution_status_change(contribution=item, actor=admin,
                               status=Status.objects.get(process_kind="interpellation", key="open"))
    vote_phase = process.phases.get(position=2)
    phase_update(phase=vote_phase, actor=admin, config={"show_results": False}, capabilities=["support", "comment"])
    list_url = reverse("participation:contribution_list", args=[process.slug])
    with frozen(vote_phase.starts_at + dt.timedelta(hours=1)):
        for _ in range(3):
            vote_cast(contribution=item, voter=account(), value=1)
        page = client_a.get(list_url).content.decode()
        assert "3 soutiens" not in page and "3 supports" not in page
    with frozen(vote_phase.ends_at + dt.timedelta(hours=1)):
        page = client_a.get(list_url).content.decode()
        assert "3 soutiens" in page or "3 supports" in page
