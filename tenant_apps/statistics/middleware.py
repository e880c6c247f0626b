"""Counts the visitors of the public pages (see services.visit_record): no cookie, nothing identifying kept."""

import re

from django.conf import settings
from django.db import connection

from tenant_apps.statistics.services import visit_record

ROBOTS = re.compile(r"bot|crawl|spider|slurp", re.IGNORECASE)
# The pages of a process set `request.visited_process_id` (participation views): the view has the
# process in hand, so counting its visitors costs no query here.
VISITED_PROCESS = "visited_process_id"


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
            visit_record(request=request, process=getattr(request, VISITED_PROCESS, None))
        return response
