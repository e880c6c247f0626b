"""Public pages of the participation kernel: processes, contribution lists, maps and contributions."""

import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseForbidden, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shared_apps.core.errors import ApplicationError
from tenant_apps.participation import selectors, services
from tenant_apps.participation.forms import ContributionEditForm, ContributionFilterForm, ContributionForm
from tenant_apps.participation.maps import map_build
from tenant_apps.participation.models import District, OfficialAnswer, Process, Status, StatusChange, Theme
from tenant_apps.participation.panels import contribution_panels, panels_render_context, process_panels
from tenant_apps.participation.permissions import capability_decision, is_moderator, is_staff
from tenant_apps.participation.phases import CREATING_CAPABILITIES, Capability
from tenant_apps.participation.state import process_state

PAGE_SIZE = 20


def _login_url(request):
    return f"{reverse('account_login')}?next={request.get_full_path()}"


def process_list(request):
    processes = list(selectors.process_list(user=request.user))
    rows = [(p, process_state(p, phases=p.phases.all())) for p in processes]
    groups = {
        "open": [(p, s) for p, s in rows if s.active and p.visibility == Process.Visibility.PUBLISHED],
        "upcoming": [(p, s) for p, s in rows if not s.active and s.upcoming
                     and p.visibility == Process.Visibility.PUBLISHED],
        "finished": [(p, s) for p, s in rows if (not s.active and not s.upcoming)
                     or p.visibility == Process.Visibility.ARCHIVED],
    }
    return render(request, "participation/process_list.html", {"groups": groups})


def _creating_capability(state):
    for capability in (Capability.REPORT, Capability.SUBMIT):
        if state.is_open(capability):
            return capability
    return None


def process_detail(request, slug):
    process = selectors.process_get_for_user(slug=slug, user=request.user)
    request.visited_process_id = process.pk  # counted by statistics' visit middleware, without a query
    state = process_state(process)
    creating = _creating_capability(state)
    submit_decision = capability_decision(user=request.user, process=process, capability=creating,
                                          state=state) if creating else None
    open_now = [(Capability(c), capability_decision(user=request.user, process=process, capability=c, state=state))
                for c in sorted(state.capabilities) if c not in CREATING_CAPABILITIES and c != Capability.REVIEW]
    latest = list(selectors.contribution_list(process=process, user=request.user)[:6])
    return render(request, "participation/process_detail.html", {
        "process": process, "state": state, "phases": sorted(process.phases.all(), key=lambda p: p.position),
        "creating": creating, "submit_decision": submit_decision, "open_now": open_now, "latest": latest,
        "panels": panels_render_context(process_panels, process=process, user=request.user, state=state),
        "login_url": _login_url(request),
    })


