"""The endpoints of the city API, version 1: included under /api/v1/ in the "api" namespace, and
described by the city's OpenAPI schema (tenant_apps.api.schema)."""

from django.urls import path

from tenant_apps.api import api

urlpatterns = [
    path("processes/", api.ProcessListApi.as_view(), name="processes"),
    path("processes/<slug:slug>/", api.ProcessDetailApi.as_view(), name="process_detail"),
    path("processes/<slug:slug>/statuses/", api.ProcessStatusListApi.as_view(), name="process_statuses"),
    path("processes/<slug:slug>/contributions/", api.ProcessContributionListApi.as_view(),
         name="process_contributions"),
    path("contributions/<int:pk>/", api.ContributionDetailApi.as_view(), name="contribution_detail"),
    path("contributions/<int:pk>/comments/", api.ContributionCommentListApi.as_view(),
         name="contribution_comments"),
    path("contributions/<int:pk>/vote/", api.ContributionVoteApi.as_view(), name="contribution_vote"),
]
