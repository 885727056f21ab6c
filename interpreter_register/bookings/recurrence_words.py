"""The refusals of the series rules (``recurrence.RecurrenceError``) in the reader's words.

The rules say what is wrong as a code and its values; this says it in Dutch, French or
German when the page is shown (a lazy string), next to the form field it is about.
"""

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_pgettext as _p

from ..core.i18n import format_clock, format_day, format_moment
from ..core.rules import RuleError
from .recurrence import RecurrenceError

# Which of the month's weekdays: "the second Tuesday", "the last Friday".
NTH_WORDS = {1: _p("nth weekday", "first"), 2: _p("nth weekday", "second"),
             3: _p("nth weekday", "third"), 4: _p("nth weekday", "fourth"),
             5: _p("nth weekday", "fifth"), -1: _p("nth weekday", "last")}


def weekday_name(number: int) -> str:
    """Monday is 0, as Python and Babel count, in the reader's language."""
    from flask_babel import get_locale
    return get_locale().days["format"]["wide"][number]


def _nth(params) -> str:
    return str(NTH_WORDS.get(params.get("nth"), "?"))


MESSAGES = {
    "end_missing": lambda p: _("Say when the series ends: a last day or a number of times "
                               "(one of the two)."),
    "nth_not_applicable": lambda p: _("Which weekday of the month only applies to a series "
                                      "that repeats monthly on a weekday."),
    "nth_invalid": lambda p: _("Choose the first, second, third, fourth, fifth or last "
                               "weekday of the month."),
    "nth_mismatch": lambda p: _("%(day)s is not the %(which)s %(weekday)s of its month: "
                                "choose the one that fits the first day.",
                                day=format_day(p["first_day"]), which=_nth(p),
                                weekday=weekday_name(p["weekday"])),
    "until_before_first": lambda p: _("The last day (%(until)s) comes before the first "
                                      "(%(first)s).", until=format_day(p["until"]),
                                      first=format_day(p["first_day"])),
    "first_in_past": lambda p: _("The first day is in the past."),
    "monthly_day_unreliable": lambda p: _(
        "Not every month has a day %(day)d. Repeat monthly on a weekday instead: the "
        "%(which)s %(weekday)s of the month.", day=p["day"],
        which=str(NTH_WORDS[-1 if p["last"] else p["nth"]]),
        weekday=weekday_name(p["weekday"])),
    "too_few": lambda p: _("A series has at least %(min)d dates; this one has %(asked)d. "
                           "Ask for a single request instead.", min=p["min"],
                           asked=p["asked"]),
    "too_many": lambda p: _("A series has at most %(max)d dates; this one would have "
                            "%(asked)d.", max=p["max"], asked=p["asked"]),
    "too_long": lambda p: _("A series spans %(years)d years at most: its last date may be "
                            "%(latest)s at the latest, and this one would end on %(last)s.",
                            years=p["max_years"], latest=format_day(p["latest"]),
                            last=format_day(p["last"])),
    "end_not_after_start": lambda p: _("The end must come after the start."),
    "nonexistent_time": lambda p: _("On %(day)s the clocks go forward from 02:00 to 03:00: "
                                    "%(start)s does not exist that day. Choose another time.",
                                    day=format_day(p["day"]),
                                    start=format_clock(p["start"])),
    "occurrences_overlap": lambda p: _("Two dates of the series would overlap: %(first)s and "
                                       "%(second)s.",
                                       first=format_moment(p["first"]),
                                       second=format_moment(p["second"])),
}

# The form field each refusal belongs next to (None: on top of the form).
FIELDS = {
    "end_missing": "repeat_until", "nth_not_applicable": "repeat_nth",
    "nth_invalid": "repeat_nth", "nth_mismatch": "repeat_nth",
    "until_before_first": "repeat_until", "first_in_past": "day",
    "monthly_day_unreliable": "repeat", "too_few": "repeat_count",
    "too_many": "repeat_count", "too_long": "repeat_until",
    "end_not_after_start": "ends", "nonexistent_time": "starts",
    "occurrences_overlap": None,
}


def message(error: RecurrenceError) -> LazyString:
    """The refusal in the language of the page it is shown on."""
    return LazyString(lambda: MESSAGES[error.code](error.params))


def refusal(error: RecurrenceError) -> RuleError:
    """The rule's refusal as the services raise every refusal."""
    return RuleError(message(error), FIELDS.get(error.code))


def rule_words(rule) -> str:
    """A series' rule in a sentence: "Every week on Tuesday, from 5 January until 30 March"."""
    from flask_babel import ngettext

    from .recurrence import Frequency

    weekday = weekday_name(rule.first_day.weekday())
    if rule.frequency == Frequency.WEEKLY:
        how = _("Every week on %(weekday)s", weekday=weekday)
    elif rule.frequency == Frequency.FORTNIGHTLY:
        how = _("Every two weeks on %(weekday)s", weekday=weekday)
    elif rule.frequency == Frequency.MONTHLY_BY_DATE:
        how = _("Every month on day %(day)d", day=rule.first_day.day)
    else:
        how = _("Every month on the %(which)s %(weekday)s", which=str(NTH_WORDS[rule.nth]),
                weekday=weekday)
    first = format_day(rule.first_day)
    if rule.until is not None:
        return _("%(rule)s, from %(first)s until %(until)s", rule=how, first=first,
                 until=format_day(rule.until))
    return ngettext("%(rule)s, from %(first)s, %(num)d time",
                    "%(rule)s, from %(first)s, %(num)d times", rule.count, rule=how,
                    first=first)
