"""Grouped bar charts as inline SVG for the print HTML (WeasyPrint runs no JavaScript).

`bar_chart_svg(chart)` takes a figure snapshot's "chart" (see figures.py) and returns one
<svg> element sized to the A4 text width. Labels and series names may have been typed by
officers: every one is XML-escaped; nothing from the chart ever lands in an attribute except
numbers computed here. Money above ten million đồng is drawn in "triệu đồng" ("1.804").
"""

import math
from html import escape

from core.numbers import format_number

WIDTH, HEIGHT = 600, 330  # user units; drawn 160 mm wide (the text width is 165 mm)
DRAWN_WIDTH_MM = 160
FONT = "'MTTQ Serif', 'Liberation Serif', serif"
FILLS = ("#1f3b63", "#d98c2b", "#8fb3d9", "#6b6b6b", "#c9b458", "#3f7f5f")
PLOT_LEFT, PLOT_RIGHT = 64, WIDTH - 12
LABEL_FONT, VALUE_FONT, TICK_FONT = 12, 11, 11
CHAR_WIDTH = 0.5  # average glyph width in em, for fitting labels
MILLION = 1_000_000


def bar_chart_svg(chart: dict | None) -> str:
    """An <svg> grouped bar chart, or "" when there is nothing to draw."""
    labels, series = _data(chart or {})
    if not labels or not series:
        return ""
    values = [value for _, points in series for value in points if value is not None]
    top = max(values, default=0)
    unit, divisor = _unit(str((chart or {}).get("unit") or ""), top)
    step = _nice_step(top / divisor)
    ticks = _ticks(top / divisor, step)
    title = str(chart.get("title") or "")

    plot_top = 30 + (22 if title else 0)
    plot_bottom = HEIGHT - 62
    scale = (plot_bottom - plot_top) / (ticks[-1] or 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"'
        f' width="{DRAWN_WIDTH_MM}mm" height="{DRAWN_WIDTH_MM * HEIGHT / WIDTH:.1f}mm"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}" font-size="{LABEL_FONT}">',
        f"<title>{escape(title or 'Biểu đồ')}</title>",
    ]
    if title:
        parts.append(_text(WIDTH / 2, 18, title, size=15, weight="bold"))
    if unit:
        parts.append(_text(PLOT_LEFT - 6, plot_top - 12, f"Đơn vị: {unit}", anchor="start"))

    for tick in ticks:
        y = plot_bottom - tick * scale
        stroke = (
            'stroke="#000" stroke-width="0.8"'
            if tick == 0
            else 'stroke="#c8c8c8" stroke-width="0.5"'
        )
        parts.append(
            f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{PLOT_RIGHT}" y2="{y:.1f}" {stroke}/>'
        )
        parts.append(
            _text(PLOT_LEFT - 5, y + TICK_FONT / 3, _format(tick), anchor="end", size=TICK_FONT)
        )
    parts.append(
        f'<line x1="{PLOT_LEFT}" y1="{plot_top - 4}" x2="{PLOT_LEFT}" y2="{plot_bottom}"'
        ' stroke="#000" stroke-width="0.8"/>'
    )

    group_width = (PLOT_RIGHT - PLOT_LEFT) / len(labels)
    bar_width = group_width * 0.8 / len(series)
    for index, label in enumerate(labels):
        group_left = PLOT_LEFT + index * group_width + group_width * 0.1
        for number, (_, points) in enumerate(series):
            value = points[index]
            if value is None:
                continue
            height = value / divisor * scale
            x = group_left + number * bar_width
            y = plot_bottom - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{height:.1f}"'
                f' fill="{FILLS[number % len(FILLS)]}" stroke="#000" stroke-width="0.4"/>'
            )
            text = _format(_rounded(value / divisor))
            size = VALUE_FONT if _fits(text, bar_width + 4, VALUE_FONT) else VALUE_FONT - 2
            if _fits(text, bar_width + 6, size):
                parts.append(_text(x + bar_width / 2, y - 3, text, size=size))
        lines = _wrap(label, group_width - 4, LABEL_FONT)
        for line_number, line in enumerate(lines):
            y = plot_bottom + 14 + line_number * (LABEL_FONT + 2)
            parts.append(_text(PLOT_LEFT + (index + 0.5) * group_width, y, line))

    parts.extend(_legend([name for name, _ in series], HEIGHT - 12))
    parts.append("</svg>")
    return "".join(parts)


