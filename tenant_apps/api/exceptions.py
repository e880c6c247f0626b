"""Every error of the city API has one JSON shape: {"code", "detail"} (and "errors" per field on a 400).

Services raise ApplicationError (NotAllowed → 403, Invalid → 400) with a stable code and a message for
people; DRF's own exceptions (bad JSON, unsupported media type, CSRF failure...) are reshaped the same way.
Applied by `CityApi.get_exception_handler`, so the operator API and the global settings are untouched.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from shared_apps.core.errors import ApplicationError


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response({"code": exc.code, "detail": exc.message}, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found: it does not exist here, or you cannot see it."), code="not_found")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": "invalid", "detail": _("The data sent is not valid."), "errors": exc.detail}
    elif isinstance(exc, exceptions.NotAuthenticated):
        response.data = {"code": "login_required", "detail": _("Sign in to take part.")}
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {"code": codes if isinstance(codes, str) else "error", "detail": str(exc.detail)}
    return response
