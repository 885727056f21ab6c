"""Which language a page is shown in, and the names of the UI languages."""

from datetime import datetime
from functools import cache, lru_cache

from babel import Locale, dates
from flask import g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user

from .time import to_brussels

# The three languages of the country, and English for staff who prefer it.
COMMUNITY_LANGUAGES = ("nl", "fr", "de")
UI_LANGUAGES = (*COMMUNITY_LANGUAGES, "en")
DEFAULT_LANGUAGE = "nl"

_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "de": "de_BE", "en": "en_BE"}


def locale_for(language: str | None) -> str:
    """The Babel locale for a UI language code; unknown codes fall back to Dutch."""
    return _LOCALES.get(language or "", _LOCALES[DEFAULT_LANGUAGE])


@cache
def language_name(code: str) -> str:
    """A UI language named in itself (Nederlands, Français, ...), as a switcher shows it."""
    name = Locale.parse(code).get_display_name(code)
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=16)
def _language_names(ui_language: str) -> dict:
    # Parsing the locale on every name was most of the cost of a page that names a few
    # dozen languages (the queue): the names in a UI language are read once.
    return Locale.parse(ui_language).languages


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


def language_label(code: str, ui_language: str | None = None, own: str | None = None) -> str:
    """Any language code named in the reader's UI language (néerlandais, Niederländisch, ...),
    capitalised as in a list; ``own`` is a name the register keeps in place of the locale's."""
    ui_language = ui_language or current_language()
    name = own or _language_names(ui_language).get(code, code)
    return name[:1].upper() + name[1:]


# The one way each kind of moment is written, per locale (CLDR skeletons, so each
# language orders and abbreviates in its own way): "12 mrt 2027", "12 mars 2027",
# "12. März 2027"; with the weekday where the day of the week matters (when something
# happens): "vr 12 mrt 2027"; a month: "maart 2027", in a chart's label "mrt 2027".
DAY, DAY_WITH_WEEKDAY, MONTH, SHORT_MONTH = "yMMMd", "yMMMEd", "yMMMM", "yMMM"


def format_day(value, weekday: bool = False, locale=None) -> str:
    """A date (or a moment's date in Brussels), written the one way of the reader's locale."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = to_brussels(value)
    return dates.format_skeleton(DAY_WITH_WEEKDAY if weekday else DAY, value,
                                 locale=locale or get_locale())


def format_clock(value, locale=None) -> str:
    """A moment's time of day in Brussels (or a wall-clock time as it is): "10:00"."""
    if isinstance(value, datetime):
        value = to_brussels(value)
    return dates.format_time(value, "short", locale=locale or get_locale())


def format_moment(value, weekday: bool = False) -> str:
    """A moment in Brussels: "12 mrt 2027, 10:00"."""
    if value is None:
        return ""
    return f"{format_day(value, weekday)}, {format_clock(value)}"


def format_month(value, short: bool = False) -> str:
    """A month: "maart 2027" (or "mrt 2027" where room is short, as under a chart's bar)."""
    return dates.format_skeleton(SHORT_MONTH if short else MONTH, value, locale=get_locale())


def format_duration(delta) -> str:
    """How long something lasts or is left, roughly: "3 uur", "45 minutes", "2 Tage"."""
    return dates.format_timedelta(delta, granularity="minute", threshold=1,
                                  locale=get_locale())


def timeslot(start, end=None) -> str:
    """"vr 12 mrt 2027, 10:00–11:30" in the reader's language and Brussels time."""
    return page_formats().timeslot(start, end)


class PageFormats:
    """The days and times of one page (or mail) in its locale, each distinct one formatted
    once: the fifty rows of a queue share a handful of days and times, and Babel formats
    each from the pattern again."""

    def __init__(self, locale):
        self.locale = locale
        self._days: dict = {}
        self._times: dict = {}

    def day(self, value, weekday: bool = True) -> str:
        """As ``format_day``."""
        key = (value, weekday)
        found = self._days.get(key)
        if found is None:
            found = self._days[key] = format_day(value, weekday, self.locale)
        return found

    def time(self, value) -> str:
        """As ``format_clock``, of a wall-clock time in Brussels."""
        found = self._times.get(value)
        if found is None:
            found = self._times[value] = format_clock(value, self.locale)
        return found

    def moment(self, value, weekday: bool = False) -> str:
        """As ``format_moment`` (shown to the minute, so kept by the minute)."""
        local = to_brussels(value)
        return (f"{self.day(local.date(), weekday)}, "
                f"{self.time(local.time().replace(second=0, microsecond=0))}")

    def timeslot(self, start, end=None) -> str:
        start = to_brussels(start)
        text = f"{self.day(start.date())}, {self.time(start.time())}"
        if end is None:
            return text
        return f"{text}–{self.time(to_brussels(end).time())}"


def page_formats() -> PageFormats:
    """The current locale's ``PageFormats``, kept for the request (as ``catalogue``)."""
    return per_locale("_page_formats", PageFormats)


def per_locale(name: str, make):
    """What ``make(locale)`` gives, made once per request and locale (a mail rendered in
    another language within the request gets its own)."""
    locale = get_locale()
    cached = g.get(name)
    if cached is None:
        cached = {}
        setattr(g, name, cached)
    found = cached.get(id(locale))
    if found is None or found[0] is not locale:
        found = cached[id(locale)] = (locale, make(locale))
    return found[1]


def catalogue():
    """The current locale's translations, looked up once per request and locale.

    Flask-Babel looks the catalogue up again for every message, which on a page of fifty
    rows is most of the time it takes to render; a mail rendered in another language
    (``force_locale``) has a locale object of its own, and so its own entry here."""
    return per_locale("_catalogues", lambda _locale: get_translations())


def install_fast_gettext(environment) -> None:
    """Templates translate through ``catalogue()`` (same messages, same escaping)."""
    environment.install_gettext_callables(
        lambda message: catalogue().ugettext(message),
        lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, message: catalogue().upgettext(context, message),
        npgettext=lambda context, singular, plural, n: catalogue().unpgettext(
            context, singular, plural, n))