def contribution_list(request, slug):
    process = selectors.process_get_for_user(slug=slug, user=request.user)
    request.visited_process_id = process.pk
    statuses = selectors.status_list(process_kind=process.kind, user=request.user)
    districts = list(process.districts.all() or District.objects.all())
    themes = list(process.themes.all() or Theme.objects.all())
    form = ContributionFilterForm(request.GET or None, statuses=statuses, districts=districts, themes=themes)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    sort = filters.get("sort") or "recent"
    seed = request.GET.get("graine", "")
    if sort == "random" and not seed.isalnum():
        seed = secrets.token_hex(4)  # kept in the pagination links: the order stays put while browsing
    contributions = selectors.contribution_list(
        process=process, user=request.user, status=filters.get("status", ""), district=filters.get("district", ""),
        theme=filters.get("theme", ""), q=filters.get("q", ""), sort=sort, seed=seed,
    ).prefetch_related("themes")
    view = "carte" if request.GET.get("vue") == "carte" else "liste"
    query = request.GET.copy()
    query.pop("page", None)
    if sort == "random":
        query["graine"] = seed
    context = {"process": process, "form": form, "view": view, "query": query.urlencode(),
               "state": process_state(process), "filtered": bool(filters and any(filters.values()))}
    if view == "carte":
        located = list(contributions.exclude(latitude=None)[:500])
        context["map"] = map_build(contributions=located, districts=[d for d in districts if d.outline])
        context["located"] = located
    else:
        page = Paginator(contributions, PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
    return render(request, "participation/contribution_list.html", context)


@require_http_methods(["GET", "POST"])
def contribution_create(request, slug):
    process = selectors.process_get_for_user(slug=slug, user=request.user)
    state = process_state(process)
    capability = _creating_capability(state) or Capability.SUBMIT
    decision = capability_decision(user=request.user, process=process, capability=capability, state=state)
    if not decision and decision.code == "login_required":
        return redirect(_login_url(request))
    phase = state.phase_for(capability)
    location_mode = phase.config.get("location", "optional") if phase else "optional"
    form = ContributionForm(request.POST or None, request.FILES or None, process=process, location_mode=location_mode)
    status = 200
    if request.method == "POST" and decision:
        if form.is_valid():
            data = form.cleaned_data
            try:
                contribution = services.contribution_create(
                    process=process, author=request.user, title=data["title"], body=data["body"],
                    district=data.get("district"), themes=data.get("themes") or (), address=data.get("address", ""),
                    latitude=data.get("latitude"), longitude=data.get("longitude"),
                    is_anonymous=data.get("is_anonymous", False), files=data.get("files") or [],
                    submission_token=data.get("submission_token"),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Thank you, your contribution is published."))
                return redirect(contribution)
        else:
            status = 400
    elif request.method == "POST":
        status = 403
    return render(request, "participation/contribution_form.html", {
        "process": process, "form": form, "decision": decision, "capability": capability,
    }, status=status)


def contribution_detail(request, pk):
    contribution = selectors.contribution_get_for_user(pk=pk, user=request.user)
    request.visited_process_id = contribution.process_id
    process = contribution.process
    state = process_state(process)
    changes = (StatusChange.objects.filter(contribution=contribution, to_status__is_public=True)
               .select_related("to_status").order_by("created_at", "id"))
    try:
        answer = contribution.official_answer
    except OfficialAnswer.DoesNotExist:
        answer = None
    panels = panels_render_context(contribution_panels, contribution=contribution, user=request.user, state=state)
    can_see_hidden = is_staff(request.user) or is_moderator(request.user)
    is_author = request.user.is_authenticated and contribution.author_id == request.user.pk
    return render(request, "participation/contribution_detail.html", {
        "contribution": contribution, "process": process, "state": state, "status_changes": list(changes),
        "answer": answer, "panels": panels, "can_see_hidden": can_see_hidden, "is_author": is_author,
        "can_edit": is_author and capability_decision(user=request.user, process=process,
                                                      capability=_creating_capability(state) or Capability.SUBMIT,
                                                      state=state, contribution=contribution).allowed,
        "flag_enabled": True,
        "staff_statuses": selectors.status_list(process_kind=process.kind, user=request.user)
        if is_staff(request.user) else [],
    })


@require_http_methods(["GET", "POST"])
def contribution_edit(request, pk):
    contribution = selectors.contribution_get_for_user(pk=pk, user=request.user)
    if not request.user.is_authenticated:
        return redirect(_login_url(request))
    if contribution.author_id != request.user.pk:
        raise Http404
    form = ContributionEditForm(request.POST or None,
                                initial={"title": contribution.title, "body": contribution.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.contribution_update(contribution=contribution, actor=request.user,
                                             title=form.cleaned_data["title"], body=form.cleaned_data["body"])
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(contribution)
        else:
            status = 400
    return render(request, "participation/contribution_edit.html",
                  {"contribution": contribution, "form": form}, status=status)


def attachment_download(request, pk):
    attachment = selectors.attachment_get_for_user(pk=pk, user=request.user)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type,
                            as_attachment=attachment.kind == "pdf", filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def process_cover(request, slug):
    process = selectors.process_get_for_user(slug=slug, user=request.user)
    if not process.cover_image:
        raise Http404
    try:
        handle = process.cover_image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def contribution_status_change(request, pk):
    contribution = selectors.contribution_get_for_user(pk=pk, user=request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not is_staff(request.user):
        return HttpResponseForbidden()
    status = Status.objects.filter(process_kind=contribution.process.kind, key=request.POST.get("status", "")).first()
    if status is None:
        messages.error(request, _("Choose a status."))
        return redirect(contribution)
    try:
        services.contribution_status_change(contribution=contribution, status=status, actor=request.user,
                                            message=request.POST.get("message", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The status is changed; the author and followers are told."))
    return redirect(contribution)


def official_answer_publish(request, pk):
    contribution = selectors.contribution_get_for_user(pk=pk, user=request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not is_staff(request.user):
        return HttpResponseForbidden()
    try:
        services.official_answer_publish(contribution=contribution, body=request.POST.get("body", ""),
                                         actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The official answer is published."))
    return redirect(contribution)
