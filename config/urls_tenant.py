"""URLs of a collectivity's site, on `<slug>.<root domain>` and its custom domains."""

from django.urls import include, path

urlpatterns = [
    path("", include("tenant_apps.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("comptes/", include("allauth.urls")),
]

handler404 = "shared_apps.core.views.page_not_found"
handler500 = "shared_apps.core.views.server_error"
