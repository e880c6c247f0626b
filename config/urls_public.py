"""URLs of the control plane, on the root domain (PARVIS_ROOT_DOMAIN)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from shared_apps.accounts import views as accounts_views
from tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.control_plane_home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/", include("provisioning.urls")),
    path("api/operator/", include("provisioning.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("comptes/", include("allauth.urls")),
    path("invitation/<str:token>/", accounts_views.invitation_accept_view, name="invitation_accept"),
]

handler404 = "shared_apps.core.views.page_not_found"
handler500 = "shared_apps.core.views.server_error"
