"""Budget URLs (structure); combined in tenant_apps/budgets/urls.py."""

from django.urls import path

from tenant_apps.budgets.views import review, structure

urlpatterns = [
    # Public
    path("participer/<slug:slug>/budget/", structure.edition, name="edition"),
    path("participer/<slug:slug>/budget/reglement/", structure.rules, name="rules"),
    path("participer/<slug:slug>/budget/projets/", structure.projects, name="projects"),
    path("budget/projets/<int:pk>/", structure.project, name="project"),
    path("budget/projets/<int:pk>/photo/", structure.project_image, name="project_image"),
    path("budget/projets/<int:pk>/campagne/", structure.campaign_edit, name="campaign_edit"),
    # Staff (objects by id first, so that no edition slug can shadow them)
    path("gestion/budgets/", structure.manage_list, name="manage_list"),
    path("gestion/budgets/enveloppes/<int:pk>/", structure.envelope_edit, name="envelope_edit"),
    path("gestion/budgets/enveloppes/<int:pk>/supprimer/", structure.envelope_delete, name="envelope_delete"),
    path("gestion/budgets/enveloppes/<int:pk>/tirage/", structure.draw, name="draw"),
    path("gestion/budgets/criteres/<int:pk>/", structure.criterion_edit, name="criterion_edit"),
    path("gestion/budgets/idees/<int:pk>/", review.idea_review, name="idea_review"),
    path("gestion/budgets/idees/<int:pk>/recevabilite/", review.idea_admissibility, name="idea_admissibility"),
    path("gestion/budgets/idees/<int:pk>/faisabilite/", review.idea_feasibility, name="idea_feasibility"),
    path("gestion/budgets/projets/<int:pk>/", structure.project_edit, name="project_edit"),
    path("gestion/budgets/projets/<int:pk>/scrutin/", structure.project_ballot, name="project_ballot"),
    path("gestion/budgets/<slug:slug>/", structure.manage, name="manage"),
    path("gestion/budgets/<slug:slug>/reglages/", structure.settings, name="settings"),
    path("gestion/budgets/<slug:slug>/enveloppes/", structure.envelopes, name="envelopes"),
    path("gestion/budgets/<slug:slug>/criteres/", structure.criteria, name="criteria"),
    path("gestion/budgets/<slug:slug>/instruction/", review.review, name="review"),
    path("gestion/budgets/<slug:slug>/projets/", structure.projects_manage, name="projects_manage"),
    path("gestion/budgets/<slug:slug>/projets/nouveau/", structure.project_create, name="project_create"),
]
