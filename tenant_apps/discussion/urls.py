from django.urls import path

from tenant_apps.discussion import views

app_name = "discussion"

urlpatterns = [
    path("contributions/<int:pk>/commentaires/", views.comment_post, name="comment_post"),
    path("commentaires/<int:pk>/modifier/", views.comment_edit, name="comment_edit"),
    path("commentaires/<int:pk>/supprimer/", views.comment_delete, name="comment_delete"),
    path("commentaires/<int:pk>/historique/", views.comment_history, name="comment_history"),
    path("contributions/<int:pk>/arguments/", views.argument_post, name="argument_post"),
    path("arguments/<int:pk>/supprimer/", views.argument_delete, name="argument_delete"),
]
