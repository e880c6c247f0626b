from django.urls import path

from tenant_apps.votes import views

app_name = "votes"

urlpatterns = [
    path("contributions/<int:pk>/vote/", views.vote_cast, name="cast"),
    path("contributions/<int:pk>/vote/retirer/", views.vote_withdraw, name="withdraw"),
]
