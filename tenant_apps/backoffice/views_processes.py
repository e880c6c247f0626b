"""Back-office pages for processes (create, edit, phases, publish, duplicate), statuses and notification texts.

Administrators only. Views with an id look their object up first (404 on another collectivity's host),
then check the role (`access.refusal`), then the method.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice.access import admin_required, refusal
from tenant_apps.backoffice.forms_processes import (
    NotificationTextForm,
    PhaseAddForm,
    PhaseForm,
    ProcessCreateForm,
    ProcessDuplicateForm,
    ProcessEditForm,
    StatusCreateForm,
    StatusForm,
)
from tenant_apps.notifications.messages import KIND_LABELS, PLACEHOLDERS, default_text_sample
from tenant_apps.notifications.models import NotificationTemplate
from tenant_apps.notifications.services import notification_template_save
from tenant_apps.participation import services
from tenant_apps.participation.blueprints import BLUEPRINTS
from tenant_apps.participation.models import Contribution, Phase, Process, Status
from tenant_apps.participation.phases import phase_type_get
from tenant_apps.participation.selectors import modules_enabled
from tenant_apps.participation.state import process_state


def _guarded(request, obj_lookup):
    """Look the object up (404 here if it is not of this collectivity), then check the role."""
    obj = obj_lookup()
    return obj, refusal(request, "admin")


def _blueprints_available():
    enabled = set(modules_enabled())
    return [b for b in BLUEPRINTS.values() if b.module in enabled]


def _kind_label(kind: str) -> str:
    blueprint = BLUEPRINTS.get(kind)
    return str(blueprint.label) if blueprint else kind


# --- Processes -------------------------------------------------------------------------------------------


@admin_required
def processes(request):
    rows = list(Process.objects.prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at", "position"))).order_by("-created_at", "-id"))
    now = timezone.now()
    items = []
    for process in rows:
        state = process_state(process, at=now, phases=process.phases.all())
        items.append({"process": process, "kind": _kind_label(process.kind), "state": state})
    return render(request, "backoffice/processes/list.html", {"items": items})


@admin_required
@require_http_methods(["GET", "POST"])
def process_create(request):
    blueprints = _blueprints_available()
    form = ProcessCreateForm(request.POST or None, blueprints=blueprints)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                process = services.process_create(
                    kind=data["kind"], title=data["title"], actor=request.user, starts_on=data["starts_on"],
                    summary=data["summary"], description=data["description"], slug=data["slug"])
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The process is created as a draft. Adjust its texts and phases, "
                                            "then publish it."))
                return redirect("backoffice:process_edit", pk=process.pk)
        else:
            status = 400
    return render(request, "backoffice/processes/create.html", {"form": form, "blueprints": blueprints},
                  status=status)


def _process_context(process, **extra):
    return {"process": process, "kind": _kind_label(process.kind), **extra}


@require_http_methods(["GET", "POST"])
def process_edit(request, pk):
    process, denied = _guarded(request, lambda: get_object_or_404(Process, pk=pk))
    if denied:
        return denied
    form = ProcessEditForm(request.POST or None, request.FILES or None, process=process)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                _process_save(process, data, request.user)
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The process is saved."))
                return redirect("backoffice:process_edit", pk=process.pk)
        else:
            status = 400
    return render(request, "backoffice/processes/edit.html", _process_context(process, form=form), status=status)


def _process_save(process, data, actor):
    with transaction.atomic():  # the cover and the texts are saved together, or not at all
        services.process_update(
            process=process, actor=actor, title=data["title"], summary=data["summary"],
            description=data["description"], cover_alt=data["cover_alt"],
            allows_anonymous=data["allows_anonymous"], max_attachments=data["max_attachments"],
            themes=data.get("themes") if "themes" in data else None,
            districts=data.get("districts") if "districts" in data else None,
        )
        if data.get("cover"):
            services.process_cover_update(process=process, actor=actor, upload=data["cover"])
        elif data.get("remove_cover"):
            services.process_cover_update(process=process, actor=actor, remove=True)


def _post_only(request, pk, action):
    process, denied = _guarded(request, lambda: get_object_or_404(Process, pk=pk))
    if denied:
        return denied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return action(process)


def process_publish(request, pk):
    def publish(process):
        try:
            services.process_publish(process=process, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The process is published: everyone can see it."))
        return redirect("backoffice:process_edit", pk=process.pk)

    return _post_only(request, pk, publish)


def process_archive(request, pk):
    def archive(process):
        try:
            services.process_archive(process=process, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The process is archived: it stays readable, nothing can be added."))
        return redirect("backoffice:process_edit", pk=process.pk)

    return _post_only(request, pk, archive)


def process_preview(request, pk):
    process, denied = _guarded(request, lambda: get_object_or_404(Process, pk=pk))
    if denied:
        return denied
    return redirect(process.get_absolute_url())  # staff see drafts there, under a "Draft" banner


@require_http_methods(["GET", "POST"])
def process_duplicate(request, pk):
    process, denied = _guarded(request, lambda: get_object_or_404(Process, pk=pk))
    if denied:
        return denied
    first = process.phases.order_by("starts_at").values_list("starts_at", flat=True).first()
    first_day = timezone.localdate(first) if first else timezone.localdate()
    try:
        default_start = first_day.replace(year=first_day.year + 1)
    except ValueError:
        default_start = first_day.replace(year=first_day.year + 1, day=28)
    form = ProcessDuplicateForm(request.POST or None, initial={"starts_on": default_start})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                copy = services.process_duplicate(process=process, actor=request.user,
                                                  title=form.cleaned_data["title"],
                                                  starts_on=form.cleaned_data["starts_on"])
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The new edition is created as a draft, without contributions."))
                return redirect("backoffice:process_edit", pk=copy.pk)
        else:
            status = 400
    return render(request, "backoffice/processes/duplicate.html", _process_context(process, form=form),
                  status=status)


# --- Phases ------------------------------------------------------------------------------------------------


def _phase_forms(process, bound: PhaseForm | None = None):
    forms = []
    for phase in process.phases.order_by("position", "id"):
        if bound is not None and bound.phase.pk == phase.pk:
            forms.append(bound)
            continue
        try:
            phase_type = phase_type_get(phase.type_key)
        except Exception:  # a type no longer registered: shown, not editable
            forms.append(None)
            continue
        forms.append(PhaseForm(phase=phase, phase_type=phase_type))
    return forms


def _phases_page(request, process, *, bound=None, add_form=None, status=200):
    phases = list(process.phases.order_by("position", "id"))
    forms = _phase_forms(process, bound)
    return render(request, "backoffice/processes/phases.html", _process_context(
        process, rows=list(zip(phases, forms, strict=True)), add_form=add_form or PhaseAddForm(process=process),
        last_index=len(phases) - 1,
    ), status=status)


@require_http_methods(["GET", "POST"])
def process_phases(request, pk):
    """The phases of a process; POST adds a phase."""
    process, denied = _guarded(request, lambda: get_object_or_404(Process, pk=pk))
    if denied:
        return denied
    if request.method != "POST":
        return _phases_page(request, process)
    form = PhaseAddForm(request.POST, process=process)
    if not form.is_valid():
        return _phases_page(request, process, add_form=form, status=400)
    data = form.cleaned_data
    try:
        services.phase_add(process=process, actor=request.user, type_key=data["type_key"], title=data["title"],
                           starts_at=data["starts_at"], ends_at=data["ends_at"])
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _phases_page(request, process, add_form=form, status=error.status)
    messages.success(request, _("The phase is added at the end of the process."))
    return redirect("backoffice:process_phases", pk=process.pk)


def _phase_lookup(pk):
    return get_object_or_404(Phase.objects.select_related("process"), pk=pk)


def phase_edit(request, pk):
    phase, denied = _guarded(request, lambda: _phase_lookup(pk))
    if denied:
        return denied
    process = phase.process
    if request.method != "POST":
        return redirect(reverse("backoffice:process_phases", kwargs={"pk": process.pk}) + f"#phase-{phase.pk}")
    try:
        phase_type = phase_type_get(phase.type_key)
    except Exception:
        raise Http404 from None
    form = PhaseForm(request.POST, phase=phase, phase_type=phase_type)
    if not form.is_valid():
        return _phases_page(request, process, bound=form, status=400)
    data = form.cleaned_data
    try:
        services.phase_update(phase=phase, actor=request.user, title=data["title"], description=data["description"],
                              starts_at=data["starts_at"], ends_at=data["ends_at"],
                              capabilities=data["capabilities"], config=form.config())
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _phases_page(request, process, bound=form, status=error.status)
    messages.success(request, _("The phase “%(title)s” is saved.") % {"title": phase.title})
    return redirect(reverse("backoffice:process_phases", kwargs={"pk": process.pk}) + f"#phase-{phase.pk}")


def phase_move(request, pk):
    phase, denied = _guarded(request, lambda: _phase_lookup(pk))
    if denied:
        return denied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    process = phase.process
    ids = list(process.phases.order_by("position", "id").values_list("id", flat=True))
    index = ids.index(phase.pk)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
        try:
            services.phases_reorder(process=process, actor=request.user, phase_ids=ids)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The order of the phases is saved."))
    return redirect(reverse("backoffice:process_phases", kwargs={"pk": process.pk}) + f"#phase-{phase.pk}")


@require_http_methods(["GET", "POST"])
def phase_remove(request, pk):
    phase, denied = _guarded(request, lambda: _phase_lookup(pk))
    if denied:
        return denied
    process = phase.process
    if request.method == "POST":
        title = phase.title
        try:
            services.phase_remove(phase=phase, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The phase “%(title)s” is removed.") % {"title": title})
        return redirect("backoffice:process_phases", pk=process.pk)
    return render(request, "backoffice/processes/phase_remove.html", _process_context(process, phase=phase))


# --- Statuses ----------------------------------------------------------------------------------------------


def _statuses_page(request, kind, *, bound=None, create_form=None, status=200):
    statuses = list(Status.objects.filter(process_kind=kind).order_by("position", "id"))
    usage = dict(Contribution.objects.filter(status__process_kind=kind).values_list("status")
                 .annotate(n=Count("id")).values_list("status", "n"))
    rows = []
    for item in statuses:
        if bound is not None and bound.status_obj.pk == item.pk:
            form = bound
        else:
            form = StatusForm(auto_id=f"status{item.pk}_%s", initial={
                "label_fr": item.label_fr, "label_en": item.label_en, "colour": item.colour,
                "is_public": item.is_public, "is_final": item.is_final, "position": item.position,
                "is_default": item.is_default})
        rows.append((item, form, usage.get(item.pk, 0)))
    kinds = [(key, blueprint.label) for key, blueprint in BLUEPRINTS.items()]
    return render(request, "backoffice/processes/statuses.html", {
        "kind": kind, "kind_label": _kind_label(kind), "kinds": kinds, "rows": rows,
        "create_form": create_form or StatusCreateForm(initial={"kind": kind, "colour": "#3a3a3a",
                                                                 "is_public": True}),
    }, status=status)


def _statuses_url(kind):
    return f"{reverse('backoffice:statuses')}?kind={kind}"


@admin_required
@require_http_methods(["GET", "POST"])
def statuses(request):
    """The statuses of one process kind (?kind=); POST adds a status to that kind."""
    kind = request.POST.get("kind") or request.GET.get("kind") or next(iter(BLUEPRINTS))
    if kind not in BLUEPRINTS:
        raise Http404
    if request.method != "POST":
        return _statuses_page(request, kind)
    form = StatusCreateForm(request.POST)
    if not form.is_valid():
        return _statuses_page(request, kind, create_form=form, status=400)
    data = form.cleaned_data
    try:
        services.status_create(process_kind=kind, label_fr=data["label_fr"], label_en=data["label_en"],
                               colour=data["colour"], is_public=data["is_public"], is_final=data["is_final"],
                               actor=request.user)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _statuses_page(request, kind, create_form=form, status=error.status)
    messages.success(request, _("The status is added."))
    return redirect(_statuses_url(kind))


def status_edit(request, pk):
    item, denied = _guarded(request, lambda: get_object_or_404(Status, pk=pk))
    if denied:
        return denied
    if request.method != "POST":
        return redirect(_statuses_url(item.process_kind) + f"#status-{item.pk}")
    form = StatusForm(request.POST, auto_id=f"status{item.pk}_%s")
    form.status_obj = item
    if not form.is_valid():
        return _statuses_page(request, item.process_kind, bound=form, status=400)
    data = form.cleaned_data
    if item.is_default and not data["is_default"]:
        form.add_error("is_default", _("Each kind of process needs a status for new contributions: tick this "
                                       "box on another status instead."))
        return _statuses_page(request, item.process_kind, bound=form, status=400)
    fields = {name: data[name] for name in ("label_fr", "label_en", "colour", "is_public", "is_final")}
    if data["position"] is not None:
        fields["position"] = data["position"]
    try:
        with transaction.atomic():
            services.status_update(status=item, actor=request.user, **fields)
            if data["is_default"] and not item.is_default:
                services.status_default_set(status=item, actor=request.user)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _statuses_page(request, item.process_kind, bound=form, status=error.status)
    messages.success(request, _("The status “%(label)s” is saved.") % {"label": item.label_fr})
    return redirect(_statuses_url(item.process_kind) + f"#status-{item.pk}")


@require_http_methods(["GET", "POST"])
def status_delete(request, pk):
    item, denied = _guarded(request, lambda: get_object_or_404(Status, pk=pk))
    if denied:
        return denied
    if request.method == "POST":
        label = item.label_fr
        try:
            services.status_delete(status=item, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return render(request, "backoffice/processes/status_delete.html",
                          {"status": item, "kind_label": _kind_label(item.process_kind), "error": error.message},
                          status=error.status)
        messages.success(request, _("The status “%(label)s” is deleted.") % {"label": label})
        return redirect(_statuses_url(item.process_kind))
    used = Contribution.objects.filter(status=item).count()
    return render(request, "backoffice/processes/status_delete.html",
                  {"status": item, "kind_label": _kind_label(item.process_kind), "used": used})


# --- Notification texts ----------------------------------------------------------------------------------


@admin_required
def notification_texts(request):
    overrides = {t.kind: t for t in NotificationTemplate.objects.all()}
    rows = [{"kind": kind, "label": KIND_LABELS[kind], "custom": overrides.get(kind)} for kind in PLACEHOLDERS]
    return render(request, "backoffice/processes/notification_texts.html", {"rows": rows})


@admin_required
@require_http_methods(["GET", "POST"])
def notification_text_edit(request, kind):
    if kind not in PLACEHOLDERS:
        raise Http404
    current = NotificationTemplate.objects.filter(kind=kind).first()
    initial = {name: getattr(current, name) for name in ("title_fr", "body_fr", "title_en", "body_en")} \
        if current else {}
    form = NotificationTextForm(request.POST or None, kind=kind, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                notification_template_save(kind=kind, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The texts are saved; empty texts use the default wording."))
                return redirect("backoffice:notification_texts")
        else:
            status = 400
    defaults = {}
    for language in ("fr", "en"):
        with translation.override(language):
            defaults[language] = default_text_sample(kind)
    return render(request, "backoffice/processes/notification_text_edit.html", {
        "kind": kind, "label": KIND_LABELS[kind], "form": form, "defaults": defaults,
        "placeholders": [(f"%({name})s", description) for name, description in PLACEHOLDERS[kind].items()],
    }, status=status)

