"""In a real Chromium, in French and in German: register staff open the shortage report for
a month; the chart and the table are there, in the reader's language, and say the same."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from interpreter_register.bookings.models import RequestStatus, UnfilledReason
from tests.fixtures.factories import (
    complete_past_request,
    create_language,
    create_past_request,
)
from tests.fixtures.world import build_world

from .test_foundation import log_in, switch_to

WORDS = {
    "fr": dict(reports="Rapports", shortage="Pénuries : où les interprètes manquent",
               period="Période", month="Mois", show="Afficher", requests="Demandes",
               booked="Réservée", arabic="Arabe ↔ Néerlandais", wolof="Wolof ↔ Néerlandais",
               title="Demandes et réservations par langue", march="mars 2026"),
    "de": dict(reports="Berichte", shortage="Engpässe: wo Dolmetscher fehlen",
               period="Zeitraum", month="Monat", show="Anzeigen", requests="Anfragen",
               booked="Gebucht", arabic="Arabisch ↔ Niederländisch",
               wolof="Wolof ↔ Niederländisch", title="Anfragen und Buchungen pro Sprache",
               march="März 2026"),
}


def build_march():
    """March 2026 in Ghent: Arabic asked four times, three booked, one left unfilled
    because nobody was available; Wolof asked twice, nobody holds it."""
    world = build_world()
    create_language("wo")
    day = datetime(2026, 3, 10, 9, tzinfo=UTC)
    for n in range(3):
        item = create_past_request(world.contact_person, world.service, due=day.replace(day=10 + n),
                                   status=RequestStatus.COMPLETED, booked_at=day.replace(day=5))
        complete_past_request(item, world.fatima)
    create_past_request(world.contact_person, world.service, status=RequestStatus.UNFILLED,
                        unfilled_reason=UnfilledReason.NO_ONE_AVAILABLE)
    for n in range(2):
        create_past_request(world.contact_person, world.service, language="wo",
                            due=day.replace(day=20 + n), status=RequestStatus.UNFILLED,
                            unfilled_reason=UnfilledReason.NO_HOLDER)
    return world


@pytest.mark.parametrize("language", ["fr", "de"])
def test_shortage_report_chart_and_table_agree(page, live_server, language):
    words = WORDS[language]
    world = live_server.seed(build_march)
    log_in(page, live_server, world.register_staff.email)
    switch_to(page, language)
    page.get_by_role("link", name=words["reports"]).first.click()
    page.get_by_role("link", name=words["shortage"]).click()

    form = page.get_by_role("form", name=words["period"])
    form.get_by_label(words["period"]).select_option("month")
    form.get_by_label(words["month"], exact=True).fill("2026-03")
    form.get_by_role("button", name=words["show"]).click()
    expect(page.locator("p.lead")).to_have_text(words["march"])
    assert "period=month" in page.url and "month=2026-03" in page.url, "bookmarkable"

    chart = page.get_by_role("img", name=words["title"])
    expect(chart).to_be_visible()
    table = page.locator("#shortage-table")
    rows = table.locator("tbody tr")
    # The most unfilled first: Wolof (two unfilled) above Arabic (one).
    expect(rows.locator("th")).to_have_text([words["wolof"], words["arabic"]])
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("4")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("3")

    # The chart says what the table says, language by language and series by series.
    in_table = {" ".join(row.locator("th").text_content().split()):
                (int(row.get_attribute("data-requests")), int(row.get_attribute("data-booked")))
                for row in rows.all()}
    labels = chart.locator("text[text-anchor='end']").evaluate_all(
        "labels => labels.map(t => t.textContent)")
    demand, fills = ([float(v) for v in chart.locator(f"rect[data-series='{series}']")
                      .evaluate_all("bars => bars.map(b => b.dataset.value)")]
                     for series in (words["requests"], words["booked"]))
    assert labels == [words["wolof"], words["arabic"]]
    assert {label: (d, f) for label, d, f in zip(labels, demand, fills, strict=True)} == in_table
    assert in_table == {words["wolof"]: (2, 0), words["arabic"]: (4, 3)}

    # The download carries the same figures, headed in the reader's language.
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    exported = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert exported[0].startswith(";".join(["Langue" if language == "fr" else "Sprache"]))
    assert exported[2].startswith(f"{words['arabic'].split(' ↔ ')[0]};")
