from tenant_apps.notifications.selectors import unread_count


def unread(request):
    """{"unread_notifications": n} for a signed-in visitor of a collectivity's site (one query; none otherwise)."""
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if tenant is None or tenant.is_public or user is None or not user.is_authenticated:
        return {"unread_notifications": 0}  # the control plane has no notifications table
    return {"unread_notifications": unread_count(user)}
