"""Budget URLs (voting); combined in tenant_apps/budgets/urls.py."""

from django.urls import path

from tenant_apps.budgets.views import paper, voting

urlpatterns = [
    # Public
    path("participer/<slug:slug>/budget/voter/", voting.vote, name="vote"),
    path("budget/enveloppes/<int:pk>/voter/", voting.ballot, name="ballot"),
    path("budget/enveloppes/<int:pk>/vote-enregistre/", voting.ballot_done, name="ballot_done"),
    # Staff
    path("gestion/budgets/<slug:slug>/vote/", voting.voting_desk, name="voting_desk"),
    path("gestion/budgets/<slug:slug>/vote/bureaux/", paper.polling_places, name="polling_places"),
    path("gestion/budgets/<slug:slug>/vote/ecarts/", paper.mismatches, name="paper_mismatches"),
    path("gestion/budgets/bureaux/<int:pk>/", paper.polling_place_edit, name="polling_place_edit"),
    path("gestion/budgets/bureaux/<int:pk>/emargement/", paper.marking, name="voting_marking"),
    path("gestion/budgets/bureaux/<int:pk>/saisie/<int:budget_pk>/", paper.paper_entry, name="paper_entry"),
    path("gestion/budgets/saisies/<int:pk>/", paper.paper_resolve, name="paper_resolve"),
]
