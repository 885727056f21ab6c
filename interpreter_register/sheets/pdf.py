"""A settled sheet as a PDF, in the reader's language: what happened, who filed, who
confirmed or settled, and when. HTML from a template, made into PDF by WeasyPrint, in
DejaVu Sans (installed with the system's fonts, and covering every letter of nl, fr, de
and the people's names)."""

from flask import render_template
from flask_babel import force_locale

from ..core.i18n import locale_for


def render_pdf(html: str) -> bytes:
    """WeasyPrint, imported on first use: the web workers that never print pay nothing."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def sheet_pdf(sheet, version, language: str) -> bytes:
    """The PDF of one settled version of a sheet, in ``language``."""
    with force_locale(locale_for(language)):
        html = render_template("sheets/pdf.html", sheet=sheet, version=version,
                               request=sheet.request, booking=sheet.booking, ui=language)
    return render_pdf(html)


def file_name(sheet, version) -> str:
    return f"sheet-{sheet.request.number}-v{version.number}.pdf"
