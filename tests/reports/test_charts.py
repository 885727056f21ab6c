"""Charts drawn on the server: bars in proportion, a text alternative, a readable scale,
and everything the reader sees escaped and in the reader's language."""

import re

import pytest

from interpreter_register.reports import charts


def bars(svg: str) -> list[tuple[str, float, float]]:
    """(series, value, drawn length) of every bar."""
    found = re.findall(r'<rect x="[^"]+" y="[^"]+" width="([\d.]+)" height="([\d.]+)" '
                       r'fill="[^"]+" data-series="([^"]+)" data-value="([^"]+)"', svg)
    return [(series, float(value), float(width)) for width, _h, series, value in found]


def test_horizontal_bars_are_drawn_in_proportion():
    svg = charts.horizontal_bars("c", "Requests", "Per language", ["Arabic", "Dari"],
                                 [("Asked", [40, 10]), ("Booked", [20, 0])])
    drawn = {(series, value): length for series, value, length in bars(svg)}
    assert drawn[("Asked", 40)] == pytest.approx(4 * drawn[("Asked", 10)], rel=0.01)
    assert drawn[("Asked", 40)] == pytest.approx(2 * drawn[("Booked", 20)], rel=0.01)
    assert drawn[("Booked", 0)] == 0
    assert '<title id="c-title">Requests</title>' in svg
    assert '<desc id="c-desc">Per language</desc>' in svg
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg


def test_labels_are_escaped():
    svg = charts.horizontal_bars("c", "<b>", "&", ["<script>alert(1)</script>"],
                                 [("a\"b", [1])])
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and 'data-series="a&quot;b"' in svg


def test_an_empty_chart_draws_no_bars_and_divides_by_nothing():
    assert bars(charts.vertical_bars("c", "t", "d", [], [("Asked", [])], "n")) == []
    assert bars(charts.horizontal_bars("c", "t", "d", ["x"], [("Asked", [0])]))[0][2] == 0


@pytest.mark.parametrize("peak,expected", [
    (0, [0]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]), (31, [0, 10, 20, 30, 40]),
    (250, [0, 100, 200, 300]),
])
def test_the_scale_has_round_steps_up_to_the_peak(peak, expected):
    assert charts._ticks(peak) == expected


def test_the_month_chart_speaks_the_readers_language(march, client_for):
    staff = client_for(march.register_staff)
    staff.post("/language", data={"language": "de"})
    page = staff.get("/reports/service?period=quarter&quarter=2026-Q1").get_data(as_text=True)
    chart = page[page.index("<svg"):page.index("</svg>")]
    assert "Anfragen und Buchungen pro Monat" in chart
    assert all(month in chart for month in ("Jan. 2026", "Feb. 2026", "März 2026"))
    march_bars = re.findall(r'data-series="(\w+)" data-value="(\d+)"><title>März 2026', chart)
    assert march_bars == [("Anfragen", "5"), ("Gebucht", "2")]


def _columns_and_labels(svg: str):
    columns = [(float(x), float(w)) for x, w in re.findall(
        r'<rect x="([\d.]+)" y="[^"]+" width="([\d.]+)" height="[^"]+" fill="[^"]+" data-series',
        svg)]
    labels = [float(x) for x in re.findall(
        r'<text x="([\d.]+)" y="[^"]+" font-size="11" text-anchor="middle"', svg)]
    return columns, labels


def test_one_month_s_columns_sit_centred_on_their_label():
    svg = charts.vertical_bars("c", "t", "d", ["mrt 2027"], [("Asked", [5]), ("Booked", [3])],
                               "n")
    columns, [label] = _columns_and_labels(svg)
    left = columns[0][0]
    right = columns[-1][0] + columns[-1][1]
    assert (left + right) / 2 == pytest.approx(label, abs=2)


def test_twelve_months_labels_never_run_into_each_other():
    months = [f"{m} 2027" for m in ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.",
                                    "août", "sept.", "oct.", "nov.", "déc.")]
    svg = charts.vertical_bars("c", "t", "d", months, [("Asked", list(range(12)))], "n")
    _columns, positions = _columns_and_labels(svg)
    room = positions[1] - positions[0]
    lines = re.findall(r"<tspan[^>]*>([^<]+)</tspan>", svg)
    widest = max([len(line) for line in lines] or [len(m) for m in months])
    assert widest * charts.CHARACTER_WIDTH < room, "a label is wider than its room"
    assert "sept." in lines and "2027" in lines
