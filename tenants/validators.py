"""Validation of the identifiers of a collectivity: slug (DNS label), SIREN, INSEE code, colours."""

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shared_apps.core.colours import contrast_ratio, parse_hex_colour

DNS_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")

# Sub-domains that belong to the platform, its infrastructure or are too easily confused with it.
RESERVED_SLUGS = frozenset({
    "www", "admin", "api", "static", "media", "mail", "smtp", "imap", "pop", "ftp", "webmail",
    "public", "status", "statut", "support", "aide", "help", "docs", "blog", "app", "assets",
    "cdn", "auth", "login", "sso", "id", "operateur", "operator", "console", "billing",
    "facturation", "parvis", "test", "demo-template", "template", "localhost", "healthz",
    "information_schema",
})


def validate_slug(value: str) -> None:
    if not DNS_LABEL_RE.match(value or ""):
        raise ValidationError(
            _("Use 1 to 63 lowercase letters, digits or hyphens, not starting or ending with a hyphen."),
            code="invalid_slug",
        )
    if value in RESERVED_SLUGS or value.startswith("pg-") or value.startswith("pg_"):
        raise ValidationError(_("“%(slug)s” is reserved."), code="reserved_slug", params={"slug": value})


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def validate_siren(value: str) -> None:
    if not re.fullmatch(r"\d{9}", value or "") or not luhn_is_valid(value):
        raise ValidationError(_("A SIREN number has 9 digits with a valid check digit."), code="invalid_siren")


def validate_insee_code(value: str) -> None:
    # Commune codes: 2 characters for the département (digits, or 2A/2B for Corsica), then 3 digits.
    if not re.fullmatch(r"(\d{2}|2[AB])\d{3}", value or ""):
        raise ValidationError(
            _("An INSEE code has 5 characters, for example 75056 or 2A004."), code="invalid_insee"
        )


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone “%(tz)s”."), code="invalid_timezone", params={"tz": value})


def validate_brand_colour(value: str) -> None:
    """The primary colour carries white text (buttons, header), so it must reach WCAG AA 4.5:1."""
    rgb = parse_hex_colour(value)
    if rgb is None:
        raise ValidationError(_("Enter a colour as #RRGGBB."), code="invalid_colour")
    ratio = contrast_ratio(rgb, (255, 255, 255))
    if ratio < 4.5:
        raise ValidationError(
            _("This colour is too light for white text (contrast %(ratio).1f:1, at least 4.5:1 needed)."),
            code="low_contrast",
            params={"ratio": ratio},
        )
