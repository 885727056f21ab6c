"""Reports as CSV and XLSX files, with the headers in the reader's language (written by
``core.spreadsheets``, the one guard against formulas and unfit characters)."""

from flask import Response
from flask_babel import format_decimal, format_percent

from ..core.spreadsheets import csv_bytes, xlsx_bytes


class Share(float):
    """A fraction shown as a percentage: text in CSV, a number formatted 0% in Excel, so
    that a spreadsheet can still compute with it."""


def _text(value) -> str:
    """A cell that is not text, as the reader's locale writes it (decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, Share):
        return format_percent(value, "#0%")
    if isinstance(value, float):
        return format_decimal(value)
    return str(value)


def _number(value):
    if isinstance(value, Share):
        return float(value), "0%"
    return value, None


def download(name: str, fmt: str, title: str, headers, rows) -> Response:
    if fmt == "csv":
        data, mimetype = csv_bytes(headers, rows, _text), "text/csv; charset=utf-8"
    else:
        data = xlsx_bytes(title, headers, rows, _number)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
