"""Budget URLs (voting); combined in tenant_apps/budgets/urls.py."""

urlpatterns = []
