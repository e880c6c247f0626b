"""Site configuration: identity and home page, pages, districts, themes, departments, staff accounts."""

from django.urls import path

from tenant_apps.backoffice import views_site as views

urlpatterns = [
    path("site/", views.site, name="site"),
    path("pages/", views.pages, name="pages"),
    path("pages/<str:key>/", views.page_edit, name="page_edit"),
    path("quartiers/", views.districts, name="districts"),
    path("quartiers/nouveau/", views.district_create_view, name="district_create"),
    path("quartiers/import/", views.district_import, name="district_import"),
    path("quartiers/<int:pk>/", views.district_edit, name="district_edit"),
    path("quartiers/<int:pk>/suppression/", views.district_delete, name="district_delete"),
    path("thematiques/", views.themes, name="themes"),
    path("thematiques/nouvelle/", views.theme_create_view, name="theme_create"),
    path("thematiques/<int:pk>/", views.theme_edit, name="theme_edit"),
    path("thematiques/<int:pk>/suppression/", views.theme_delete, name="theme_delete"),
    path("services/", views.departments, name="departments"),
    path("services/nouveau/", views.department_create_view, name="department_create"),
    path("services/<int:pk>/", views.department_edit, name="department_edit"),
    path("equipe/", views.staff, name="staff"),
    path("equipe/invitation/", views.staff_invite, name="staff_invite"),
    path("equipe/<int:pk>/", views.staff_edit, name="staff_edit"),
]
