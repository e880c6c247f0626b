"""The review of contributions by the city's staff, at /gestion/instruction/."""

from django.urls import path

from tenant_apps.review import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("statut-groupe/", views.bulk_status, name="bulk_status"),
    path("<int:pk>/", views.contribution, name="contribution"),
    path("<int:pk>/attribuer/", views.assign, name="assign"),
    path("<int:pk>/note/", views.note, name="note"),
    path("<int:pk>/statut/", views.status, name="status"),
    path("<int:pk>/reponse/", views.answer, name="answer"),
    path("<int:pk>/fusionner/", views.merge, name="merge"),
]
