"""Reports as CSV and XLSX files, with the headers in the reader's language."""

import csv
import io

from flask import Response
from flask_babel import format_decimal, format_percent
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Share(float):
    """A fraction shown as a percentage: text in CSV, a number formatted 0% in Excel, so
    that a spreadsheet can still compute with it."""


def _text(value) -> str:
    """A cell as the reader's locale writes it (decimal comma in nl, fr and de)."""
    if value is None:
        return ""
    if isinstance(value, Share):
        return format_percent(value, "#0%")
    if isinstance(value, float):
        return format_decimal(value)
    text = str(value)
    # A name typed as "=..." must not become a formula in the reader's spreadsheet.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([_text(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(title, headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Share) else v for v in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, Share):
                cell.number_format = "0%"
            elif isinstance(value, str):
                cell.data_type = "s"   # text, even when it starts with "=": not a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(name: str, fmt: str, title: str, headers, rows) -> Response:
    if fmt == "csv":
        data, mimetype = _csv(headers, rows), "text/csv; charset=utf-8"
    else:
        data = _xlsx(title, headers, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
