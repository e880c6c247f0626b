"""The operator REST API: the console's operations, for scripted onboarding. Token authentication."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.catalogue import MODULES
from provisioning import services
from provisioning.models import CollectivityTemplate, ProvisioningJob
from provisioning.selectors import console_collectivity_list
from tenants.models import Collectivity


class IsOperator(permissions.BasePermission):
    message = "Operators only."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class OperatorApi(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsOperator]


def _raise_drf(exc: DjangoValidationError):
    raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class CollectivityOutputSerializer(serializers.ModelSerializer):
    hosts = serializers.SerializerMethodField()
    modules = serializers.SerializerMethodField()
    exports = serializers.SerializerMethodField()

    class Meta:
        model = Collectivity
        fields = ["slug", "name", "kind", "status", "population", "insee_code", "siren", "contact_email",
                  "primary_colour", "locale", "timezone", "hosts", "modules", "exports", "deletion_due_at",
                  "created_at"]

    def get_hosts(self, obj) -> list[str]:
        return [d.domain for d in obj.domains.all()]

    def get_exports(self, obj) -> list[dict]:
        return [{"path": e.path, "size": e.size, "created_at": e.created_at.isoformat()} for e in obj.exports.all()]

    def get_modules(self, obj) -> list[str]:
        return [lic.module for lic in obj.licences.all() if lic.is_allowed]


class JobOutputSerializer(serializers.ModelSerializer):
    collectivity = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    progress = serializers.IntegerField(read_only=True)

    class Meta:
        model = ProvisioningJob
        fields = ["id", "collectivity", "status", "progress", "steps_done", "current_step", "method", "error",
                  "attempts", "seconds", "created_at", "finished_at"]


class CollectivityCreateSerializer(serializers.Serializer):
    slug = serializers.CharField(max_length=63)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Collectivity.Kind.choices)
    admin_email = serializers.EmailField()
    admin_name = serializers.CharField(max_length=150, required=False, default="")
    population = serializers.IntegerField(required=False, min_value=0)
    insee_code = serializers.CharField(required=False, default="")
    siren = serializers.CharField(required=False, default="")
    contact_email = serializers.EmailField(required=False, default="")
    modules = serializers.ListField(child=serializers.ChoiceField(choices=list(MODULES)), required=False)
    template = serializers.SlugRelatedField(slug_field="name", queryset=CollectivityTemplate.objects.all(),
                                            required=False)


class CollectivityUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    population = serializers.IntegerField(required=False, min_value=0, allow_null=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    primary_colour = serializers.CharField(required=False)
    locale = serializers.CharField(required=False)
    modules = serializers.ListField(child=serializers.ChoiceField(choices=list(MODULES)), required=False)


class DomainInputSerializer(serializers.Serializer):
    domain = serializers.CharField(max_length=253)
    is_primary = serializers.BooleanField(default=False)


def _collectivity(slug: str) -> Collectivity:
    return get_object_or_404(Collectivity.objects.prefetch_related("domains", "licences"), slug=slug)


class CollectivityListApi(OperatorApi):
    @extend_schema(responses=CollectivityOutputSerializer(many=True))
    def get(self, request):
        qs = console_collectivity_list(q=request.query_params.get("q", ""),
                                       status=request.query_params.get("status", ""),
                                       kind=request.query_params.get("kind", "")).prefetch_related("domains")
        return Response(CollectivityOutputSerializer(qs, many=True).data)

    @extend_schema(request=CollectivityCreateSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        data = CollectivityCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            job = services.collectivity_provision(actor=request.user, modules=values.pop("modules", None), **values)
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response(JobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class CollectivityDetailApi(OperatorApi):
    @extend_schema(responses=CollectivityOutputSerializer)
    def get(self, request, slug):
        return Response(CollectivityOutputSerializer(_collectivity(slug)).data)

    @extend_schema(request=CollectivityUpdateSerializer, responses=CollectivityOutputSerializer)
    def patch(self, request, slug):
        collectivity = _collectivity(slug)
        data = CollectivityUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        modules = values.pop("modules", None)
        try:
            if values:
                services.collectivity_update(collectivity=collectivity, actor=request.user, **values)
            if modules is not None:
                services.collectivity_license_modules(collectivity=collectivity, modules=modules,
                                                      actor=request.user)
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response(CollectivityOutputSerializer(_collectivity(slug)).data)


class CollectivityActionApi(OperatorApi):
    ACTIONS = ("suspend", "reactivate", "archive", "export", "schedule-deletion", "delete")

    @extend_schema(operation_id="operator_collectivity_action", request=None,
                   responses=CollectivityOutputSerializer)
    def post(self, request, slug, action):
        if action not in self.ACTIONS:
            return Response({"detail": f"unknown action {action}"}, status=status.HTTP_404_NOT_FOUND)
        collectivity = _collectivity(slug)
        try:
            if action in ("suspend", "reactivate", "archive"):
                services.collectivity_change_status(collectivity=collectivity, action=action, actor=request.user)
            elif action == "export":
                services.collectivity_export_start(collectivity=collectivity, actor=request.user)
                return Response({"detail": "export started"}, status=status.HTTP_202_ACCEPTED)
            elif action == "schedule-deletion":
                services.collectivity_schedule_deletion(collectivity=collectivity, actor=request.user)
            elif action == "delete":
                services.collectivity_delete(collectivity=collectivity, actor=request.user)
                return Response(status=status.HTTP_204_NO_CONTENT)
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response(CollectivityOutputSerializer(_collectivity(slug)).data)


class DomainCreateApi(OperatorApi):
    @extend_schema(request=DomainInputSerializer, responses=CollectivityOutputSerializer)
    def post(self, request, slug):
        collectivity = _collectivity(slug)
        data = DomainInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.domain_add(collectivity=collectivity, actor=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response(CollectivityOutputSerializer(_collectivity(slug)).data, status=status.HTTP_201_CREATED)


class JobDetailApi(OperatorApi):
    @extend_schema(responses=JobOutputSerializer)
    def get(self, request, job_id):
        return Response(JobOutputSerializer(get_object_or_404(ProvisioningJob, pk=job_id)).data)


class JobRetryApi(OperatorApi):
    @extend_schema(request=None, responses={202: JobOutputSerializer})
    def post(self, request, job_id):
        job = get_object_or_404(ProvisioningJob, pk=job_id)
        try:
            job = services.provisioning_retry(job=job, actor=request.user)
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response(JobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)
