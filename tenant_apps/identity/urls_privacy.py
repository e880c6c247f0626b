from django.urls import path

from tenant_apps.identity import views_privacy as views

urlpatterns = [
    path("mon-compte/donnees/", views.my_data, name="my_data"),
    path("mon-compte/donnees/telecharger/", views.my_data_download, name="my_data_download"),
    path("mon-compte/profil/", views.profile, name="profile"),
    path("mon-compte/suppression/", views.account_delete, name="account_delete"),
    path("compte-supprime/", views.account_deleted, name="account_deleted"),
    path("gestion/donnees-personnelles/", views.privacy_settings, name="privacy_settings"),
]
