"""Budget URLs (structure); combined in tenant_apps/budgets/urls.py."""

urlpatterns = []
