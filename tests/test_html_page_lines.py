"""A web page without tables: partner lists on university sites are often a heading per
country with a bulleted list of partners under it. Such a page is read as the lines a browser
shows, list items bulleted, and `new-mapping` proposes the outline layout for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg import formats, pipeline
from exchange_kg.formats.grid import LINE_BREAK
from exchange_kg.formats.html import page_lines
from exchange_kg.propose import manifest_entry, propose, read_with
from exchange_kg.records import SourceError

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Exchange partners</title>
<style>li { color: red }</style><script>var partners = ["not a partner"];</script></head>
<body>
<nav><a href="/">Home</a> <a href="/study">Study</a></nav>
<h1>Our exchange partner universities</h1>
<p>Last updated: 12 March 2026</p>
<h2>Europe</h2>
<h3>Austria</h3>
<ul><li><a href="https://univie.ac.at">University of Vienna</a></li>
    <li>Graz University <em>of</em> Technology</li></ul>
<h3>Germany</h3>
<ul><li>Heidelberg University</li><li>Technical University of Munich (TUM)</li>
    <li>University of Cologne</li></ul>
<h2>Asia</h2>
<div><h3>Japan</h3>
<ol><li>Kyoto University</li><li>Waseda University<br>Tokyo campus</li></ol></div>
<footer>© 2026 International Office</footer>
</body></html>
"""


def test_a_page_without_tables_is_its_lines_in_page_order(tmp_path: Path) -> None:
    path = tmp_path / "partners.html"
    path.write_text(PAGE, encoding="utf-8")
    table = page_lines(path)
    lines = [row[0] for row in table.cells]
    assert lines[:4] == ["Home Study", "Our exchange partner universities",
                         "Last updated: 12 March 2026", "Europe"]
    # list items are bulleted entries; inline markup joins, a line break starts a line
    assert "• University of Vienna" in lines and "• Graz University of Technology" in lines
    assert lines[-4:] == ["• Kyoto University", "• Waseda University", "Tokyo campus",
                          "© 2026 International Office"]
    assert not any("not a partner" in ln or "color" in ln for ln in lines)
    assert table.locations[0].text == "page line 1 (<nav>)"
    # the menu and the page's footer ('© ...', the host itself) are the site's: layout
    assert table.margin == {0: "the site's navigation (<nav>), not the list",
                            len(lines) - 1: "the page's footer (<footer>), not the list"}


def test_an_articles_own_footer_is_no_page_footer(tmp_path: Path) -> None:
    """A <footer> in an <article> (a card's 'Valid until 2027') is the article's: read."""
    path = tmp_path / "cards.html"
    path.write_text("<html><body><h1>Partners</h1><article><h2>Kyoto University</h2>"
                    "<footer>Valid until 2027</footer></article>"
                    "<footer>© University of Somewhere</footer></body></html>",
                    encoding="utf-8")
    table = page_lines(path)
    assert [row[0] for row in table.cells][-2:] == ["Valid until 2027",
                                                    "© University of Somewhere"]
    assert list(table.margin) == [len(table.cells) - 1]


def test_a_page_of_headings_and_lists_is_proposed_as_an_outline_and_read_whole(
        tmp_path: Path) -> None:
    path = tmp_path / "partners.html"
    path.write_text(PAGE.replace("<br>Tokyo campus", ""), encoding="utf-8")
    proposal = propose(path, "web-outline")
    section = proposal.mapping["sections"][0]
    assert section["reader"]["name"] == "outline-list"
    src = read_with(proposal, path)
    agreements = pipeline.source_agreements(src)
    assert sorted((a.country, a.parties[0].name) for a in agreements) == [
        ("AT", "Graz University of Technology"), ("AT", "University of Vienna"),
        ("DE", "Heidelberg University"), ("DE", "Technical University of Munich"),
        ("DE", "University of Cologne"), ("JP", "Kyoto University"),
        ("JP", "Waseda University")]
    view = formats.open_view(path, [{}])
    unaccounted = [n for n, text in enumerate(view.lines, start=1)
                   if text.strip() and n not in src.result.dispositions]
    assert unaccounted == []
    # the footer after the last entry is layout, no partner
    footer = len(view.lines)
    assert src.result.dispositions[footer].status.value == "layout"
    assert "as_of: '2026-03-12'" in manifest_entry(proposal, path)


@pytest.mark.parametrize("body", ["", "<script>x = 1</script>", "<p>   </p>"])
def test_a_page_with_no_table_and_no_text_is_bad_input(tmp_path: Path, body: str) -> None:
    path = tmp_path / "empty.html"
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    with pytest.raises(SourceError, match="no table and no text"):
        page_lines(path)


