from django.urls import include, path

from tenant_apps.api import schema, views

app_name = "api"

urlpatterns = [
    path("v1/", include("tenant_apps.api.v1_urls")),
    path("schema/", schema.CitySchemaApi.as_view(), name="schema"),
    path("docs/", views.api_docs, name="docs"),
]
