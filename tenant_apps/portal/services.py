"""Writes on the city's site settings: home page texts and blocks, extra menu links."""

import re
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.audit.services import city_audit_record
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.portal.models import DEFAULT_HOME_BLOCKS, HOME_BLOCKS, SiteSettings
from tenant_apps.portal.selectors import MENU_CACHE_KEY, site_settings_get

__all__ = ["menu_url_clean", "site_settings_get", "site_settings_update"]

MAX_MENU_LINKS = 12
MAX_LABEL_LENGTH = 60
MAX_URL_LENGTH = 500
_TEXT_FIELDS = ("home_intro_fr", "home_intro_en", "home_custom_text_fr", "home_custom_text_en")
_UNSAFE_CHARACTERS = re.compile(r"[\s\\\x00-\x1f\x7f]")
_https = URLValidator(schemes=["https"])


def _admin_check(actor) -> None:
    if not (actor is not None and actor.is_authenticated and actor.is_active and actor.role == "city_admin"):
        raise NotAllowed("admin_only", _("Only the city's administrators can do this."))


def menu_url_clean(url: str) -> str:
    """A path on this site ("/...") or an https address; anything else (javascript:, data:, http:) is refused."""
    url = (url or "").strip()
    refused = Invalid("menu_url", _("Give a path on this site starting with / or an address starting with https://."))
    if not url or len(url) > MAX_URL_LENGTH or _UNSAFE_CHARACTERS.search(url):
        raise refused
    if url.startswith("/"):
        # "//host" is an address on another site with the page's scheme, not a path.
        if url.startswith("//"):
            raise refused
        return url
    if urlsplit(url).scheme.lower() != "https":
        raise refused
    try:
        _https(url)
    except ValidationError:
        raise refused from None
    return url


def _blocks_clean(blocks) -> list[str]:
    if not isinstance(blocks, list | tuple) or not blocks:
        raise Invalid("home_blocks", _("Choose at least one block for the home page."))
    unknown = [key for key in blocks if key not in HOME_BLOCKS]
    if unknown:
        raise Invalid("home_blocks", _("Unknown home page block."))
    if len(set(blocks)) != len(blocks):
        raise Invalid("home_blocks", _("Each block can appear only once."))
    return list(blocks)


def _menu_clean(menu) -> list[dict]:
    if not isinstance(menu, list | tuple):
        raise Invalid("menu", _("The menu is not valid."))
    if len(menu) > MAX_MENU_LINKS:
        raise Invalid("menu", _("The menu can hold %(n)s extra links at most.") % {"n": MAX_MENU_LINKS})
    cleaned = []
    for item in menu:
        label_fr = str(item.get("label_fr", "")).strip()
        label_en = str(item.get("label_en", "")).strip()
        if not label_fr:
            raise Invalid("menu_label", _("Each menu link needs a French label."))
        if len(label_fr) > MAX_LABEL_LENGTH or len(label_en) > MAX_LABEL_LENGTH:
            raise Invalid("menu_label", _("A menu label has %(n)s characters at most.") % {"n": MAX_LABEL_LENGTH})
        cleaned.append({"label_fr": label_fr, "label_en": label_en, "url": menu_url_clean(item.get("url", ""))})
    return cleaned


@transaction.atomic
def site_settings_update(*, actor, **fields) -> SiteSettings:
    """Change the home page (texts, blocks in order) and the extra menu links; creates the row on first save.

    Accepted fields: home_intro_fr, home_intro_en, home_custom_text_fr, home_custom_text_en, home_blocks, menu.
    """
    _admin_check(actor)
    unknown = set(fields) - {*_TEXT_FIELDS, "home_blocks", "menu"}
    if unknown:
        raise Invalid("field", _("This field cannot be changed."))
    changes = {name: str(fields[name] or "").strip() for name in _TEXT_FIELDS if name in fields}
    if "home_blocks" in fields:
        changes["home_blocks"] = _blocks_clean(fields["home_blocks"])
    if "menu" in fields:
        changes["menu"] = _menu_clean(fields["menu"])
    row, _created = SiteSettings.objects.get_or_create(singleton=True,
                                                       defaults={"home_blocks": list(DEFAULT_HOME_BLOCKS)})
    settings = SiteSettings.objects.select_for_update().get(pk=row.pk)
    changed = sorted(name for name, value in changes.items() if getattr(settings, name) != value)
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.save()
    # Forget the cached menu now and again once committed (a reader may re-cache the old one meanwhile).
    cache.delete(MENU_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(MENU_CACHE_KEY))
    city_audit_record(actor=actor, action="site.settings_update", target=settings, fields=changed)
    return settings
