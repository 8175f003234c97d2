"""Tables as files: .xlsx (openpyxl in write-only mode) and .csv (UTF-8 with a BOM, so that
Excel opens Vietnamese text right), both streamed row by row.

Spreadsheet programs run a cell that starts with ``= + - @`` (or a tab or carriage return)
as a formula (CSV injection). Every text cell is therefore written as text: in .xlsx as a
string cell (never a formula, whatever it starts with); in .csv with a leading apostrophe,
which spreadsheet programs show as the start of a text value. Numbers stay numbers.

The .xlsx is written into a temporary file as rows come (write-only mode keeps one row in
memory), then sent in 64 KB chunks: a busy year's ledger never sits whole in memory.
"""

from __future__ import annotations

import csv
import io
import tempfile
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import quote

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
RISKY = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024


def csv_text(value: Any) -> Any:
    """A value as the CSV file gets it: risky text behind an apostrophe, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(RISKY):
        return "'" + value
    return value


def csv_lines(preamble: Iterable[Sequence[Any]], headers: Sequence[str],
              rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The CSV file, line by line, UTF-8 with a byte order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode("utf-8")
    for row in (*preamble, headers):
        writer.writerow([csv_text(v) for v in row])
    yield buffer.getvalue().encode("utf-8")
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_text(v) for v in row])
        yield buffer.getvalue().encode("utf-8")


def _cell(sheet, value: Any, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with "=" or looks like "#N/A"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_chunks(title: str, preamble: Iterable[Sequence[Any]], headers: Sequence[str],
                rows: Iterable[Sequence[Any]], widths: Sequence[int] = ()) -> Iterator[bytes]:
    """The workbook of one sheet: a few lines of heading, the column names, the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    for index, width in enumerate(widths):
        sheet.column_dimensions[_column(index)].width = width
    for line in preamble:
        sheet.append([_cell(sheet, v, bold=True) for v in line])
    sheet.append([_cell(sheet, h, bold=True) for h in headers])
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        while chunk := out.read(CHUNK):
            yield chunk


def _sheet_title(title: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return (cleaned or "Sheet")[:31]


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def download(kind: str, filename: str, title: str, preamble: Iterable[Sequence[Any]],
             headers: Sequence[str], rows: Iterable[Sequence[Any]],
             widths: Sequence[int] = ()) -> Response:
    """A streamed attachment; *rows* may be a generator reading the database as it goes."""
    if kind == "xlsx":
        body = xlsx_chunks(title, preamble, headers, rows, widths)
        mimetype = XLSX
    else:
        body = csv_lines(preamble, headers, rows)
        mimetype = CSV
    response = Response(stream_with_context(body), mimetype=mimetype)
    name = f"{filename}.{kind}"
    response.headers["Content-Disposition"] = \
        f"attachment; filename={name}; filename*=UTF-8''{quote(name)}"
    response.headers["Cache-Control"] = "no-store"
    return response