def _data(chart: dict) -> tuple[list[str], list[tuple[str, list[int | float | None]]]]:
    """Labels and (name, values) per series, values padded or cut to the labels."""
    labels = chart.get("labels")
    raw_series = chart.get("series")
    if not isinstance(labels, list) or not isinstance(raw_series, list):
        return [], []
    labels = [str(label) for label in labels]
    series = []
    for entry in raw_series:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), list):
            continue
        values = [_number(value) for value in entry["values"]][: len(labels)]
        values += [None] * (len(labels) - len(values))
        series.append((str(entry.get("name") or ""), values))
    return labels, series


def _number(value) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return max(value, 0)


def _unit(unit: str, top: float) -> tuple[str, int]:
    """Large money in millions: ("triệu đồng", 1_000_000); anything else as it is."""
    if unit.strip() == "đồng" and top >= 10 * MILLION:
        return "triệu đồng", MILLION
    return unit.strip(), 1


def _nice_step(top: float) -> float:
    """A step of 1, 2, 2,5 or 5 × 10ⁿ giving about five gridlines."""
    if top <= 0:
        return 1
    raw = top / 5
    exponent = math.floor(math.log10(raw))
    fraction = raw / 10**exponent
    nice = next(n for n in (1, 2, 2.5, 5, 10) if fraction <= n)
    return max(nice * 10**exponent, 0.1)


def _ticks(top: float, step: float) -> list[float]:
    count = max(1, math.ceil(top / step - 1e-9))
    return [round(step * n, 6) for n in range(count + 1)]


def _rounded(value: float) -> float:
    """Whole numbers from 100 up, one decimal below (12,5 triệu)."""
    return round(value) if value >= 100 else round(value, 1)


def _format(value: float) -> str:
    """1804 → "1.804"; 12.5 → "12,5"; 0.25 → "0,25" (Vietnamese separators)."""
    if float(value).is_integer():
        return format_number(int(value))
    whole, _, decimals = f"{value:.2f}".rstrip("0").partition(".")
    return f"{format_number(int(whole))},{decimals}"


def _fits(text: str, width: float, size: float) -> bool:
    return len(text) * size * CHAR_WIDTH <= width


def _wrap(label: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """Words onto at most two lines of the group's width; the rest shortened with "…"."""
    per_line = max(3, int(width / (size * CHAR_WIDTH)))
    lines, current = [], ""
    for word in label.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= per_line or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    return [line if len(line) <= per_line else line[: per_line - 1] + "…" for line in lines]


def _legend(names: list[str], y: float) -> list[str]:
    """Swatches and names in one centered row."""
    widths = [14 + len(name) * LABEL_FONT * CHAR_WIDTH + 16 for name in names]
    x = max(PLOT_LEFT, (WIDTH - sum(widths)) / 2)
    parts = []
    for number, (name, width) in enumerate(zip(names, widths, strict=True)):
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 9}" width="10" height="10"'
            f' fill="{FILLS[number % len(FILLS)]}" stroke="#000" stroke-width="0.4"/>'
        )
        parts.append(_text(x + 14, y, name, anchor="start"))
        x += width
    return parts


def _text(x, y, text, *, anchor="middle", size=None, weight=None) -> str:
    attributes = f'x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"'
    if size:
        attributes += f' font-size="{size}"'
    if weight:
        attributes += f' font-weight="{weight}"'
    return f"<text {attributes}>{escape(text)}</text>"
