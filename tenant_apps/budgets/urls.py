"""The budget module's pages: public ones under the process address, staff ones under /gestion/budgets/.

Each part of the module keeps its own list; they share the "budgets" namespace.
"""

from tenant_apps.budgets import urls_realisation, urls_results, urls_structure, urls_voting

app_name = "budgets"

urlpatterns = [
    *urls_structure.urlpatterns,
    *urls_voting.urlpatterns,
    *urls_results.urlpatterns,
    *urls_realisation.urlpatterns,
]
