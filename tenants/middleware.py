from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Collectivity


def control_plane_tenant() -> Collectivity:
    """The public schema as a request tenant: the control plane has no collectivity row."""
    return Collectivity(schema_name=settings.PUBLIC_SCHEMA_NAME, slug="", name="Parvis",
                        status=Collectivity.Status.ACTIVE)


class CollectivityMiddleware(TenantMainMiddleware):
    """Routes the root domain to the control plane and every other host to its collectivity.

    An unknown host gets `tenants.views.unknown_host` (DEFAULT_NOT_FOUND_TENANT_VIEW), a 404 page.
    """

    def get_tenant(self, domain_model, hostname):
        if hostname == settings.PARVIS_ROOT_DOMAIN:
            return control_plane_tenant()
        return super().get_tenant(domain_model, hostname)


class CollectivityLocaleMiddleware(LocaleMiddleware):
    """The visitor's choice (language cookie) first, then the collectivity's default language.

    The browser's Accept-Language is not used: a French public body's site opens in its own language,
    and the switcher on every page offers the other one.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        tenant = getattr(request, "tenant", None)
        if chosen and translation.check_for_language(chosen):
            language = chosen
        elif tenant is not None and not tenant.is_public and translation.check_for_language(tenant.locale):
            language = tenant.locale
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class CollectivityStatusMiddleware:
    """What a collectivity's status means for its visitors.

    provisioning / suspended: a maintenance page (503); on a suspended site city admins can still sign
    in and work, to export their data. archived: pages stay readable, nothing can be submitted.
    """

    ACCOUNT_PATHS = ("/comptes/", "/i18n/", "/invitation/")
    # Leaving a mailing list must work whatever state the platform is in (e-mails already sent).
    UNSUBSCRIBE_PATH = "/notifications/desabonnement/"
    # API clients get the same refusals as JSON.
    API_PATH = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.is_public:
            return self.get_response(request)
        status = tenant.status
        if status == Collectivity.Status.PROVISIONING or (
            status == Collectivity.Status.SUSPENDED
            and not request.path.startswith((*self.ACCOUNT_PATHS, self.UNSUBSCRIBE_PATH))
            and not (request.user.is_authenticated and request.user.role == "city_admin")
        ):
            if request.path.startswith(self.API_PATH):
                response = JsonResponse({"code": "unavailable", "detail": str(_("This platform is closed for now."))},
                                        status=503)
            else:
                response = render(request, "errors/maintenance.html", {"status": status}, status=503)
            response["Retry-After"] = "3600"
            return response
        if (
            status == Collectivity.Status.ARCHIVED
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and not request.path.startswith(("/comptes/login/", "/comptes/logout/", "/comptes/franceconnect/", "/i18n/",
                                          self.UNSUBSCRIBE_PATH))
        ):
            if request.path.startswith(self.API_PATH):
                return JsonResponse({"code": "archived", "detail": str(_(
                    "This platform is archived: you can read it, nothing new can be submitted."))}, status=403)
            return render(request, "errors/archived.html", status=403)
        return self.get_response(request)
