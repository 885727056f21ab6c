"""Series in a real Chromium: a social worker asks for weekly meetings in Dutch, leaves out
a public holiday, and moves "this date and the following ones" in French; a dispatcher
books the whole series to one interpreter (in Dutch), and finds it again by searching."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from interpreter_register.bookings.recurrence import holidays_among
from tests.fixtures.factories import create_series, future_day
from tests.fixtures.world import build_world

from .test_foundation import log_in, serious_violations, switch_to


def _holiday_week():
    """A public holiday on a weekday, with no other holiday the same weekday in the weeks
    just before and after it (to make a series of four around it)."""
    for n in range(500):
        day = future_day(weeks=3) + timedelta(days=n)
        around = [day + timedelta(weeks=w) for w in (-1, 0, 1, 2)]
        if day.weekday() < 5 and [d for d, _ in holidays_among(around, "nl")] == [day]:
            return day
    raise AssertionError("no public holiday ahead")


def test_a_weekly_series_skips_a_holiday_and_changes_this_and_following(page, live_server):
    world = live_server.seed(build_world)
    holiday = _holiday_week()
    first = holiday - timedelta(weeks=1)
    log_in(page, live_server, world.contact_person.email)
    page.get_by_role("link", name="Nieuwe aanvraag").click()
    page.select_option("#language", "ar")
    page.check("input[name=modality][value=on_site]")
    page.select_option("#domain", "education")
    page.fill("#day", first.isoformat())
    page.fill("#starts", "10:00")
    page.fill("#ends", "11:00")
    page.select_option("#repeat", "weekly")
    page.fill("#repeat_count", "4")
    page.fill("#address", "Sleepstraat 10")
    page.fill("#postcode", "9000")
    page.fill("#municipality", "Gent")
    page.fill("#case_reference", "school-12")
    page.get_by_role("button", name="Aanvraag versturen").click()
    # Not saved yet: the dates, the holiday among them to leave out or keep.
    dates = page.locator("#series-dates")
    expect(dates).to_contain_text("De reeks heeft 4 data")
    expect(dates.get_by_role("status")).to_contain_text("feestdag")
    assert serious_violations(page) == []
    page.get_by_label("Weglaten").check()
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page.get_by_role("status").first).to_contain_text("Uw reeks van 3 data")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reeks")
    rows = page.locator("table.series-table tbody tr")
    expect(rows).to_have_count(3)

    switch_to(page, "fr")
    expect(page.locator("main")).to_contain_text("Chaque semaine le")
    rows.nth(1).get_by_role("link", name="Modifier").click()
    page.get_by_label("Cette date et les suivantes").check()
    page.fill("#starts", "14:00")
    page.fill("#ends", "15:00")
    page.get_by_role("button", name="Enregistrer la modification").click()
    expect(page.get_by_role("status").first).to_contain_text("enregistrée pour 2 dates")
    expect(page.locator("main")).to_contain_text("SCHOOL-12")
    page.get_by_role("link", name=re.compile("Date 2 sur 3 de la série")).click()
    rows = page.locator("table.series-table tbody tr")
    expect(rows.nth(0)).to_contain_text("10:00")
    expect(rows.nth(1)).to_contain_text("14:00")
    expect(rows.nth(2)).to_contain_text("14:00")


def test_a_dispatcher_books_the_series_to_one_interpreter(page, live_server):
    def build():
        world = build_world()
        world.series = create_series(world.contact_person, future_day(weeks=8, weekday=1))
        return world
    world = live_server.seed(build)
    log_in(page, live_server, world.dispatcher.email)
    page.get_by_role("link", name="Wachtrij", exact=True).click()
    page.get_by_role("link", name="Reeks, datum 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.series.number)
    row = page.locator("main table").last.locator("tbody tr").filter(has_text="Fatima Haddad")
    expect(row).to_contain_text("Alle 4 data")
    assert serious_violations(page) == []
    row.get_by_role("button", name="Deze data boeken").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Fatima Haddad is geboekt voor 4 data.")
    dates = page.locator("table.series-table tbody tr")
    for n in range(4):
        expect(dates.nth(n)).to_contain_text("Fatima Haddad")
    # Found again among every request of the service, by its case reference.
    page.get_by_role("link", name="Zoeken").click()
    page.fill("#reference", "school-7")
    page.locator("main form").get_by_role("button", name="Zoeken").click()
    expect(page.locator("main table tbody tr")).to_have_count(4)
