"""Budget URLs (results); combined in tenant_apps/budgets/urls.py."""

urlpatterns = []
