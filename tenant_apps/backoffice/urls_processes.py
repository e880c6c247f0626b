"""Back-office routes for processes, phases, statuses and notification texts (administrators)."""

from django.urls import path

from tenant_apps.backoffice import views_processes as views

urlpatterns = [
    path("demarches/", views.processes, name="processes"),
    path("demarches/nouvelle/", views.process_create, name="process_create"),
    path("demarches/<int:pk>/", views.process_edit, name="process_edit"),
    path("demarches/<int:pk>/phases/", views.process_phases, name="process_phases"),
    path("demarches/<int:pk>/publier/", views.process_publish, name="process_publish"),
    path("demarches/<int:pk>/archiver/", views.process_archive, name="process_archive"),
    path("demarches/<int:pk>/apercu/", views.process_preview, name="process_preview"),
    path("demarches/<int:pk>/dupliquer/", views.process_duplicate, name="process_duplicate"),
    path("phases/<int:pk>/", views.phase_edit, name="phase_edit"),
    path("phases/<int:pk>/deplacer/", views.phase_move, name="phase_move"),
    path("phases/<int:pk>/supprimer/", views.phase_remove, name="phase_remove"),
    path("statuts/", views.statuses, name="statuses"),
    path("statuts/<int:pk>/", views.status_edit, name="status_edit"),
    path("statuts/<int:pk>/supprimer/", views.status_delete, name="status_delete"),
    path("textes/", views.notification_texts, name="notification_texts"),
    path("textes/<slug:kind>/", views.notification_text_edit, name="notification_text_edit"),
]
