from django.utils.functional import SimpleLazyObject

from tenant_apps.portal.selectors import site_menu_get


def site_menu(request):
    """{"site_menu": [{"label", "url"}]}: the city's extra menu links in the reader's language.

    No query on the control plane (it has no site settings table); on a city's site one query, made
    only when a template reads the links.
    """
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public:
        return {"site_menu": []}
    return {"site_menu": SimpleLazyObject(site_menu_get)}
