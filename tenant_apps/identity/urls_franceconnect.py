"""FranceConnect URLs, included by tenant_apps/identity/urls.py (namespace "identity") at the site's root.

Sign-in paths sit under /comptes/ with allauth's own, so they follow the same rules (a suspended site
still lets its administrators reach the account pages).
"""

from django.urls import path

from tenant_apps.identity import views_franceconnect as views

urlpatterns = [
    path("comptes/franceconnect/connexion/", views.franceconnect_login, name="franceconnect_login"),
    path("comptes/franceconnect/retour/", views.franceconnect_callback, name="franceconnect_callback"),
    path("comptes/franceconnect/deconnexion/", views.franceconnect_logout, name="franceconnect_logout"),
    path("comptes/franceconnect/deconnexion/retour/", views.franceconnect_logout_return,
         name="franceconnect_logout_return"),
    path("gestion/franceconnect/", views.franceconnect_settings, name="franceconnect_settings"),
]
