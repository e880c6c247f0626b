from django import template
from django.utils.html import format_html, format_html_join

from tenant_apps.participation.models import Status

register = template.Library()


@register.simple_tag(takes_context=True)
def status_styles(context):
    """Colours of the city's statuses as classes, in a nonce'd <style> (the CSP refuses style attributes)."""
    rows = Status.objects.values_list("pk", "colour")
    rules = format_html_join("", ".status-{} {{ --badge: {}; }}\n", ((pk, colour) for pk, colour in rows
                                                                    if _is_hex(colour)))
    return format_html('<style nonce="{}">{}</style>', context.get("csp_nonce", ""), rules)


def _is_hex(colour: str) -> bool:
    return len(colour) == 7 and colour[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in colour[1:])
