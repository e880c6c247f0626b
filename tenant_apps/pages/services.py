from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.pages.defaults import DEFAULTS
from tenant_apps.pages.models import Page
from tenant_apps.pages.selectors import CONFORMANCE_CACHE_KEY


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


@transaction.atomic
def page_update(*, page: Page, actor, title_fr: str, title_en: str, body_fr: str, body_en: str,
                conformance: str | None = None) -> Page:
    """Change a page's title and text in French and English (city administrators only)."""
    if not (actor is not None and actor.is_authenticated and actor.is_active and actor.role == "city_admin"):
        raise NotAllowed("admin_only", _("Only the city's administrators can do this."))
    values = {"title_fr": title_fr.strip(), "title_en": title_en.strip(), "body_fr": body_fr.strip(),
              "body_en": body_en.strip()}
    if not all(values.values()):
        raise Invalid("page_empty", _("Give the page a title and a text in French and in English."))
    if conformance and page.key == Page.Key.ACCESSIBILITY:
        if conformance not in Page.Conformance.values:
            raise Invalid("conformance", _("Choose a conformance level."))
        values["conformance"] = conformance
    changed = sorted(name for name, value in values.items() if getattr(page, name) != value)
    for name, value in values.items():
        setattr(page, name, value)
    page.save()
    transaction.on_commit(lambda: cache.delete(CONFORMANCE_CACHE_KEY))
    cache.delete(CONFORMANCE_CACHE_KEY)
    city_audit_record(actor=actor, action="page.update", target=page, key=page.key, fields=changed)
    return page
