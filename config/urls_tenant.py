"""URLs of a collectivity's site, on `<slug>.<root domain>` and its custom domains."""

from django.urls import include, path

from shared_apps.accounts import views as accounts_views

urlpatterns = [
    path("", include("tenant_apps.portal.urls")),
    path("", include("tenant_apps.participation.urls")),
    path("", include("tenant_apps.votes.urls")),
    path("", include("tenant_apps.budgets.urls")),
    path("", include("tenant_apps.discussion.urls")),
    path("", include("tenant_apps.notifications.urls")),
    path("", include("tenant_apps.moderation.urls")),
    path("gestion/", include("tenant_apps.backoffice.urls")),
    path("gestion/instruction/", include("tenant_apps.review.urls")),
    path("gestion/statistiques/", include("tenant_apps.statistics.urls")),
    path("", include("tenant_apps.exports.urls")),
    path("api/", include("tenant_apps.api.urls")),
    path("", include("tenant_apps.identity.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("comptes/", include("allauth.urls")),
    path("invitation/<str:token>/", accounts_views.invitation_accept_view, name="invitation_accept"),
]

handler404 = "shared_apps.core.views.page_not_found"
handler500 = "shared_apps.core.views.server_error"
