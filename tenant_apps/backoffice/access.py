"""Who may open the back-office: the city's staff, and its administrators for configuration."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from tenant_apps.participation.permissions import STAFF_ROLES


def _guard(roles):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active or user.role not in roles:
                return render(request, "backoffice/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Agents and administrators: review, statistics, exports.
staff_required = _guard(STAFF_ROLES)
# Administrators only: the site's configuration, processes, staff accounts.
admin_required = _guard(frozenset({"city_admin"}))


def is_city_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == "city_admin")


def refusal(request, roles: str = "staff"):
    """None if the user may go on, else the response to return (login redirect or 403 page).

    For views that look their object up first (404 on another collectivity), then check the role.
    """
    allowed = STAFF_ROLES if roles == "staff" else frozenset({"city_admin"})
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user.is_active or user.role not in allowed:
        return render(request, "backoffice/forbidden.html", status=403)
    return None
