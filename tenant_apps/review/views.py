"""The staff's review pages: the queue of contributions and the review of one contribution.

Views with an id look the contribution up first (404 on another collectivity's host), then check the
method (POST-only actions answer 405 to a GET), then the role. Every action redirects back with a message.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice.access import refusal
from tenant_apps.organisation.models import Department
from tenant_apps.participation import services as kernel
from tenant_apps.participation.models import District, Process, Status, Theme
from tenant_apps.review import selectors, services
from tenant_apps.review.forms import (
    AnswerForm,
    AssignForm,
    BulkStatusForm,
    MergeForm,
    NoteForm,
    QueueFilterForm,
    StatusForm,
    kind_label,
)

PAGE_SIZE = 50
FILTERS = ("status", "district", "theme", "department", "assigned", "process", "q")


def _form_error(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        field = form.fields.get(name)
        parts.append(_("%(field)s: %(errors)s") % {"field": field.label, "errors": text}
                     if field is not None and name != "__all__" else text)
    return " ".join(parts)


def _queue_url(request) -> str:
    queue = reverse("review:queue")
    target = request.POST.get("next", "")
    if target.startswith(queue) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return queue


def queue(request):
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    processes = list(Process.objects.order_by("-created_at", "-id").only("id", "title", "kind"))
    # Filtered on one process, only its kind's statuses are offered (to filter and to change in bulk).
    chosen = next((p for p in processes if str(p.pk) == request.GET.get("process")), None)
    statuses = list(Status.objects.filter(process_kind=chosen.kind) if chosen else Status.objects.all())
    form = QueueFilterForm(
        request.GET or None, processes=processes, statuses=statuses, districts=list(District.objects.all()),
        themes=list(Theme.objects.all()), departments=list(Department.objects.order_by("name")),
        agents=list(selectors.staff_list()))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    contributions = selectors.review_queue(user=request.user, **{name: filters.get(name, "") for name in FILTERS})
    if request.GET.get("format") in ("csv", "xlsx"):
        return _queue_export(request, contributions, request.GET["format"])
    page = Paginator(contributions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "review/queue.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "bulk_form": BulkStatusForm(auto_id="bulk_%s", statuses=statuses),
        "filtered": bool(filters) and any(filters.values()),
    })


def bulk_status(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    statuses = list(Status.objects.all())
    form = BulkStatusForm(request.POST, statuses=statuses)
    back = _queue_url(request)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect(back)
    status = next(s for s in statuses if str(s.pk) == form.cleaned_data["status"])
    try:
        changes = services.contributions_bulk_status(contribution_ids=request.POST.getlist("ids"), status=status,
                                                     actor=request.user, message=form.cleaned_data["message"])
    except ApplicationError as error:
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": error.message})
    else:
        messages.success(request, ngettext(
            "%(n)s contribution is now “%(status)s”; its author and followers are told.",
            "%(n)s contributions are now “%(status)s”; their authors and followers are told.",
            len(changes)) % {"n": len(changes), "status": status.label})
    return redirect(back)


def contribution(request, pk):
    item = selectors.review_detail(pk)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    context = selectors.review_context(item)
    answer = context["answer"]
    return render(request, "review/contribution.html", {
        "contribution": item, **context, "kind_label": kind_label(item.process.kind),
        # Several forms on one page: distinct id prefixes keep every label tied to its own field.
        "assign_form": AssignForm(auto_id="assign_%s", initial={"agent": item.assigned_to_id,
                                                                "department": item.assigned_department_id}),
        "note_form": NoteForm(auto_id="note_%s"),
        "status_form": StatusForm(auto_id="status_%s", process_kind=item.process.kind,
                                  initial={"status": item.status_id}),
        "answer_form": AnswerForm(auto_id="answer_%s", initial={"body": answer.body if answer else ""}),
        "merge_form": None if item.merged_into_id else MergeForm(
            auto_id="merge_%s", candidates=selectors.merge_candidates(item)),
    })


def _action(request, pk):
    """(contribution, None) when the POST may go on, else (contribution, the response to return)."""
    item = selectors.review_detail(pk)
    if request.method != "POST":
        return item, HttpResponseNotAllowed(["POST"])
    return item, refusal(request, "staff")


def _run(request, item, call, success: str):
    try:
        call()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("review:contribution", pk=item.pk)


def _invalid(request, item, form):
    messages.error(request, _form_error(form))
    return redirect("review:contribution", pk=item.pk)


def assign(request, pk):
    item, stop = _action(request, pk)
    if stop is not None:
        return stop
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _invalid(request, item, form)
    return _run(request, item, lambda: services.contribution_assign(
        contribution=item, actor=request.user, agent=form.cleaned_data["agent"],
        department=form.cleaned_data["department"]), _("The assignment is saved."))


def note(request, pk):
    item, stop = _action(request, pk)
    if stop is not None:
        return stop
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, item, form)
    return _run(request, item, lambda: services.internal_note_add(
        contribution=item, actor=request.user, body=form.cleaned_data["body"]), _("The internal note is added."))


def status(request, pk):
    item, stop = _action(request, pk)
    if stop is not None:
        return stop
    form = StatusForm(request.POST, process_kind=item.process.kind)
    if not form.is_valid():
        return _invalid(request, item, form)
    return _run(request, item, lambda: kernel.contribution_status_change(
        contribution=item, status=form.cleaned_data["status"], actor=request.user,
        message=form.cleaned_data["message"]), _("The status is changed; the author and followers are told."))


def answer(request, pk):
    item, stop = _action(request, pk)
    if stop is not None:
        return stop
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _invalid(request, item, form)
    return _run(request, item, lambda: kernel.official_answer_publish(
        contribution=item, body=form.cleaned_data["body"], actor=request.user), _("The official answer is published."))


def merge(request, pk):
    item, stop = _action(request, pk)
    if stop is not None:
        return stop
    form = MergeForm(request.POST, candidates=selectors.merge_candidates(item))
    if not form.is_valid():
        return _invalid(request, item, form)
    survivor = form.cleaned_data["survivor"]
    return _run(request, item, lambda: services.contribution_merge(duplicate=item, survivor=survivor,
                                                                   actor=request.user),
                _("The contribution is merged into “%(title)s”.") % {"title": survivor.title})


def _queue_export(request, contributions, file_format: str):
    """The filtered queue as a file, with the authors' identity the reader's role allows."""
    from django.utils.translation import gettext as _

    from tenant_apps.exports.columns import Personal, personal_level
    from tenant_apps.exports.services import export_record
    from tenant_apps.exports.writers import csv_response, export_filename, xlsx_response

    personal = personal_level(request.user)
    header = [_("Number"), _("Title"), _("Process"), _("Status"), _("District"), _("Assigned agent"),
              _("Assigned department"), _("Date"), _("Supports"), _("For"), _("Against"), _("Comments")]
    if personal is not Personal.NONE:
        header.insert(3, _("Author"))
    if personal is Personal.FULL:
        header.insert(4, _("Author's e-mail"))

    def rows():
        for item in contributions.iterator(chunk_size=500):
            row = [item.pk, item.title, item.process.title, item.status.label if item.status else "",
                   item.district.name if item.district else "",
                   item.assigned_to.full_name if item.assigned_to else "",
                   item.assigned_department.name if item.assigned_department else "", item.created_at,
                   item.support_count, item.for_count, item.against_count, item.comment_count]
            if personal is not Personal.NONE:
                row.insert(3, item.author.full_name if item.author else "")
            if personal is Personal.FULL:
                row.insert(4, item.author.email if item.author else "")
            yield row

    export_record(actor=request.user, what="review_queue", file_format=file_format, personal=personal)
    filename = export_filename("instruction", extension=file_format)
    if file_format == "csv":
        return csv_response(filename=filename, header=header, rows=rows())
    return xlsx_response(filename=filename, header=header, rows=rows(), sheet_title=_("Review"))
