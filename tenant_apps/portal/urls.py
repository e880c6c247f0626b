from django.urls import path

from tenant_apps.portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("conditions-utilisation/", views.terms, name="terms"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mon-compte/", views.my_account, name="my_account"),
]
