from shared_apps.core.colours import parse_hex_colour


def collectivity(request):
    """The collectivity of the current host (None on the control plane) and its branding."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public:
        return {"collectivity": None, "brand_colour": "#000091"}
    colour = tenant.primary_colour if parse_hex_colour(tenant.primary_colour) else "#000091"
    return {"collectivity": tenant, "brand_colour": colour}
