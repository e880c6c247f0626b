from django.urls import path

from tenant_apps.portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("conditions-utilisation/", views.page, {"key": "terms"}, name="terms"),
    path("accessibilite/", views.page, {"key": "accessibility"}, name="accessibility"),
    path("mentions-legales/", views.page, {"key": "legal_notice"}, name="legal_notice"),
    path("donnees-personnelles/", views.page, {"key": "privacy"}, name="privacy"),
    path("mon-compte/", views.my_account, name="my_account"),
]
