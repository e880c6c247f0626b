"""Budget URLs (results); combined in tenant_apps/budgets/urls.py."""

from django.urls import path

from tenant_apps.budgets.views import results as views

urlpatterns = [
    path("participer/<slug:slug>/budget/resultats/", views.results, name="results"),
    path("budget/projets/<int:pk>/pourquoi/", views.project_why, name="project_why"),
    path("budget/enveloppes/<int:pk>/resultats.pb", views.results_pb, name="results_pb"),
    path("gestion/budgets/<slug:slug>/resultats/", views.results_manage, name="results_manage"),
    path("gestion/budgets/<slug:slug>/resultats/calculer/", views.result_compute, name="result_compute"),
    path("gestion/budgets/<slug:slug>/resultats/publier/", views.result_publish, name="result_publish"),
    path("gestion/budgets/<slug:slug>/resultats/importer/", views.pb_import, name="pb_import"),
]
