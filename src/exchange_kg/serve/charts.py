"""Charts drawn on the server as SVG: no script, no network, readable without styles.

Each chart is a self-contained ``<svg>`` with a ``<title>`` for screen readers, a value
printed at every bar, and colours given as attributes (the page's style sheet may refine them,
but a chart saved on its own still looks right).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

BAR = "#3b6ea8"
BAR_MUTED = "#9db7d5"
AXIS = "#8a8f98"
TEXT = "#1f2328"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# average advance of a character at the label font size, for sizing the label column
CHAR_WIDTH = 7.0


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None
    # extra text for the tooltip
    note: str = ""


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 12,
          fill: str = TEXT, extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}"{extra}>{escape(text)}</text>')


def _link(svg: str, href: str | None) -> str:
    return f"<a href={quoteattr(href)}>{svg}</a>" if href else svg


def _nice_max(value: int) -> int:
    """A round number at least ``value`` for the end of an axis (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def horizontal_bars(bars: list[Bar], title: str, width: int = 720,
                    max_label_chars: int = 40) -> str:
    """One row per bar, labels on the left, longest values first as given."""
    row = 22
    top = 8
    labels = [b.label if len(b.label) <= max_label_chars else b.label[:max_label_chars - 1]
              + "…" for b in bars]
    label_width = min(max((len(t) for t in labels), default=4) * CHAR_WIDTH + 12, width * 0.45)
    value_room = 48
    plot = width - label_width - value_room
    top_value = max((b.value for b in bars), default=0) or 1
    height = top + row * len(bars) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="group" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'font-family={quoteattr(FONT)} aria-label={quoteattr(title)}>',
             f"<title>{escape(title)}</title>"]
    for i, (bar, label) in enumerate(zip(bars, labels, strict=True)):
        y = top + i * row
        length = max(plot * bar.value / top_value, 1.5)
        tip = f"{bar.label}: {bar.value}" + (f" ({bar.note})" if bar.note else "")
        group = (f'<g class="bar"><title>{escape(tip)}</title>'
                 + _text(label_width - 8, y + 15, label, anchor="end")
                 + f'<rect x="{label_width:.1f}" y="{y + 3}" width="{length:.1f}" '
                   f'height="{row - 6}" rx="2" fill="{BAR}"/>'
                 + _text(label_width + length + 6, y + 15, str(bar.value), size=11,
                         fill=AXIS)
                 + "</g>")
        parts.append(_link(group, bar.href))
    parts.append("</svg>")
    return "".join(parts)


def columns(bars: list[Bar], title: str, width: int = 860, height: int = 260,
            ticks: set[str] | None = None) -> str:
    """Vertical columns in the given order (for a time axis: one column per year, gaps
    included), with a labelled y axis; x labels under the bars named in ``ticks`` (default:
    every fifth), and always under the last."""
    left, right, top, bottom = 40, 12, 16, 36
    plot_w = width - left - right
    plot_h = height - top - bottom
    top_value = _nice_max(max((b.value for b in bars), default=0))
    slot = plot_w / max(len(bars), 1)
    gap = min(2.0, slot * 0.2)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="group" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'font-family={quoteattr(FONT)} aria-label={quoteattr(title)}>',
             f"<title>{escape(title)}</title>"]
    for k in range(5):  # grid lines and y labels at 0, 1/4, ..., 1 of the axis
        v = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{AXIS}" stroke-opacity="{0.6 if k == 0 else 0.2}"/>')
        parts.append(_text(left - 6, y + 4, f"{v:g}", anchor="end", size=11, fill=AXIS))
    last_label = -1
    for i, bar in enumerate(bars):
        x = left + i * slot
        h = plot_h * bar.value / top_value
        tip = f"{bar.label}: {bar.value}" + (f" ({bar.note})" if bar.note else "")
        group = f'<g class="bar"><title>{escape(tip)}</title>'
        if bar.value:
            group += (f'<rect x="{x + gap / 2:.1f}" y="{top + plot_h - h:.1f}" '
                      f'width="{slot - gap:.1f}" height="{h:.1f}" rx="1.5" fill="{BAR}"/>')
        # an invisible full-height target so thin columns are easy to hover
        group += (f'<rect x="{x:.1f}" y="{top}" width="{slot:.1f}" height="{plot_h}" '
                  f'fill="{BAR_MUTED}" fill-opacity="0"/></g>')
        parts.append(_link(group, bar.href))
        is_tick = bar.label in ticks if ticks is not None else i % 5 == 0
        last_far_enough = i == len(bars) - 1 and (last_label < 0 or i - last_label >= 4)
        if is_tick or last_far_enough:
            last_label = i
            parts.append(_text(x + slot / 2, height - bottom + 16, bar.label, anchor="middle",
                               size=11, fill=AXIS))
    parts.append("</svg>")
    return "".join(parts)


def year_bars(counts: list[tuple[int, int]]) -> list[Bar]:
    """One bar per year from the first to the last year counted, zero where none started."""
    if not counts:
        return []
    by_year = dict(counts)
    first, last = min(by_year), max(by_year)
    return [Bar(str(y), by_year.get(y, 0)) for y in range(first, last + 1)]


def year_ticks(bars: list[Bar], every: int = 5) -> set[str]:
    """Labels of the years divisible by ``every`` (round years make a readable axis)."""
    return {b.label for b in bars if b.label.isdigit() and int(b.label) % every == 0}
