from django.urls import path

from provisioning import api

urlpatterns = [
    path("collectivities/", api.CollectivityListApi.as_view(), name="api_collectivities"),
    path("collectivities/<slug:slug>/", api.CollectivityDetailApi.as_view(), name="api_collectivity"),
    path("collectivities/<slug:slug>/domains/", api.DomainCreateApi.as_view(), name="api_domains"),
    path("collectivities/<slug:slug>/<str:action>/", api.CollectivityActionApi.as_view(), name="api_action"),
    path("jobs/<int:job_id>/", api.JobDetailApi.as_view(), name="api_job"),
    path("jobs/<int:job_id>/retry/", api.JobRetryApi.as_view(), name="api_job_retry"),
]
