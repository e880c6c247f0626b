from django.urls import path

from tenant_apps.participation import views

app_name = "participation"

urlpatterns = [
    path("participer/", views.process_list, name="process_list"),
    path("participer/<slug:slug>/", views.process_detail, name="process_detail"),
    path("participer/<slug:slug>/couverture/", views.process_cover, name="process_cover"),
    path("participer/<slug:slug>/contributions/", views.contribution_list, name="contribution_list"),
    path("participer/<slug:slug>/contribuer/", views.contribution_create, name="contribution_create"),
    path("contributions/<int:pk>/", views.contribution_detail, name="contribution_detail"),
    path("contributions/<int:pk>/modifier/", views.contribution_edit, name="contribution_edit"),
    path("contributions/<int:pk>/statut/", views.contribution_status_change, name="status_change"),
    path("contributions/<int:pk>/reponse/", views.official_answer_publish, name="answer"),
    path("fichiers/<int:pk>/", views.attachment_download, name="attachment"),
]
