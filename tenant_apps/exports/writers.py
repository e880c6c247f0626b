"""File formats of the exports: streamed CSV, XLSX (openpyxl, write-only) and streamed JSON.

Rows are iterables of plain values (str, int, Decimal, bool, datetime, None). Text cells that a
spreadsheet would run as a formula are neutralised here, once for every export.

CSV conventions (documented on the data dictionary page):
- staff exports: `;` separator and a UTF-8 byte order mark, so that Excel in French opens them as
  columns with accents intact;
- open data: RFC 4180 (`,` separator, UTF-8 without byte order mark), what data portals and
  `csv` readers expect.
"""

import csv
import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

# A cell starting with one of these is read as a formula by Excel and LibreOffice (CSV injection);
# tab and carriage return also start formulas in some of them (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CSV_STAFF = {"delimiter": ";", "bom": True}
CSV_OPEN = {"delimiter": ",", "bom": False}

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_safe(value):
    """`value`, with a leading apostrophe if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def text_value(value) -> str:
    """The text of a cell in CSV: ISO 8601 dates in the local time, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return _local(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return str(value)
    return cell_safe(str(value))


def json_value(value):
    if isinstance(value, dt.datetime):
        return _local(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


class _Echo:
    """A file-like object whose write() returns what it is given, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence], *, delimiter: str, bom: bool) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    first = writer.writerow([text_value(str(h)) for h in header])
    yield ("\ufeff" + first) if bom else first
    for row in rows:
        yield writer.writerow([text_value(v) for v in row])


def _disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence], delimiter: str = ";",
                 bom: bool = True) -> StreamingHttpResponse:
    """A CSV file streamed row by row: memory does not grow with the number of rows."""
    lines = (line.encode("utf-8") for line in csv_lines(header, rows, delimiter=delimiter, bom=bom))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename)
    return response


def _xlsx_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.make_naive(value) if timezone.is_aware(value) else value  # Excel has no time zones
    if isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    # Control characters pasted into free text would make the file unreadable.
    return cell_safe(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def xlsx_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "Export"
                  ) -> FileResponse:
    """An XLSX workbook written row by row (write-only mode) to a temporary file, then sent."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(sheet_title)[:31])
    bold = Font(bold=True)
    header_cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(str(title)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    # Spilled to disk past a few megabytes: a large export does not sit in memory.
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (closed by FileResponse)
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def json_response(chunks: Iterable[str], *, filename: str | None = None) -> StreamingHttpResponse:
    response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in chunks),
                                     content_type="application/json; charset=utf-8")
    if filename:
        response["Content-Disposition"] = _disposition(filename)
    return response


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=json_value, separators=(",", ":"))


def json_document(head: dict, list_key: str, items: Iterable[dict]) -> Iterator[str]:
    """`{...head, "list_key": [items...]}` as text chunks, one item at a time."""
    opening = json_dumps(head)
    yield (opening[:-1] + "," if head else "{") + json_dumps(list_key) + ":["
    for n, item in enumerate(items):
        yield ("," if n else "") + json_dumps(item)
    yield "]}"


def export_filename(*parts: str, extension: str) -> str:
    """`<parts>-<today>.<extension>`, e.g. `budget-2026-contributions-2026-03-01.csv`."""
    return "-".join([*(p for p in parts if p), timezone.localdate().isoformat()]) + f".{extension}"
