from django.utils import translation

from tenant_apps.pages.defaults import DEFAULTS
from tenant_apps.pages.models import Page


def _texts(key: str, language: str, name: str) -> tuple[str, str]:
    title, body = DEFAULTS[key]
    with translation.override(language):
        return str(title), str(body) % {"name": name}


def pages_seed_defaults(*, collectivity) -> None:
    """Create the pages the collectivity does not have yet, in French and English. Idempotent."""
    existing = set(Page.objects.values_list("key", flat=True))
    for key in DEFAULTS:
        if key in existing:
            continue
        title_fr, body_fr = _texts(key, "fr", collectivity.name)
        title_en, body_en = _texts(key, "en", collectivity.name)
        Page.objects.create(key=key, title_fr=title_fr, title_en=title_en, body_fr=body_fr, body_en=body_en)


def pages_export() -> list[dict]:
    return list(Page.objects.values("key", "title_fr", "title_en", "body_fr", "body_en"))


def pages_apply(data: list[dict]) -> None:
    for row in data:
        Page.objects.update_or_create(key=row["key"], defaults={k: v for k, v in row.items() if k != "key"})
