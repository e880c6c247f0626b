"""Counts the visitors of the public pages (see services.visit_record): no cookie, nothing identifying kept."""

import re

from django.conf import settings
from django.db import connection

from tenant_apps.statistics.services import visit_record

ROBOTS = re.compile(r"bot|crawl|spider|slurp", re.IGNORECASE)
# Public pages of a process: the URL names the process by its slug.
PROCESS_PAGES = {"process_detail", "contribution_list"}


def _process_id(match) -> int | None:
    from tenant_apps.participation.models import Contribution, Process  # noqa: PLC0415 (a tenant app's models)

    if match.url_name in PROCESS_PAGES and "slug" in match.kwargs:
        return Process.objects.filter(slug=match.kwargs["slug"]).values_list("id", flat=True).first()
    if match.url_name == "contribution_detail" and "pk" in match.kwargs:
        return Contribution.objects.filter(pk=match.kwargs["pk"]).values_list("process_id", flat=True).first()
    return None


class VisitMiddleware:
    """Records successful GETs of the home page and of the participation pages (HTML only), robots excepted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (request.method == "GET" and response.status_code == 200 and match is not None
                and "text/html" in response.get("Content-Type", "")
                and connection.schema_name != settings.PUBLIC_SCHEMA_NAME
                and (match.view_name == "home" or match.namespace == "participation")
                and not ROBOTS.search(request.META.get("HTTP_USER_AGENT", ""))):
            visit_record(request=request, process=_process_id(match))
        return response
