from django.utils.functional import SimpleLazyObject


def accessibility(request):
    """{"accessibility_conformance": "none" | "partial" | "full"} for the footer (cached, read only if shown)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public:
        return {}
    from tenant_apps.pages.selectors import accessibility_conformance

    return {"accessibility_conformance": SimpleLazyObject(accessibility_conformance)}
