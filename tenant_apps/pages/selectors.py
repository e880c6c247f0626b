from django.core.cache import cache

from tenant_apps.pages.models import Page

# The footer of every page states the conformance level: cached per collectivity (the key carries the schema).
CONFORMANCE_CACHE_KEY = "pages:accessibility-conformance"


def accessibility_conformance() -> str:
    """The level declared by the accessibility statement (cached; "none" when there is no statement)."""
    level = cache.get(CONFORMANCE_CACHE_KEY)
    if level is None:
        level = (Page.objects.filter(key=Page.Key.ACCESSIBILITY).values_list("conformance", flat=True).first()
                 or Page.Conformance.NONE)
        cache.set(CONFORMANCE_CACHE_KEY, level, 3600)
    return level
