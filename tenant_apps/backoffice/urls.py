"""The city's back-office at /gestion/. Each area keeps its routes in its own module."""

from django.urls import path

from tenant_apps.backoffice import urls_processes, urls_site, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    *urls_site.urlpatterns,
    *urls_processes.urlpatterns,
]
