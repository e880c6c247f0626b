from django.urls import path

from tenant_apps.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.platform, name="platform"),
    path("demarches/<int:pk>/", views.process, name="process"),
    path("comparer/<str:kind>/", views.compare, name="compare"),
]
