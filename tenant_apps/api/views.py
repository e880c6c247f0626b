"""The API's documentation page: server-rendered from the city's OpenAPI schema (no external script)."""

from django.shortcuts import render
from django.urls import reverse

from tenant_apps.api.docs import api_documentation


def api_docs(request):
    info, endpoints = api_documentation()
    return render(request, "api/docs.html", {
        "info": info,
        "endpoints": endpoints,
        "base_url": request.build_absolute_uri("/api/v1/"),
        "schema_url": request.build_absolute_uri(reverse("api:schema")),
        "processes_url": request.build_absolute_uri(reverse("api:processes")),
    })
