"""What a request is about, in one line of the reader's language: the mail subjects, the
reminders, the calendar events and the mails' own summary all say it this way."""

from enum import Enum
from functools import lru_cache

from flask_babel import get_locale
from flask_babel import gettext as _

from ..core.i18n import current_language, language_label, page_formats, per_locale
from ..register.models import Direction, Modality


def summary(language_name: str, working_language: str, modality: Modality,
            direction: Direction | None, ui: str) -> str:
    """"Interpreting Arabic ↔ Dutch — on site", "Translation Dutch → Arabic" (called in the
    reader's language, ``ui``; ``language_name`` already named in it)."""
    return _summary(language_name, working_language, modality, direction, ui,
                    str(get_locale()))


@lru_cache(maxsize=4096)
def _summary(language_name, working_language, modality, direction, ui, _locale) -> str:
    # The same words for the same pair in the same language, on every page and in every
    # mail: worded once per process (the catalogues do not change while it runs).
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


class PageWording:
    """What requests are about and when, and the labels of their enums, in the page's
    language: each worked out once per page (``page_wording()``)."""

    def __init__(self, _locale):
        self.formats = page_formats()
        self.ui = current_language()
        self._labels: dict = {}
        self._summaries: dict = {}
        self._by = _("by %(day)s")

    def words(self, value) -> str:
        """An enum's label, or a lazy string, as text."""
        # A lazy string hashes by its translation: it is known here by itself.
        key = value if isinstance(value, Enum) else id(value)
        found = self._labels.get(key)
        if found is None:
            found = self._labels[key] = str(getattr(value, "label", value))
        return found

    def what(self, item) -> str:
        key = (item.language_code, item.working_language, item.modality, item.direction)
        found = self._summaries.get(key)
        if found is None:
            found = self._summaries[key] = request_summary(item, self.ui)
        return found

    def when(self, item) -> str:
        if item.is_translation:
            return self._by % {"day": self.formats.day(item.deadline_on)}
        return self.formats.timeslot(item.starts_at, item.ends_at)


def page_wording() -> PageWording:
    return per_locale("_page_wording", PageWording)


def request_what(item) -> str:
    return page_wording().what(item)


def request_when(item) -> str:
    return page_wording().when(item)
