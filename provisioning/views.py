"""The operator console, on the root domain. Operators only; the second factor is enforced by middleware."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from provisioning import services
from provisioning.forms import (
    CollectivityCreateForm,
    CollectivityEditForm,
    CollectivitySearchForm,
    DomainForm,
    TemplateSaveForm,
)
from provisioning.models import CollectivityTemplate, ProvisioningJob
from provisioning.registry import usage_counters
from provisioning.selectors import audit_list, console_collectivity_list
from shared_apps.audit.services import audit_record
from tenants.models import Collectivity


def operator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _errors_to_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@operator_required
def console_home(request):
    form = CollectivitySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    collectivities = console_collectivity_list(**{k: v for k, v in filters.items() if v})
    return render(request, "console/home.html", {"form": form, "collectivities": collectivities})


@operator_required
def collectivity_new(request):
    form = CollectivityCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        fields = {k: data.pop(k) for k in list(data) if k not in (
            "slug", "name", "kind", "admin_email", "admin_name", "modules", "template")}
        fields = {k: v for k, v in fields.items() if v not in (None, "")}
        try:
            job = services.collectivity_provision(
                slug=data["slug"], name=data["name"], kind=data["kind"], admin_email=data["admin_email"],
                admin_name=data["admin_name"], modules=data["modules"] or None, template=data["template"],
                actor=request.user, **fields,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("console_job", job_id=job.pk)
    return render(request, "console/collectivity_form.html", {"form": form, "creating": True})


@operator_required
def collectivity_detail(request, slug):
    collectivity = get_object_or_404(Collectivity, slug=slug)
    usage = collectivity.usage.first()
    usage_rows = [(counter.label, usage.counters[name]) for name, counter in usage_counters.items()
                  if usage and name in usage.counters]
    # `city`, not `collectivity`: that name is the collectivity of the current site (none here).
    return render(request, "console/collectivity_detail.html", {
        "city": collectivity,
        "domains": collectivity.domains.order_by("-is_primary", "domain"),
        "licences": collectivity.licences.all(),
        "jobs": collectivity.jobs.all()[:10],
        "exports": collectivity.exports.all()[:10],
        "usage": usage,
        "usage_rows": usage_rows,
        "audit": audit_list(collectivity_slug=slug, limit=30),
        "domain_form": DomainForm(),
        "template_form": TemplateSaveForm(),
    })


@operator_required
def collectivity_edit(request, slug):
    collectivity = get_object_or_404(Collectivity, slug=slug)
    allowed = list(collectivity.licences.filter(is_allowed=True).values_list("module", flat=True))
    form = CollectivityEditForm(request.POST or None, instance=collectivity, initial={"modules": allowed})
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in CollectivityEditForm.Meta.fields}
        fresh = Collectivity.objects.get(pk=collectivity.pk)
        services.collectivity_update(collectivity=fresh, actor=request.user, **changes)
        services.collectivity_license_modules(collectivity=fresh, modules=form.cleaned_data["modules"],
                                              actor=request.user)
        messages.success(request, _("Changes saved."))
        return redirect("console_collectivity", slug=slug)
    return render(request, "console/collectivity_form.html", {"form": form, "city": collectivity})


@require_POST
@operator_required
def collectivity_action(request, slug, action):
    collectivity = get_object_or_404(Collectivity, slug=slug)
    try:
        if action in ("suspend", "reactivate", "archive"):
            services.collectivity_change_status(collectivity=collectivity, action=action, actor=request.user)
        elif action == "export":
            services.collectivity_export_start(collectivity=collectivity, actor=request.user)
            messages.success(request, _("The export has started; it appears under Exports when it is written."))
        elif action == "schedule_deletion":
            services.collectivity_schedule_deletion(collectivity=collectivity, actor=request.user)
        elif action == "delete":
            services.collectivity_delete(collectivity=collectivity, actor=request.user)
            messages.success(request, _("%(name)s was deleted.") % {"name": collectivity.name})
            return redirect("console_home")
        elif action == "domain":
            form = DomainForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.get("domain") or _("Enter a domain."))
            services.domain_add(collectivity=collectivity, actor=request.user, **form.cleaned_data)
        elif action == "save_template":
            form = TemplateSaveForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the template a name."))
            services.collectivity_template_save(collectivity=collectivity, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Template saved."))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("console_collectivity", slug=slug)


@operator_required
def job_detail(request, job_id):
    job = get_object_or_404(ProvisioningJob.objects.select_related("collectivity"), pk=job_id)
    template = "console/_job_progress.html" if request.htmx else "console/job_detail.html"
    return render(request, template, {"job": job})


@require_POST
@operator_required
def job_retry(request, job_id):
    job = get_object_or_404(ProvisioningJob, pk=job_id)
    try:
        services.provisioning_retry(job=job, actor=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("console_job", job_id=job.pk)


@operator_required
def template_list(request):
    return render(request, "console/templates.html", {"templates": CollectivityTemplate.objects.all()})


@operator_required
def audit_log(request):
    return render(request, "console/audit.html", {"entries": audit_list(
        collectivity_slug=request.GET.get("collectivite", ""))})


@operator_required
def api_token(request):
    """The operator's own API token: created or replaced here, shown once, revocable."""
    from rest_framework.authtoken.models import Token  # noqa: PLC0415

    new_key = None
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        if request.POST.get("action") == "create":
            new_key = Token.objects.create(user=request.user).key
            audit_record(actor=request.user, action="api_token.create")
        else:
            audit_record(actor=request.user, action="api_token.revoke")
            messages.success(request, _("Your API token was revoked."))
    token = Token.objects.filter(user=request.user).first()
    return render(request, "console/api_token.html", {"token": token, "new_key": new_key})
