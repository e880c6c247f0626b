"""Staff exports (/gestion/exports/), the city's audit log (/gestion/journal/) and the public open data
(/donnees-ouvertes/)."""

from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tenant_apps.backoffice.access import admin_required, refusal, staff_required
from tenant_apps.exports import columns as cols
from tenant_apps.exports import opendata, selectors, services, writers
from tenant_apps.exports.columns import personal_level
from tenants.selectors import collectivity_current

STAFF_FORMATS = ("csv", "xlsx")


def _format(request, allowed) -> str | None:
    value = request.GET.get("format", allowed[0])
    return value if value in allowed else None


def _bad_format(allowed):
    return HttpResponseBadRequest(_("Unknown format: choose one of %(formats)s.") % {"formats": ", ".join(allowed)})


def _table_response(*, file_format, filename_parts, columns, objects, sheet_title):
    filename = writers.export_filename(*filename_parts, extension=file_format)
    rows = cols.rows(objects, columns)
    if file_format == "xlsx":
        return writers.xlsx_response(filename=filename, header=cols.header(columns), rows=rows,
                                     sheet_title=sheet_title)
    return writers.csv_response(filename=filename, header=cols.header(columns), rows=rows, **writers.CSV_STAFF)


@staff_required
def index(request):
    processes = selectors.export_process_list(user=request.user)
    return render(request, "exports/index.html", {
        "processes": processes,
        "personal": personal_level(request.user).value,
        "formats": STAFF_FORMATS,
    })


def _staff_export(request, pk, *, what, columns_for, objects_for, sheet_title):
    # The process first (404 on another city's host), then who is asking.
    process = selectors.export_process_get(pk=pk, user=request.user)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    file_format = _format(request, STAFF_FORMATS)
    if file_format is None:
        return _bad_format(STAFF_FORMATS)
    personal = personal_level(request.user)
    services.export_record(actor=request.user, what=what, file_format=file_format, personal=personal,
                           process=process)
    return _table_response(file_format=file_format, filename_parts=(process.slug, what),
                           columns=columns_for(personal), objects=selectors.chunked(objects_for(process=process)),
                           sheet_title=sheet_title)


def contributions(request, pk):
    return _staff_export(request, pk, what="contributions", columns_for=cols.contribution_columns,
                         objects_for=selectors.contribution_export_list, sheet_title=_("Contributions"))


def comments(request, pk):
    return _staff_export(request, pk, what="comments", columns_for=cols.comment_columns,
                         objects_for=selectors.comment_export_list, sheet_title=_("Comments"))


def votes(request, pk):
    return _staff_export(request, pk, what="votes", columns_for=lambda _personal: cols.vote_count_columns(),
                         objects_for=selectors.vote_count_list, sheet_title=_("Votes"))


def process_json(request, pk):
    process = selectors.export_process_get(pk=pk, user=request.user)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    personal = personal_level(request.user)
    services.export_record(actor=request.user, what="process", file_format="json", personal=personal,
                           process=process)
    head, items = selectors.process_document(process=process, personal=personal)
    head["personal_data"] = personal.value
    return writers.json_response(writers.json_document(head, "contributions", items),
                                 filename=writers.export_filename(process.slug, extension="json"))


# --- The city's audit log -------------------------------------------------------------------------


def _audit_filters(request) -> dict:
    return {"action": request.GET.get("action", "").strip()[:64], "actor": request.GET.get("actor", "").strip()[:254]}


@admin_required
def audit_log(request):
    filters = _audit_filters(request)
    page = Paginator(selectors.audit_entry_list(**filters), selectors.AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "exports/audit_log.html", {
        "page": page,
        "filters": filters,
        "choices": selectors.audit_filter_choices(),
        "query": query,
        "formats": STAFF_FORMATS,
    })


@admin_required
def audit_log_export(request):
    file_format = _format(request, STAFF_FORMATS)
    if file_format is None:
        return _bad_format(STAFF_FORMATS)
    filters = _audit_filters(request)
    services.export_record(actor=request.user, what="audit_log", file_format=file_format,
                           personal=personal_level(request.user))
    return _table_response(file_format=file_format, filename_parts=("journal",), columns=cols.audit_columns(),
                           objects=selectors.chunked(selectors.audit_entry_list(**filters)),
                           sheet_title=_("Audit log"))


# --- Open data (public, no sign-in) ---------------------------------------------------------------


def open_data(request):
    return render(request, "exports/open_data.html", {
        "processes": opendata.open_data_process_list(),
        "licence": opendata.open_data_licence(),
        "formats": opendata.FORMATS,
    })


def data_dictionary(request):
    return render(request, "exports/data_dictionary.html", {
        "columns": opendata.dictionary_rows(),
        "licence": opendata.open_data_licence(),
    })


def open_data_process(request, slug):
    """Without `?format=`, the page of the data set; with `?format=csv|json`, the file."""
    process = opendata.open_data_process_get(slug=slug)
    if "format" not in request.GET:
        return render(request, "exports/open_data_process.html", {
            "process": process,
            "count": opendata.open_data_contribution_list(process=process).count(),
            "licence": opendata.open_data_licence(),
            "formats": opendata.FORMATS,
        })
    file_format = _format(request, opendata.FORMATS)
    if file_format is None:
        return _bad_format(opendata.FORMATS)
    base_url = request.build_absolute_uri("/").rstrip("/")
    columns = opendata.open_data_columns(process=process, base_url=base_url)
    filename = writers.export_filename(process.slug, "donnees-ouvertes", extension=file_format)
    if file_format == "json":
        collectivity = collectivity_current()
        head = opendata.open_data_head(
            process=process, collectivity_name=collectivity.name if collectivity else "",
            dictionary_url=request.build_absolute_uri(reverse("exports:data_dictionary")),
            page_url=request.build_absolute_uri(process.get_absolute_url()))
        response = writers.json_response(writers.json_document(head, "contributions", opendata.open_data_items(
            process=process, columns=columns)), filename=filename)
    else:
        response = writers.csv_response(filename=filename, header=[c.key for c in columns],
                                        rows=opendata.open_data_rows(process=process, columns=columns),
                                        **writers.CSV_OPEN)
    response["Link"] = f'<{opendata.open_data_licence()["url"]}>; rel="license"'
    return response
