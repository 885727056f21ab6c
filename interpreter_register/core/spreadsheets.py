"""CSV and XLSX files that are safe to open: every export of the product goes through here.

Text typed by a user never becomes a formula in the reader's spreadsheet (a cell that
starts like one gets a leading apostrophe in CSV, and is stored as text in XLSX), and the
control characters a spreadsheet cannot hold are left out instead of failing the export.
"""

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 (and so XLSX) cannot hold; tab, LF and CR it can.
_UNFIT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_text(text: str) -> str:
    """Text as a cell holds it: no control characters, never a formula."""
    text = _UNFIT.sub("", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguarded(text: str) -> str:
    """The text ``safe_text`` was given back (an export read in again as an import)."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS else text


def _plain(value) -> str:
    return "" if value is None else str(value)


def csv_bytes(headers, rows, render=_plain) -> bytes:
    """UTF-8 with a byte order mark and ; between fields, as Belgian Excel opens it.
    ``render`` writes the cells that are not text (numbers in the reader's locale)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(str(h)) for h in headers])
    writer.writerows([safe_text(v) if isinstance(v, str) else render(v) for v in row]
                     for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, headers, rows, number_format=lambda value: (value, None)) -> bytes:
    """One sheet, the headers in bold; written as it goes, so a large register fits.
    ``number_format(value)`` gives (the value to store, its number format or None)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_UNFIT.sub("", title)[:31] or "sheet")
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_UNFIT.sub("", str(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=_UNFIT.sub("", value))
                cell.data_type = "s"   # text, even when it starts with "=": not a formula
            else:
                stored, fmt = number_format(value)
                cell = WriteOnlyCell(sheet, value=stored)
                if fmt:
                    cell.number_format = fmt
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
