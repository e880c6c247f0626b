"""Shared set-up of the realisation tests (no test here): an edition whose ideas became winning projects.

The edition walks the real path: ideas submitted and supported during the call for ideas, projects made
from them during the review, then the edition moved to its realisation phase. Declaring the winners is
the results part's job (publishing a count); until a test needs the count itself, `winners_declare`
sets the state the published result leaves.
"""

import io

from PIL import Image

from tenant_apps.budgets.models import Budget, Edition, Project
from tenant_apps.budgets.services.editions import budget_create, project_create, project_put_on_ballot
from tenant_apps.budgets.tests.factories import edition_make, phases_shift_to
from tenant_apps.notifications.services import follow_start
from tenant_apps.participation.tests.factories import account, contribution
from tenant_apps.votes.services import vote_cast


def winners_declare(*projects: Project) -> None:
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(state=Project.State.WINNER)
    for project in projects:
        project.refresh_from_db()


def jpeg_with_exif(colour=(200, 30, 30)) -> io.BytesIO:
    """A small JPEG carrying a camera make and a GPS block, as a phone would leave them."""
    image = Image.new("RGB", (40, 30), colour)
    exif = Image.Exif()
    exif[0x010F] = "AppareilEspion"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    out.seek(0)
    out.name = "chantier.jpg"
    return out


class Followed:
    """An edition in its realisation phase: two winning projects made from supported ideas, one loser."""

    def __init__(self, *, title: str = "Budget participatif suivi", admin=None):
        self.admin = admin or account("city_admin")
        self.edition: Edition = edition_make(admin=self.admin, title=title)
        phases_shift_to(self.edition, "submission")
        process = self.edition.process
        self.author_1, self.author_2, self.author_3 = account(), account(), account()
        self.idea_1 = contribution(process, author=self.author_1, title="Des arbres rue des Lilas")
        self.idea_2 = contribution(process, author=self.author_2, title="Un banc au square")
        self.idea_3 = contribution(process, author=self.author_3, title="Une fontaine")
        # Around the ideas: a follower, a supporter, someone who does both (told once), a supporter of the loser.
        self.follower, self.supporter, self.both, self.other = account(), account(), account(), account()
        follow_start(user=self.follower, contribution=self.idea_1)
        vote_cast(contribution=self.idea_2, voter=self.supporter, value=1)
        follow_start(user=self.both, contribution=self.idea_1)
        vote_cast(contribution=self.idea_2, voter=self.both, value=1)
        vote_cast(contribution=self.idea_3, voter=self.other, value=1)
        phases_shift_to(self.edition, "review")
        self.budget: Budget = budget_create(edition=self.edition, actor=self.admin, name="Budget de la ville",
                                            amount=100_000)
        self.project = project_create(edition=self.edition, actor=self.admin, title="Verdir le quartier",
                                      cost=60_000, budget=self.budget, ideas=[self.idea_1, self.idea_2])
        self.other_winner = project_create(edition=self.edition, actor=self.admin, title="Éclairer le parc",
                                           cost=30_000, budget=self.budget)
        self.loser = project_create(edition=self.edition, actor=self.admin, title="Une fontaine", cost=50_000,
                                    budget=self.budget, ideas=[self.idea_3])
        for project in (self.project, self.other_winner, self.loser):
            project_put_on_ballot(project=project, actor=self.admin)
        phases_shift_to(self.edition, "follow_up")
        Project.objects.filter(pk=self.loser.pk).update(state=Project.State.NOT_SELECTED)
        self.loser.refresh_from_db()
        winners_declare(self.project, self.other_winner)
        self.agent = account("agent")
