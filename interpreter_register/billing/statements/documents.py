"""Statements as files: a PDF in the interpreter's language (WeasyPrint, as the sheets'),
a CSV for payroll (the reader's language), and a month's PDFs in one zip."""

import io
import zipfile
from decimal import Decimal

from flask import render_template
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _

from ...core.i18n import locale_for
from ...core.spreadsheets import csv_bytes
from ...sheets import pdf
from .services import Statement


def language_of(person, fallback: str) -> str:
    """The interpreter's language: their account's choice, else ``fallback``."""
    account = person.active_account
    return (account.locale if account is not None and account.locale else None) or fallback


def statement_pdf(statement: Statement, language: str) -> bytes:
    with force_locale(locale_for(language)):
        html = render_template("statements/pdf.html", statement=statement, ui=language)
    return pdf.render_pdf(html)


def _headers() -> list[str]:
    return [_("Interpreter / translator"), _("Interpreting service"), _("Date"),
            _("Request"), _("Organisation"), _("Way of working"), _("Minutes worked"),
            _("Waiting minutes"), _("Kilometres"), _("Work (€)"), _("Travel (€)"),
            _("Expenses (€)"), _("Total (€)"), _("Pay scale from"), _("Not priced because")]


def _cell(value) -> str:
    if isinstance(value, Decimal):
        return format_decimal(value, "0.00##")
    return "" if value is None else str(value)


def _rows(statements):
    for statement in statements:
        person, service = statement.person.full_name, statement.service.name
        for line in statement.lines:
            request = line.sheet.request
            yield [person, service, line.day.isoformat(), request.number,
                   request.organisation.name, request.modality.label, line.minutes,
                   line.waiting_minutes, line.km, line.work, line.travel, line.expenses,
                   line.total, line.pay_scale.valid_from.isoformat(), ""]
        for item in statement.unpriced:
            request = item.sheet.request
            yield [person, service, item.day.isoformat(), request.number,
                   request.organisation.name, request.modality.label, None, None, None,
                   None, None, None, None, "", item.reason]


def statements_csv(statements) -> bytes:
    """One row per sheet (a sheet not priced: its reason), for payroll."""
    return csv_bytes(_headers(), _rows(statements), _cell)


def month_zip(statements, fallback_language: str, csv_name: str) -> bytes:
    """Each interpreter's statement as a PDF in their language, and the month's CSV."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for statement in statements:
            archive.writestr(statement.file_name("pdf"), statement_pdf(
                statement, language_of(statement.person, fallback_language)))
        archive.writestr(csv_name, statements_csv(statements))
    return buffer.getvalue()
