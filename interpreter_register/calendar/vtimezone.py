"""The VTIMEZONE of Europe/Brussels, derived from the zoneinfo database.

icalendar's own VTIMEZONE starts summer time an hour late (see toolchain notes) and
stops in 2038. Here the rule is read off zoneinfo's transitions of a reference year
(the last Sunday of March at 02:00, the last Sunday of October at 03:00, as the EU has it
since 1996) and written as yearly RRULEs, which calendar clients expand without end. A
test holds the rule to zoneinfo for every year from 1996 to 2100.
"""

import calendar as months
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

TZID = "Europe/Brussels"
ZONE = ZoneInfo(TZID)


def transitions(year: int, zone: ZoneInfo = ZONE) -> list[tuple[datetime, timedelta, timedelta]]:
    """(UTC moment, offset before, offset after) of each change of offset in a year."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    while moment < end:
        day_end = moment + timedelta(days=1)
        if moment.astimezone(zone).utcoffset() != day_end.astimezone(zone).utcoffset():
            hour = moment
            while hour < day_end:
                before = hour.astimezone(zone).utcoffset()
                after = (hour + timedelta(hours=1)).astimezone(zone).utcoffset()
                if before != after:
                    found.append((hour + timedelta(hours=1), before, after))
                hour += timedelta(hours=1)
        moment = day_end
    return found


def _byday(day: date) -> str:
    """The weekday rule of a day in its month: "-1SU" for the last Sunday, "2SU" ..."""
    names = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    last = months.monthrange(day.year, day.month)[1]
    if day.day + 7 > last:
        return f"-1{names[day.weekday()]}"
    return f"{(day.day - 1) // 7 + 1}{names[day.weekday()]}"


def _offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def rules(reference_year: int = 2026) -> list[dict]:
    """Each observance: its name, the offsets, its first local start and its yearly rule."""
    found = []
    for moment, before, after in transitions(reference_year):
        local = (moment + before).replace(tzinfo=None)  # wall clock just before the change
        found.append({
            "daylight": after > before, "from": before, "to": after,
            "name": (moment + timedelta(seconds=1)).astimezone(ZONE).tzname(),
            "start": local.replace(year=1996), "month": local.month,
            "byday": _byday(local.date()),
        })
    return found


@cache
def brussels_vtimezone_text() -> str:
    return brussels_vtimezone().to_ical().decode()


def brussels_vtimezone() -> Timezone:
    timezone = Timezone()
    timezone.add("TZID", TZID)
    timezone.add("X-LIC-LOCATION", TZID)
    for rule in rules():
        observance = TimezoneDaylight() if rule["daylight"] else TimezoneStandard()
        observance.add("TZNAME", rule["name"])
        observance.add("TZOFFSETFROM", rule["from"])
        observance.add("TZOFFSETTO", rule["to"])
        # The first start must itself follow the rule: the matching Sunday of 1996.
        first = _first_matching(rule)
        observance.add("DTSTART", first)
        observance.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": rule["month"],
                                 "BYDAY": rule["byday"]})
        timezone.add_component(observance)
    return timezone


def _first_matching(rule) -> datetime:
    start = rule["start"]
    names = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    weekday = names.index(rule["byday"][-2:])
    nth = int(rule["byday"][:-2])
    days = [d for d in range(1, months.monthrange(start.year, start.month)[1] + 1)
            if date(start.year, start.month, d).weekday() == weekday]
    return start.replace(day=days[nth - 1] if nth > 0 else days[nth])