PER_COUNTRY = """<html><body><h1>Partner universities</h1>
<h2>Germany</h2>
<table><tr><th>University</th><th>Places</th></tr>
<tr><td>Universität Passau</td><td>2</td></tr><tr><td>TU Dresden</td><td>1</td></tr></table>
<h2>Italy</h2>
<table><tr><th>University</th><th>Places</th></tr><tr><td>Università di Padova</td><td>2</td></tr>
</table>
<h2>Exchange places per year</h2>
<table><tr><th>University</th><th>Places</th></tr><tr><td>Kyoto University</td><td>3</td></tr>
</table>
</body></html>
"""


def test_a_table_per_country_gives_its_rows_the_country_of_the_heading_above_it(
        tmp_path: Path) -> None:
    path = tmp_path / "per-country.html"
    path.write_text(PER_COUNTRY, encoding="utf-8")
    proposal = propose(path, "per-country")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    # a table of one row joins the list too: it repeats the first table's header
    assert options["table"] == [1, 2, 3]
    src = read_with(proposal, path)
    # a heading naming no country over one of them: no table's heading is taken, so no
    # country runs on from one table into the next
    assert [(r.fields["partner"], r.fields.get("country")) for r in src.result.records] == [
        ("Universität Passau", None), ("TU Dresden", None), ("Università di Padova", None),
        ("Kyoto University", None)]
    path.write_text(PER_COUNTRY.replace("Exchange places per year", "Japan"), encoding="utf-8")
    proposal = propose(path, "per-country")
    src = read_with(proposal, path)
    assert [(r.fields["partner"], r.fields.get("country")) for r in src.result.records] == [
        ("Universität Passau", "Germany"), ("TU Dresden", "Germany"),
        ("Università di Padova", "Italy"), ("Kyoto University", "Japan")]
    view = formats.open_view(path, [{"table": [1, 2, 3]}])
    assert view.lines[0] == "Germany"
    assert view.locations[0].text == "heading above table 1"


CARDS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Partner universities</title></head>
<body><h1>Our partner universities</h1>
<p>Contact: international@example.edu</p><p>Phone: +44 20 7946 0000</p>
<h2>Europe</h2>
<div class="partners">
  <article class="partner"><h3>Universität Hamburg</h3>
    <dl><dt>Country</dt><dd>Germany</dd><dt>Places</dt><dd>2</dd></dl>
    <a href="/hamburg">Read more</a></article>
  <article class="partner"><h3>Sorbonne Université</h3><p>Faculty of Arts</p>
    <dl><dt>Country</dt><dd>France</dd></dl></article>
</div>
<h2>Asia</h2>
<div class="partners">
  <article class="partner"><h3>Kyoto University</h3>
    <p><strong>Country:</strong> Japan</p><p><strong>Places:</strong> 1</p></article>
  <article class="partner"><h3>National University of Singapore</h3>
    <p><strong>Country:</strong> Singapore</p><p><strong>Places:</strong> 4</p></article>
</div>
<ul><li>Monash University<ul><li>Country: Australia</li><li>Places: 3</li></ul></li>
    <li>University of Toronto<ul><li>Country: Canada</li><li>Places: 2</li></ul></li></ul>
