from django.urls import path

from provisioning import views

urlpatterns = [
    path("", views.console_home, name="console_home"),
    path("nouvelle/", views.collectivity_new, name="console_new"),
    path("modeles/", views.template_list, name="console_templates"),
    path("journal/", views.audit_log, name="console_audit"),
    path("jeton-api/", views.api_token, name="console_api_token"),
    path("provisionnements/<int:job_id>/", views.job_detail, name="console_job"),
    path("provisionnements/<int:job_id>/relancer/", views.job_retry, name="console_job_retry"),
    path("<slug:slug>/", views.collectivity_detail, name="console_collectivity"),
    path("<slug:slug>/modifier/", views.collectivity_edit, name="console_edit"),
    path("<slug:slug>/action/<str:action>/", views.collectivity_action, name="console_action"),
]
