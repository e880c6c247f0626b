"""What the city's public site shows from its settings: home page blocks, texts and menu links."""

from django.core.cache import cache
from django.utils.translation import get_language

from tenant_apps.portal.models import DEFAULT_HOME_BLOCKS, HOME_BLOCKS, SiteSettings


def site_settings_get() -> SiteSettings:
    """The city's settings row, or an unsaved one with the defaults when the city has saved none (1 query)."""
    settings = SiteSettings.objects.filter(singleton=True).first()
    if settings is None:
        settings = SiteSettings(home_blocks=list(DEFAULT_HOME_BLOCKS), menu=[])
    return settings


def _in_reader_language(french: str, english: str) -> str:
    """The English text for an English reader when there is one; French otherwise."""
    if (get_language() or "fr").startswith("en") and english.strip():
        return english
    return french


def home_blocks_ordered(settings: SiteSettings) -> list[str]:
    """The blocks to show, in the city's order; the defaults when none is chosen (an unknown key is skipped)."""
    blocks = [key for key in (settings.home_blocks or []) if key in HOME_BLOCKS]
    return blocks or list(DEFAULT_HOME_BLOCKS)


def home_texts(settings: SiteSettings) -> dict:
    return {
        "intro": _in_reader_language(settings.home_intro_fr, settings.home_intro_en),
        "custom_text": _in_reader_language(settings.home_custom_text_fr, settings.home_custom_text_en),
    }


def menu_links(menu: list | None) -> list[dict]:
    """[{"label", "url"}] in the reader's language, from the stored menu."""
    links = []
    for item in menu or []:
        if not isinstance(item, dict) or not item.get("url") or not item.get("label_fr"):
            continue
        links.append({"label": _in_reader_language(item["label_fr"], item.get("label_en", "")), "url": item["url"]})
    return links


# Every page shows the menu: it is cached per collectivity (the cache key carries the schema).
MENU_CACHE_KEY = "portal:site-menu"


def site_menu_get() -> list[dict]:
    """The extra links of the main menu, in the reader's language (cached: no query on most pages)."""
    menu = cache.get(MENU_CACHE_KEY)
    if menu is None:
        menu = SiteSettings.objects.filter(singleton=True).values_list("menu", flat=True).first() or []
        cache.set(MENU_CACHE_KEY, menu, 3600)
    return menu_links(menu)
