"""Our VTIMEZONE for Europe/Brussels agrees with zoneinfo, read by an independent parser."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject

from interpreter_register.calendar.vtimezone import brussels_vtimezone_text, transitions

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(scope="module")
def parsed_zone():
    """The VTIMEZONE as vobject (dateutil underneath) understands it: not our code."""
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{brussels_vtimezone_text()}END:VCALENDAR"
    return vobject.readOne(text).vtimezone.gettzinfo()


@pytest.mark.parametrize("year", range(1996, 2101, 7))
def test_every_change_of_offset_agrees_with_zoneinfo(parsed_zone, year):
    for moment, before, after in transitions(year):
        for probe, expected in ((moment - timedelta(minutes=1), before), (moment, after)):
            local = probe.astimezone(BRUSSELS).replace(tzinfo=None)
            fold = probe.astimezone(BRUSSELS).fold
            assert local.replace(tzinfo=parsed_zone, fold=fold).utcoffset() == expected, \
                (year, probe)


def test_summer_time_starts_at_0100_utc_and_ends_at_0100_utc():
    [spring, autumn] = transitions(2027)
    assert spring[0] == datetime(2027, 3, 28, 1, tzinfo=UTC)
    assert autumn[0] == datetime(2027, 10, 31, 1, tzinfo=UTC)


def test_the_observances_start_at_local_wall_time_before_the_change():
    text = brussels_vtimezone_text()
    assert "DTSTART:19960331T020000" in text and "TZOFFSETFROM:+0100" in text
    assert "DTSTART:19961027T030000" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
