"""URLs of the control plane, on the root domain (PARVIS_ROOT_DOMAIN)."""

from django.urls import include, path

from tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.control_plane_home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("comptes/", include("allauth.urls")),
]

handler404 = "shared_apps.core.views.page_not_found"
handler500 = "shared_apps.core.views.server_error"