</body></html>
"""


def test_a_page_of_cards_is_a_row_per_card_under_its_labels(tmp_path: Path) -> None:
    """A page where each partner is a box (an <article> with a description list, labelled
    paragraphs, a list item with its details in a nested list) is read as a table: the
    labels the boxes share over one row per box, the box's title under "Name", a line under
    it (a unit) in a column of its own, a line after the labels ("Read more") in a last
    column of its own. The page's own labelled lines
    (a contact, a phone number) are no cards: each is one field, not a box of them."""
    path = tmp_path / "cards.html"
    path.write_text(CARDS, encoding="utf-8")
    table = page_lines(path)
    rows = [[c.replace(LINE_BREAK, " / ") for c in row] for row in table.cells]
    header = ["Country", "Places", "Name", "", "Other text"]
    assert rows == [
        ["Our partner universities"], ["Contact: international@example.edu"],
        ["Phone: +44 20 7946 0000"], ["Europe"], header,
        ["Germany", "2", "Universität Hamburg", "", "Read more"],
        ["France", "", "Sorbonne Université", "Faculty of Arts", ""],
        ["Asia"], header,
        ["Japan", "1", "Kyoto University", "", ""],
        ["Singapore", "4", "National University of Singapore", "", ""],
        header, ["Australia", "3", "Monash University", "", ""],
        ["Canada", "2", "University of Toronto", "", ""]]
    assert table.locations[4].text == "page line 5 (the labels of the cards below)"
    assert table.locations[5].text == "page line 6 (<article>)"
    # read with simple-table, the labels as the header (the columns as a mapping names them)
    proposal = propose(path, "cards")
    section = proposal.mapping["sections"][0]
    section["reader"]["options"].update(columns=["country", "quota", "partner", "-", "-"],
                                        header=header)
    section["fields"] = {"country": "country", "quota": "quota", "partner": "partner"}
    src = read_with(proposal, path)
    assert sorted((a.country, a.parties[0].name, a.parties[0].units, a.quota and
                   a.quota.places) for a in pipeline.source_agreements(src)) == [
        ("AU", "Monash University", (), (("unspecified", 3),)),
        ("CA", "University of Toronto", (), (("unspecified", 2),)),
        ("DE", "Universität Hamburg", (), (("unspecified", 2),)),
        ("FR", "Sorbonne Université", (), None),
        ("JP", "Kyoto University", (), (("unspecified", 1),)),
        ("SG", "National University of Singapore", (), (("unspecified", 4),))]
    assert not [d for d in src.result.dispositions.values() if d.status.value == "unreadable"]


@pytest.mark.parametrize("body", [
    # a box per country holding two partners: a label twice in one box
    "<div><h3>Germany</h3><p>University: Hamburg</p><p>University: Köln</p></div>"
    "<div><h3>France</h3><p>University: Paris</p><p>University: Lyon</p></div>",
    # boxes that share no label
    "<div><h3>Hamburg</h3><p>Phone: 1</p></div><div><h3>Paris</h3><p>Fax: 2</p></div>",
    # one labelled line per box
    "<div>Universität Hamburg: Erasmus+</div><div>Sorbonne Université: bilateral</div>",
])
def test_boxes_without_the_same_labels_are_no_cards(tmp_path: Path, body: str) -> None:
    path = tmp_path / "boxes.html"
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    assert all(len(row) == 1 for row in page_lines(path).cells)


def test_a_tree_of_lists_has_its_countries_and_regions_as_headings(tmp_path: Path) -> None:
    """Lists nested in lists (region > country > partners) mark their levels only by the
    nesting: an item over a nested list that names a country or a continent is a heading
    (no bullet), where it read as one more partner and left the partners without a country;
    a partner over a list of its faculties stays an entry."""
    path = tmp_path / "tree.html"
    path.write_text("""<html><body><h1>Sedi partner</h1><ul>
      <li><strong>Europa</strong><ul>
        <li>Austria<ul><li>Universität Salzburg</li></ul></li>
        <li>Francia<ul><li>Université de Nantes<ul><li>Faculté de droit</li></ul></li>
        </ul></li></ul></li>
      <li><strong>Asia e Oceania</strong><ul><li>Giappone<ul><li>Kyoto University</li>
        </ul></li></ul></li></ul></body></html>""", encoding="utf-8")
    assert [row[0] for row in page_lines(path).cells] == [
        "Sedi partner", "Europa", "Austria", "• Universität Salzburg", "Francia",
        "• Université de Nantes", "• Faculté de droit", "Asia e Oceania", "Giappone",
        "• Kyoto University"]


def test_a_description_list_grouped_per_partner_is_a_row_per_group(tmp_path: Path) -> None:
    """A description list whose terms are grouped per partner (<dl><div><dt>..<dd>..</div>)
    reads a group per line under the labels; a list of terms of one thing stays a line per
    term and its description."""
    path = tmp_path / "dl.html"
    path.write_text("""<html><body><h1>Partners</h1><dl class="partners">
      <div><dt>University</dt><dd>Universität Hamburg</dd><dt>Country</dt><dd>Germany</dd>
        <dt>Places</dt><dd>2</dd></div>
      <div><dt>University</dt><dd>Kyoto University</dd><dt>Country</dt><dd>Japan</dd></div>
    </dl><dl><dt>Programm</dt><dd>Erasmus+</dd><div><dt>Laufzeit</dt><dd>2021–2027</dd></div>
    </dl></body></html>""", encoding="utf-8")
    assert page_lines(path).cells == [
        ["Partners"], ["University", "Country", "Places"],
        ["Universität Hamburg", "Germany", "2"], ["Kyoto University", "Japan", ""],
        ["Programm", "Erasmus+"], ["Laufzeit", "2021–2027"]]
