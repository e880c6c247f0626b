"""Included at the site root: staff exports and the audit log under /gestion/, open data in public."""

from django.urls import path

from tenant_apps.exports import views

app_name = "exports"

urlpatterns = [
    path("gestion/exports/", views.index, name="index"),
    path("gestion/exports/demarches/<int:pk>/contributions/", views.contributions, name="contributions"),
    path("gestion/exports/demarches/<int:pk>/commentaires/", views.comments, name="comments"),
    path("gestion/exports/demarches/<int:pk>/votes/", views.votes, name="votes"),
    path("gestion/exports/demarches/<int:pk>/json/", views.process_json, name="process_json"),
    path("gestion/journal/", views.audit_log, name="audit_log"),
    path("gestion/journal/export/", views.audit_log_export, name="audit_log_export"),
    path("donnees-ouvertes/", views.open_data, name="open_data"),
    path("donnees-ouvertes/dictionnaire/", views.data_dictionary, name="data_dictionary"),
    path("donnees-ouvertes/demarches/<slug:slug>/", views.open_data_process, name="open_data_process"),
]
