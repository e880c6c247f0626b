from django import template

from tenant_apps.budgets.common import money as _money

register = template.Library()


@register.filter
def money(value):
    """`{{ project.cost|money }}` → `1 250 000 €`."""
    return _money(value)


@register.filter
def percent_of(part, whole):
    """Share of `whole` that `part` is, as a whole percentage (0 when `whole` is 0)."""
    try:
        return round(100 * int(part) / int(whole)) if int(whole) else 0
    except (TypeError, ValueError):
        return 0
