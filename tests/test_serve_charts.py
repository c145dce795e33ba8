"""Server-side SVG charts: well-formed, one bar per value, escaped labels, readable axes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from exchange_kg.serve import charts
from exchange_kg.serve.charts import Bar

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_horizontal_bars_are_proportional_and_escaped() -> None:
    bars = [Bar("A & <B>", 10, "/x?a=1&b=2"), Bar("C", 5), Bar("D", 0)]
    root = _parse(charts.horizontal_bars(bars, "Title <1>"))
    assert root.find(f"{SVG}title").text == "Title <1>"
    rects = root.findall(f".//{SVG}rect")
    assert len(rects) == 3
    widths = [float(r.get("width")) for r in rects]
    assert abs(widths[0] - 2 * widths[1]) < 0.5 and widths[2] < widths[1]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "A & <B>" in texts and "10" in texts
    link = root.find(f"{SVG}a")
    assert link is not None and link.get("href") == "/x?a=1&b=2"


def test_long_labels_are_shortened() -> None:
    root = _parse(charts.horizontal_bars([Bar("x" * 80, 1)], "t", max_label_chars=20))
    label = next(t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("x"))
    assert len(label) == 20 and label.endswith("…")


def test_year_columns_fill_gaps_and_label_round_years() -> None:
    bars = charts.year_bars([(1998, 2), (2001, 7), (2003, 1)])
    assert [b.label for b in bars] == ["1998", "1999", "2000", "2001", "2002", "2003"]
    assert [b.value for b in bars] == [2, 0, 0, 7, 0, 1]
    root = _parse(charts.columns(bars, "per year", ticks=charts.year_ticks(bars)))
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "2000" in labels and "1999" not in labels
    # the axis ends at a round number at least as high as the tallest column
    assert "8" in labels or "10" in labels
    tallest = max(float(r.get("height")) for r in root.iter(f"{SVG}rect")
                  if r.get("fill-opacity") is None)
    assert tallest > 0


def test_empty_charts_are_still_valid() -> None:
    assert _parse(charts.horizontal_bars([], "nothing")).tag == f"{SVG}svg"
    assert _parse(charts.columns([], "nothing")).tag == f"{SVG}svg"
    assert charts.year_bars([]) == []
