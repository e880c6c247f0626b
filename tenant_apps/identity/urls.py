import importlib

app_name = "identity"

urlpatterns: list = []
for _area in ("franceconnect", "eligibility", "privacy"):
    try:
        urlpatterns += importlib.import_module(f"tenant_apps.identity.urls_{_area}").urlpatterns
    except ModuleNotFoundError as error:
        if error.name != f"tenant_apps.identity.urls_{_area}":
            raise
