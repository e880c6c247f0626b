"""Budget URLs (realisation); combined in tenant_apps/budgets/urls.py."""

urlpatterns = []
