"""Bar charts drawn on the server as SVG: readable without JavaScript, with a title and a
description for screen readers, and the table of the same figures beside them."""

from html import escape

from markupsafe import Markup

WIDTH = 720
COLOURS = ("#1f5fa8", "#e07b00", "#5a8f29", "#8c3a99")


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _two_lines(x: float, y: float, label: str, second: str | None) -> str:
    """A label right-aligned before the bars; a second line (the working language of a
    pair, say) below it in a smaller type, so that long names are not cut off."""
    if not second:
        return (f'<text x="{x}" y="{y + 5}" font-size="13" text-anchor="end">'
                f'{escape(label)}</text>')
    return (f'<text x="{x}" y="{y - 2}" font-size="13" text-anchor="end">'
            f'<tspan>{escape(label)} </tspan>'
            f'<tspan x="{x}" dy="15" font-size="11" fill="#444">{escape(second)}</tspan></text>')


def horizontal_bars(chart_id: str, title: str, description: str, labels: list[str],
                    series: list[tuple[str, list[float]]],
                    second_lines: list[str] | None = None) -> Markup:
    """One group of bars per label (a language, say), one bar per series (demand, fills)."""
    bar, gap, left, top = 14, 10, 220, 34
    group = bar * len(series) + gap
    height = top + group * len(labels) + 20
    peak = max((v for _name, values in series for v in values), default=0) or 1
    scale = (WIDTH - left - 60) / peak
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
             f'class="report-chart">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    for n, (name, _values) in enumerate(series):
        x = left + n * 170
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{COLOURS[n]}"/>'
                     f'<text x="{x + 18}" y="17" font-size="13">{escape(name)}</text>')
    for i, label in enumerate(labels):
        y = top + i * group
        parts.append(_two_lines(left - 8, y + bar * len(series) / 2, label,
                                second_lines[i] if second_lines else None))
        for n, (name, values) in enumerate(series):
            value = values[i]
            length = max(value * scale, 0)
            parts.append(
                f'<rect x="{left}" y="{y + n * bar}" width="{length:.1f}" height="{bar - 2}" '
                f'fill="{COLOURS[n]}" data-series="{escape(name)}" data-value="{value}">'
                f'<title>{escape(label)} · {escape(name)}: {_number(value)}</title></rect>'
                f'<text x="{left + length + 4:.1f}" y="{y + n * bar + bar - 4}" '
                f'font-size="11">{_number(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def _ticks(peak: float, count: int = 4) -> list[float]:
    """Round values for a scale from 0 to at least ``peak``: steps of 1, 2 or 5 times a
    power of ten."""
    rough, power = max(peak / count, 1), 1
    while power * 10 <= rough:
        power *= 10
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= rough)
    return [step * n for n in range(int(-(-peak // step)) + 1)]


# About how wide a character of the labels' 11-pixel type is, to know when one would run
# into its neighbour.
CHARACTER_WIDTH = 6.5


def _column_label(x: float, y: float, label: str, room: float) -> str:
    """A label under its columns; one too wide for its room breaks at its last space
    ("sept." over "2027"), so that neighbouring labels never run into each other."""
    start = f'<text x="{x:.1f}" y="{y}" font-size="11" text-anchor="middle">'
    if len(label) * CHARACTER_WIDTH <= room - 4 or " " not in label:
        return f"{start}{escape(label)}</text>"
    first, second = label.rsplit(" ", 1)
    return (f"{start}"
            f'<tspan x="{x:.1f}">{escape(first)}</tspan>'
            f'<tspan x="{x:.1f}" dy="13">{escape(second)}</tspan></text>')


def vertical_bars(chart_id: str, title: str, description: str, labels: list[str],
                  series: list[tuple[str, list[float]]], axis: str) -> Markup:
    """One group of columns per label (a month, say), one column per series."""
    height, bottom, left, top = 260, 40, 50, 30
    slot = (WIDTH - left - 10) / max(len(labels), 1)
    column = min(28, (slot - 8) / max(len(series), 1))
    ticks = _ticks(max((v for _name, values in series for v in values), default=0))
    scale = (height - bottom - top) / (ticks[-1] or 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
             f'class="report-chart">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
             f'<text x="4" y="16" font-size="12">{escape(axis)}</text>']
    for tick in ticks:
        y = height - bottom - tick * scale
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" '
                     f'stroke="{"#555" if tick == 0 else "#ddd"}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{_number(tick)}</text>')
    for n, (name, _values) in enumerate(series):
        x = left + 120 + n * 170
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{COLOURS[n]}"/>'
                     f'<text x="{x + 18}" y="17" font-size="13">{escape(name)}</text>')
    for i, label in enumerate(labels):
        middle = left + i * slot + slot / 2
        # The group of columns sits centred on its label, however few months there are.
        x0 = middle - column * len(series) / 2
        for n, (name, values) in enumerate(series):
            value = values[i]
            tall = value * scale
            x = x0 + n * column
            parts.append(
                f'<rect x="{x:.1f}" y="{height - bottom - tall:.1f}" width="{column - 2:.1f}" '
                f'height="{tall:.1f}" fill="{COLOURS[n]}" data-series="{escape(name)}" '
                f'data-value="{value}"><title>{escape(label)} · {escape(name)}: '
                f'{_number(value)}</title></rect>')
        parts.append(_column_label(middle, height - bottom + 16, label, slot))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()
