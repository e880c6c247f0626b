from django.urls import path

from tenant_apps.moderation import views

app_name = "moderation"

urlpatterns = [
    path("signaler/<str:kind>/<int:pk>/", views.flag, name="flag"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/journal/", views.log, name="log"),
    path("moderation/comptes/<int:pk>/<str:action>/", views.account, name="account"),
    path("moderation/<str:kind>/<int:pk>/<str:action>/", views.act, name="act"),
]
