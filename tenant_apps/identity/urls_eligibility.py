"""Routes of eligibility: a process's rule and desk verification (back-office), where I live (citizen)."""

from django.urls import path

from tenant_apps.identity import views_eligibility as views

urlpatterns = [
    path("gestion/demarches/<int:pk>/eligibilite/", views.eligibility_edit, name="eligibility_edit"),
    path("gestion/guichet/", views.desk, name="desk"),
    path("gestion/guichet/<int:pk>/", views.desk_person, name="desk_person"),
    path("mon-compte/residence/", views.residence, name="residence"),
]
