from django.urls import path

from tenant_apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("suivre/processus/<slug:slug>/", views.follow_process, name="follow_process"),
    path("suivre/contributions/<int:pk>/", views.follow_contribution, name="follow_contribution"),
    path("notifications/", views.notification_list, name="list"),
    path("notifications/lues/", views.mark_read, name="mark_read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
