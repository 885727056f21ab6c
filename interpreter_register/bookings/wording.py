"""What a request is about, in one line of the reader's language: the mail subjects, the
reminders, the calendar events and the mails' own summary all say it this way."""

from flask_babel import gettext as _

from ..core.i18n import language_label
from ..register.models import Direction, Modality


def summary(language_name: str, working_language: str, modality: Modality,
            direction: Direction | None, ui: str) -> str:
    """"Interpreting Arabic ↔ Dutch — on site", "Translation Dutch → Arabic" (called in the
    reader's language, ``ui``; ``language_name`` already named in it)."""
    working = language_label(working_language, ui)
    if modality == Modality.WRITTEN:
        pair = (f"{working} → {language_name}" if direction == Direction.FROM_WORKING
                else f"{language_name} → {working}")
        return _("Translation %(pair)s", pair=pair)
    return _("Interpreting %(pair)s — %(how)s", pair=f"{language_name} ↔ {working}",
             how=Modality.IN_SENTENCE[modality.value])


def request_summary(request, ui: str) -> str:
    """A request's ``summary`` in the reader's language."""
    return summary(request.language.name(ui), request.working_language, request.modality,
                   request.direction, ui)
