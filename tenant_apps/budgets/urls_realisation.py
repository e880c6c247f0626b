"""Budget URLs (realisation and evaluation); combined in tenant_apps/budgets/urls.py."""

from django.urls import path

from tenant_apps.budgets.views import evaluation, realisation

urlpatterns = [
    # Public
    path("participer/<slug:slug>/budget/realisation/", realisation.realisation, name="realisation"),
    path("participer/<slug:slug>/budget/evaluation/", evaluation.evaluation, name="evaluation"),
    path("participer/<slug:slug>/budget/evaluation/rapport.pdf", evaluation.evaluation_pdf, name="evaluation_pdf"),
    path("participer/<slug:slug>/budget/satisfaction/", evaluation.satisfaction, name="satisfaction"),
    path("budget/actualites/<int:pk>/photo/", realisation.news_photo, name="news_photo"),
    # Staff (objects by id first, so that no edition slug can shadow them)
    path("gestion/budgets/projets/<int:pk>/realisation/", realisation.realisation_edit, name="realisation_edit"),
    path("gestion/budgets/projets/<int:pk>/jalons/", realisation.milestone_add, name="milestone_add"),
    path("gestion/budgets/projets/<int:pk>/actualites/", realisation.news_publish, name="news_publish"),
    path("gestion/budgets/jalons/<int:pk>/", realisation.milestone_edit, name="milestone_edit"),
    path("gestion/budgets/jalons/<int:pk>/atteint/", realisation.milestone_reach, name="milestone_reach"),
    path("gestion/budgets/jalons/<int:pk>/supprimer/", realisation.milestone_delete, name="milestone_delete"),
    path("gestion/budgets/<slug:slug>/realisation/", realisation.realisation_manage, name="realisation_manage"),
]
