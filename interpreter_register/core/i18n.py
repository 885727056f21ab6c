"""Which language a page is shown in, and the names of the UI languages."""

from babel import Locale
from flask import has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

# The three languages of the country, and English for staff who prefer it.
COMMUNITY_LANGUAGES = ("nl", "fr", "de")
UI_LANGUAGES = (*COMMUNITY_LANGUAGES, "en")
DEFAULT_LANGUAGE = "nl"

# Belgian formats: 29/03/2026 in Dutch and French, 29.03.26 in German.
_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "de": "de_BE", "en": "en_BE"}


def locale_for(language: str | None) -> str:
    """The Babel locale for a UI language code; unknown codes fall back to Dutch."""
    return _LOCALES.get(language or "", _LOCALES[DEFAULT_LANGUAGE])


def language_name(code: str) -> str:
    """A UI language named in itself (Nederlands, Français, ...), as a switcher shows it."""
    name = Locale.parse(code).get_display_name(code)
    return name[:1].upper() + name[1:]


def offered_languages(user) -> tuple[str, ...]:
    """The UI languages a user may choose; English only for staff."""
    if getattr(user, "is_authenticated", False) and user.is_staff:
        return UI_LANGUAGES
    return COMMUNITY_LANGUAGES


def select_locale() -> str:
    """The user's setting, then the session, then the browser's preference, then Dutch."""
    if not has_request_context():
        return locale_for(DEFAULT_LANGUAGE)
    if current_user.is_authenticated and current_user.locale in offered_languages(current_user):
        return locale_for(current_user.locale)
    chosen = session.get("language")
    if chosen in offered_languages(current_user):
        return locale_for(chosen)
    best = request.accept_languages.best_match(COMMUNITY_LANGUAGES)
    return locale_for(best)


def current_language() -> str:
    """The two-letter code of the language the current page is rendered in."""
    return get_locale().language


def language_label(code: str, ui_language: str | None = None) -> str:
    """Any language code named in the reader's UI language (néerlandais, Niederländisch, ...)."""
    ui_language = ui_language or current_language()
    name = Locale.parse(ui_language).languages.get(code, code)
    return name[:1].upper() + name[1:]


def timeslot(start, end=None) -> str:
    """"Thursday 12 March 2027, 10:00–11:30" in the reader's language and Brussels time."""
    from flask_babel import format_date, format_time

    text = f"{format_date(start, 'full')}, {format_time(start, 'short')}"
    return f"{text}–{format_time(end, 'short')}" if end is not None else text
