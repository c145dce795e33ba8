"""HTML tables of a saved web page, with ``rowspan`` / ``colspan`` as merged ranges.

Parsed with lxml's HTML parser (libxml2), which reads real pages as browsers do: missing
``</td>``, ``<tbody>`` or not, stray markup. Tables are numbered 1.. in document order (nested
tables included); the mapping picks one or several by number, ``id`` or caption. Cells are laid
out with the HTML table model: a cell spanning rows occupies its column in the rows below, so
the following cells of those rows move right.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from exchange_kg.formats.cards import Cards, find_cards
from exchange_kg.formats.delimited import decode
from exchange_kg.formats.grid import (
    LINE_BREAK,
    Merge,
    Table,
    column_letters,
    empty_old_copies,
    one_line,
)
from exchange_kg.formats.headings import above, with_country_headings
from exchange_kg.formats.textdoc import BULLET
from exchange_kg.records import Location, SourceError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


def read_tables(path: Path, choice: Any, encoding: str | None) -> list[Table]:
    """The chosen tables of the page: a number, an ``id``, a caption, or a list of them; a
    page without tables is read as its lines (see :func:`page_lines`)."""
    root = _root(path, encoding)  # parsed once: a page without tables is read as lines
    tables = root.xpath("//table")
    if choice is None and not tables:
        return [_lines_of(path, root)]
    if not tables:
        raise SourceError(str(path), None, "the page has no <table>")
    picks = choice if isinstance(choice, list) else [choice]
    if choice is None:
        if len(tables) > 1:
            raise SourceError(str(path), None,
                              f"the page has {len(tables)} tables; say which to read with the "
                              f"reader option `table:` (number, id or caption): "
                              f"{_listing(tables)}")
        picks = [1]
    numbers = [_pick(path, tables, p) for p in picks]
    _refuse_script_filled(path, root, [tables[n - 1] for n in numbers])
    # "<h3>Germany</h3>" over each table: the rows' country (see .headings)
    return with_country_headings([_table(tables, n) for n in numbers],
                                 [_heading(tables[n - 1], n) for n in numbers])


# a quoted address a script loads rows from: a data file, or a web service's path
_DATA_URL = re.compile(r"""["']([^"'\s]+\.(?:json|csv|xml|txt)(?:\?[^"'\s]*)?|"""
                       r"""[^"'\s]*/(?:api|rest|json|data)/[^"'\s]*)["']""", re.IGNORECASE)


def _refuse_script_filled(path: Path, root: Any, tables: list[Any]) -> None:
    """Stop when every table read has a header and no rows while the page runs scripts: the
    page as saved is the frame a script fills in the browser (a DataTables list loading its
    rows from a data file), and 'no rows' or 'no header' would hide why."""
    scripts = root.xpath("//script")
    if not scripts or any(_text(c) for t in tables for tr in _rows(t)[_heads(t):]
                          for c in tr.xpath("./th|./td")):
        return
    header = next((" | ".join(_text(c) for c in tr.xpath("./th|./td"))
                   for t in tables for tr in _rows(t) if tr.xpath("./th|./td")), "")
    loads = next((m.group(1) for el in scripts for m in _DATA_URL.finditer(el.text or "")),
                 None)
    raise SourceError(
        str(path), None,
        f"the table ({header or 'no header'}) has no rows on the page as saved: a script "
        "fills it in the browser" + (f" (it loads {loads!r})" if loads else "") + ". Save "
        "the page from the browser once the list shows (save as 'Web page, complete'), or "
        "download the data file it loads and map that instead")


def _heads(table: Any) -> int:
    """The rows of a table's header for telling it empty: its ``<thead>``, else a first row
    of header cells (a table of header cells only has rows)."""
    return len(table.xpath("./thead/tr")) or min(_header_rows(_row_groups(table)), 1)


def table_count(path: Path, encoding: str | None) -> int:
    return len(_page_tables(path, encoding))


def other_tables(path: Path, encoding: str | None, read: set[int]
                 ) -> list[tuple[Table, bool]]:
    """The page's tables apart from those numbered ``read``, and from the tables nested in
    them or holding them (a layout table around the list, a table inside one of its cells,
    whose text is the read table's own), each with whether it is links only."""
    tables = _root(path, encoding).xpath("//table")
    chosen = [tables[n - 1] for n in read]

    def related(table: Any) -> bool:
        return any(table is c or c in table.iterancestors("table")
                   or table in c.iterancestors("table") for c in chosen)

    return [(_table(tables, k + 1), _links_only(t)) for k, t in enumerate(tables)
            if not related(t)]


def _links_only(table: Any) -> bool:
    """Whether every cell of the table with text is a link and nothing else: a navigation
    bar ("Home | International"), page furniture rather than a list."""
    cells = [c for c in _rows_cells(table) if _text(c)]
    return bool(cells) and all(
        " ".join(a.text_content() for a in c.iter("a")).split() == _text(c).split()
        for c in cells)


def _rows_cells(table: Any) -> list[Any]:
    return [cell for tr in _rows(table) for cell in tr.xpath("./th|./td")]


def page_text(path: Path, encoding: str | None = None) -> list[str]:
    """The page's headings and paragraphs outside its tables, in page order: where a page
    states its title ("Convenios internacionales") and its date ("Actualizado al 15 de enero
    de 2026"), which are no rows of a table."""
    root = _root(path, encoding)
    body = root.find("body")
    cards = find_cards(body if body is not None else root, _element_lines, _BLOCKS)
    members = set(cards.rows) if cards is not None else set()  # rows of the list, as a table's
    out = []
    for el in root.iter("title", "h1", "h2", "h3", "h4", "h5", "h6", "p", "caption"):
        if el.tag != "caption" and next(el.iterancestors("table"), None) is not None:
            continue
        if el in members or any(a in members for a in el.iterancestors()):
            continue
        text = " ".join(el.text_content().split())
        if text:
            out.append(text)
    return out


# Elements whose content starts and ends a line, as a browser lays them out.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "ul"})
_UNSEEN = frozenset({"script", "style", "noscript", "template", "head"})


def page_lines(path: Path, encoding: str | None = None) -> Table:
    """A page without tables as the lines a browser shows, one row a line: headings,
    paragraphs and list items in page order, each list item starting with a bullet ("•
    University of Vienna"), as a word processor's list reads. Partner lists on web pages are
    often headings per country with a list of partners under each: the outline layout."""
    return _lines_of(path, _root(path, encoding))


def _lines_of(path: Path, root: Any) -> Table:
    body = root.find("body")
    body = body if body is not None else root
    lines: list[tuple[list[str], str]] = []  # (cells, the element that holds them)
    _walk(body, lines, [""], "", find_cards(body, _element_lines, _BLOCKS))
    cells = [row for row, _ in lines]
    locations = [Location(f"page line {n} ({tag})" if tag == _LABELS else
                          f"page line {n} (<{tag.removeprefix('page ')}>)") for n, (_, tag) in
                 enumerate(lines, start=1)]
    if not cells:
        raise SourceError(str(path), None, "the page has no table and no text")
    # A <nav> (a menu, a breadcrumb) and the page's <footer> (the site's address, its
    # copyright: '© University of X', the host itself) are the site's, on every page, as a
    # printed page's running header is: layout, never entries of the list.
    chrome = {"nav": "the site's navigation (<nav>), not the list",
              _PAGE_FOOTER: "the page's footer (<footer>), not the list"}
    navigation = {r: chrome[tag] for r, (_, tag) in enumerate(lines) if tag in chrome}
    return Table("page text", cells, locations, margin=navigation)


_LABELS = "the labels of the cards below"


def _element_lines(el: Any) -> list[tuple[list[str], str]]:
    """One element's lines, laid out as the page's are."""
    lines: list[tuple[list[str], str]] = []
    line = [""]
    _walk(el, lines, line, "")
    _flush(lines, line, el.tag if isinstance(el.tag, str) else "")
    return lines


def _walk(el: Any, lines: list[tuple[list[str], str]], line: list[str], tag: str,
          cards: Cards | None = None) -> None:
    """Lay out ``el``'s text: ``line`` is the text of the line being filled, ``tag`` the
    block it belongs to; a block element ends the line before and after itself. A card
    (:mod:`.cards`) is one line of its values, under a line of their labels."""
    if not isinstance(el.tag, str) or el.tag in _UNSEEN:
        return
    if cards is not None and el in cards.rows:
        _flush(lines, line, tag)
        if el in cards.firsts:
            lines.append((list(cards.header), _LABELS))
        lines.append((cards.rows[el], el.tag))
        return
    parent = el.getparent()
    # a description list, or a group of its terms (<dl><div><dt>..<dd>..</div>..</dl>), unless
    # its groups are cards, each a line of its own
    if (el.tag == "dl" or el.tag == "div" and parent is not None and parent.tag == "dl") \
            and (cards is None or not any(child in cards.rows for child in el)):
        _flush(lines, line, tag)
        _terms(el, lines)
        return
    block = el.tag in _BLOCKS
    if block or el.tag == "br":
        _flush(lines, line, tag)
        if el.tag == "li" and not _heads_a_list(el):
            line[0] = BULLET + " "
        tag = el.tag if block else tag
    start = len(lines)
    if el.text:
        line[0] += el.text
    for child in el:
        _walk(child, lines, line, tag, cards)
        if child.tail:
            line[0] += child.tail
    if block:
        _flush(lines, line, tag)
    if el.tag == "nav" or _page_footer(el):  # the site's, in whatever blocks they stand
        chrome = "nav" if el.tag == "nav" else _PAGE_FOOTER
        lines[start:] = [(cells, chrome) for cells, _ in lines[start:]]


_PAGE_FOOTER = "page footer"  # the lines of the page's own <footer>


# Elements whose <footer> is their own (an article's, a card's), not the page's.
_OWNERS = frozenset({"article", "section", "main", "aside", "li", "td", "th", "dd",
                     "blockquote", "details", "dialog", "figure", "table"})


def _page_footer(el: Any) -> bool:
    """Whether ``el`` is the page's <footer> (the site's address, copyright, contact), not
    an article's or a card's: in no element that a footer belongs to."""
    return el.tag == "footer" and not any(isinstance(a.tag, str) and a.tag in _OWNERS
                                          for a in el.iterancestors())


def _heads_a_list(item: Any) -> bool:
    """Whether a list item is a heading over the list nested in it: its own text (the nested
    list's aside) names a country or a continent ('Austria' over its partners, 'Europa' over
    its countries). A tree of lists gives its levels no other mark: bulleted, a country
    would read as one more partner, and the partners under it would have no country."""
    from exchange_kg.normalise.country import parse_country
    from exchange_kg.normalise.fit import parse_continent

    if not item.xpath("./ul | ./ol | ./*//ul | ./*//ol"):
        return False
    own = [item.text or ""]
    for child in item:
        if isinstance(child.tag, str) and child.tag not in ("ul", "ol"):
            own.append(child.text_content())
        own.append(child.tail or "")
    text = " ".join("".join(own).split())
    return bool(text) and (parse_country(text, fuzzy=False) is not None
                           or parse_continent(text) is not None)


def _terms(dl: Any, lines: list[tuple[list[str], str]]) -> None:
    """A description list as a browser pairs it: each term with its description on one
    line of two cells ("Programm<tab>Erasmus+"), as a label and its value are read; several
    descriptions of one term are lines of its cell, a description without a term a line of
    its own (its term empty)."""
    pairs: list[tuple[list[str], list[str]]] = []
    for item in dl.xpath("./dt | ./dd | ./div/dt | ./div/dd"):
        text = " ".join(item.text_content().split())
        if item.tag == "dt":
            if not pairs or pairs[-1][1]:
                pairs.append(([], []))
            pairs[-1][0].append(text)
        else:
            if not pairs:
                pairs.append(([], []))
            pairs[-1][1].append(text)
    for terms, descriptions in pairs:
        term = " ".join(t for t in terms if t)
        description = LINE_BREAK.join(d for d in descriptions if d)
        if term or description:
            lines.append(([term, description] if description else [term], "dl"))


def _flush(lines: list[tuple[list[str], str]], line: list[str], tag: str) -> None:
    text = " ".join(line[0].split())
    if text and text != BULLET:
        lines.append(([text], tag or "body"))
    line[0] = ""


def _page_tables(path: Path, encoding: str | None) -> list[Any]:
    tables = _root(path, encoding).xpath("//table")
    if not tables:
        raise SourceError(str(path), None, "the page has no <table>")
    return tables


def _root(path: Path, encoding: str | None) -> Any:
    import lxml.html

    data = path.read_bytes()
    text = decode(path, data, encoding) if encoding else _undeclared(path, data)
    if path.suffix.lower() in (".md", ".markdown"):  # the page it is published as
        from exchange_kg.formats.markdown import page

        text = page(text)
    # A declaration inside a str confuses libxml2; the text is already decoded.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        return lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml.etree.ParserError for an empty document
        raise SourceError(str(path), None, f"cannot read the HTML: {exc}") from None


# Labels a browser reads as Windows-1252 (the WHATWG Encoding Standard): its C1 bytes are
# dashes and quotes there, not control characters.
_AS_WINDOWS_1252 = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii",
                              "us-ascii", "cp819", "ibm819", "iso_8859-1", "windows-1252"})


def _undeclared(path: Path, data: bytes) -> str:
    """A page's text when the mapping names no encoding. Bytes that are valid UTF-8 are
    UTF-8 whatever the page's <meta> says: a saved page keeps a template's stale
    declaration while the server sent UTF-8 (the reading a visitor saw), and a legacy
    single-byte page is almost never valid UTF-8. Otherwise the declaration, read as a
    browser reads it; a declaration the bytes are not valid in is no evidence, and the
    page's words decide (as for a CSV file)."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:4096])
    if declared is not None:
        label = declared.group(1).decode("ascii").lower()
        try:
            return data.decode("cp1252" if label in _AS_WINDOWS_1252 else label)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(path, data, None)


def _pick(path: Path, tables: list[Any], choice: Any) -> int:
    """The 1-based number of the table a choice names."""
    if isinstance(choice, int):
        if 1 <= choice <= len(tables):
            return choice
        raise SourceError(str(path), None,
                          f"table {choice} asked for; the page has {len(tables)}: "
                          f"{_listing(tables)}")
    wanted = " ".join(str(choice).split()).casefold()
    for n, table in enumerate(tables, start=1):
        if table.get("id") == choice or _caption(table).casefold() == wanted:
            return n
    raise SourceError(str(path), None, f"no table with id or caption {choice!r}; the page has "
                      f"{_listing(tables)}")


def _caption(table: Any) -> str:
    captions = table.xpath("./caption")
    return " ".join(captions[0].text_content().split()) if captions else ""


def _listing(tables: list[Any]) -> str:
    parts = []
    for n, table in enumerate(tables, start=1):
        rows = _rows(table)
        first = " | ".join(one_line(_text(c)) for c in rows[0].xpath("./th|./td"))[:60] \
            if rows else ""
        name = f"id {table.get('id')!r}, " if table.get("id") else ""
        caption = f"caption {_caption(table)!r}, " if _caption(table) else ""
        parts.append(f"{n}: {name}{caption}{len(rows)} rows, first {first!r}")
    return "; ".join(parts)


def _rows(table: Any) -> list[Any]:
    """The table's own rows (not those of tables nested in its cells), as a browser shows
    them (see :func:`_row_groups`)."""
    return [tr for group in _row_groups(table) for tr in group]


def _row_groups(table: Any) -> list[list[Any]]:
    """The table's row groups in the order a browser shows them: the head, the bodies (and
    runs of rows outside any) in document order, the foot last wherever the page puts it.
    A cell spans rows only within its group."""
    heads: list[list[Any]] = []
    bodies: list[list[Any]] = []
    feet: list[list[Any]] = []
    loose: list[Any] = []  # rows right in <table>, outside any group
    for child in table:
        if child.tag == "tr":
            loose.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):  # a comment, a <colgroup>: no break
            if loose:
                bodies.append(loose)
                loose = []
            rows = child.xpath("./tr")
            {"thead": heads, "tbody": bodies, "tfoot": feet}[child.tag].append(rows)
    if loose:
        bodies.append(loose)
    return [g for g in (*heads, *bodies, *feet) if g]


# Elements inside a cell that start and end a line of it (a nested table's row too); a
# nested table's cells are apart by a space.
_CELL_LINES = _BLOCKS | {"table", "tr"}
_CELL_WORDS = frozenset({"td", "th"})


def _text(cell: Any, skip: frozenset[Any] | set[Any] = frozenset()) -> str:
    """A cell's text as a browser shows it: white space collapsed; a ``<br>`` and the
    blocks inside it (``<p>``, ``<div>``, ``<li>``) break its lines, which reach the readers
    apart by LINE_BREAK (see :mod:`.grid`). The elements in ``skip`` are left out."""
    pieces: list[str] = []
    _cell_pieces(cell, pieces, skip)
    lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
    return LINE_BREAK.join(line for line in lines if line)


def _cell_pieces(el: Any, pieces: list[str], skip: frozenset[Any] | set[Any]) -> None:
    """``el``'s text, its line breaks as "\n" (the page's own newlines are spaces)."""
    if el.text:
        pieces.append(el.text.replace("\n", " "))
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _UNSEEN and child not in skip:
            edge = "\n" if tag in _CELL_LINES else " " if tag in _CELL_WORDS else ""
            if tag == "br":
                pieces.append("\n")
            else:
                pieces.append(edge)
                _cell_pieces(child, pieces, skip)
                pieces.append(edge)
        if child.tail:
            pieces.append(child.tail.replace("\n", " "))


# class names frameworks and site builders give text kept for screen readers but hidden
# from sight (Bootstrap's sr-only / visually-hidden, WordPress's screen-reader-text, Drupal's
# element-invisible, Foundation's show-for-sr, GOV.UK's govuk-visually-hidden ...)
_OUT_OF_SIGHT = re.compile(r"(?:^|[-_])(?:sr-only|sr-text|visually-?hidden|screen-?reader"
                           r"(?:-text|-only)?|element-invisible|show-for-sr|offscreen"
                           r"|a11y-hidden|assistive-text)(?:$|[-_])", re.IGNORECASE)
_INVISIBLE = re.compile(r"(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.IGNORECASE)


def _out_of_sight(el: Any) -> bool:
    """Whether the page keeps ``el`` from sight: hidden, or kept for screen readers only.
    (``aria-hidden`` is the reverse, shown but not read aloud: it stays.)"""
    return el.get("hidden") is not None or bool(_INVISIBLE.search(el.get("style", ""))) \
        or any(_OUT_OF_SIGHT.search(c) for c in el.get("class", "").split())


def _struck(el: Any) -> bool:
    return el.tag in _STRUCK or bool(_LINE_THROUGH.search(el.get("style", "")))


def _left_out(cell: Any, labels: set[str]) -> set[Any]:
    """The elements of a cell that are not its value, when the cell shows other text: text
    the page keeps from sight (a label for screen readers, 'Partner university: ', or a
    sort key before a date), struck-through text beside its new value ('<del>2027</del>
    2029': void), and a first element that repeats the column's header ('<b>Country:</b>
    Germany', the label a narrow screen shows in each cell). Read, each would be published as
    part of the value."""
    out: set[Any] = set()
    for test in (_out_of_sight, _struck):
        found = {el for el in cell.iterdescendants() if isinstance(el.tag, str) and test(el)}
        if found and _text(cell, out | found).strip():
            out |= found
    if labels:
        first = next((el for el in cell.iterdescendants()
                      if isinstance(el.tag, str) and el not in out and _text(el)), None)
        if first is not None and _label_key(_text(first)) in labels \
                and not _before(cell, first, out).strip() and _text(cell, out | {first}):
            out.add(first)
    return out


def _label_key(text: str) -> str:
    return " ".join(text.replace(LINE_BREAK, " ").split()).rstrip(":：").strip().casefold()


def _before(cell: Any, el: Any, skip: set[Any]) -> str:
    """The text a cell shows before its element ``el``."""
    pieces = [cell.text or ""]
    for node in cell.iterdescendants():
        if node is el:
            break
        if isinstance(node.tag, str) and node not in skip and not any(
                a in skip for a in node.iterancestors()):
            pieces.append((node.text or "") + (node.tail or ""))
    return "".join(pieces)


def _span(cell: Any, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, "1")), 65534))
    except ValueError:
        return 1


def _table(tables: list[Any], number: int) -> Table:
    table = tables[number - 1]
    groups = _row_groups(table)
    rows = [tr for group in groups for tr in group]
    ends = [end for k, group in enumerate(groups)
            for end in [sum(len(g) for g in groups[:k + 1])] * len(group)]
    grid: dict[tuple[int, int], str] = {}
    taken: set[tuple[int, int]] = set()
    merges: list[Merge] = []
    unreadable: dict[int, str] = {}
    owner: dict[tuple[int, int], Any] = {}  # a grid place -> the cell covering it
    placed: list[tuple[int, int, int, Any]] = []  # row, column, columns spanned, cell
    for r, tr in enumerate(rows):
        c = 0
        why = _not_shown(tr)
        if why:
            unreadable[r] = f"row {r + 1} of table {number} is {why}: not read"
        for cell in tr.xpath("./th|./td"):
            while (r, c) in taken:
                c += 1
            # rowspan="0": to the end of its group, as browsers lay it out; never beyond it
            rowspan = ends[r] - r if cell.get("rowspan", "").strip() == "0" else \
                min(_span(cell, "rowspan"), ends[r] - r)
            colspan = _span(cell, "colspan")
            placed.append((r, c, colspan, cell))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
                    owner[(r + dr, c + dc)] = cell
            if rowspan > 1 or colspan > 1:
                merges.append((r, c, r + rowspan - 1, c + colspan - 1))
            c += colspan
    heads = _header_rows(groups)
    for r, c, colspan, cell in placed:
        labels = set() if r < heads else {
            _label_key(_text(owner[(h, k)])) for h in range(heads)
            for k in range(c, c + colspan) if (h, k) in owner}
        grid[(r, c)] = _text(cell, _left_out(cell, labels - {""})) or _pictured(cell)
    for r, c, _, _ in _link_labels(placed, heads, grid):
        grid[(r, c)] = ""
    width = max((c for _, c in taken), default=-1) + 1
    cells = [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]
    empty_old_copies(cells, _hidden_columns(placed, grid, _hiding_classes(table)))
    locations = [Location(f"table {number}, row {r}") for r in range(1, len(rows) + 1)]
    chrome = _sheet_chrome(cells)
    if chrome:  # the row numbers' column goes with the letters
        cells = [row[1:] for row in cells]
        merges = [(r0, c0 - 1, r1, c1 - 1) for r0, c0, r1, c1 in merges if c0 > 0]
    return Table(f"table {number}", cells, locations, merges,
                 {r: why for r, why in unreadable.items() if any(cells[r])},
                 {0: chrome} if chrome else {})


# the classes the common frameworks hide an element with on every screen, when the saved page
# links their style sheet: Bootstrap's d-none, Bootstrap 3's and Tailwind's hidden, Bulma's
# is-hidden
_FRAMEWORK_HIDING = frozenset({"d-none", "hidden", "is-hidden"})
# a class that shows the element again on some screens: Bootstrap's 'd-md-table-cell',
# Tailwind's 'md:table-cell', Bootstrap 3's 'visible-lg'
_SHOWN_ON_SOME = re.compile(r"^(?:d-(?:sm|md|lg|xl|xxl)-(?!none$)|[\w-]+:(?!hidden$)|visible-)",
                            re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CLASS_SELECTOR = re.compile(r"^[a-z0-9]*\.([\w-]+)$", re.IGNORECASE)


def _hiding_classes(el: Any) -> frozenset[str]:
    """The classes that hide an element on every screen: the frameworks' own, and those
    the page's style sheets give ``display: none`` outside any ``@media`` rule (a rule
    inside one hides on some screens only: the column is shown on others)."""
    found = set(_FRAMEWORK_HIDING)
    for style in el.getroottree().getroot().iter("style"):
        text = _CSS_COMMENT.sub("", style.text_content())
        depth, prelude, body, skip = 0, [], [], False
        for ch in text:
            if ch == "{":
                if depth == 0:
                    skip = "".join(prelude).strip().startswith("@")
                depth += 1
            elif ch == "}":
                depth = max(depth - 1, 0)
                if depth == 0:
                    if not skip and _NONE.search("".join(body)):
                        found.update(m.group(1) for sel in "".join(prelude).split(",")
                                     if (m := _CLASS_SELECTOR.match(sel.strip())))
                    prelude, body = [], []
            elif depth == 0:
                prelude.append(ch)
            elif depth == 1:
                body.append(ch)
    return frozenset(found)


def _cell_hidden(cell: Any, hiding: frozenset[str]) -> bool:
    """Whether the page does not show a cell (the ``hidden`` attribute, ``display: none``
    or ``visibility: hidden``, a class that hides it on every screen)."""
    if cell.get("hidden") is not None or _INVISIBLE.search(cell.get("style", "")):
        return True
    classes = cell.get("class", "").split()
    return any(c in hiding for c in classes) and not any(_SHOWN_ON_SOME.match(c)
                                                         for c in classes)


def _hidden_columns(placed: list[tuple[int, int, int, Any]], grid: dict[tuple[int, int], str],
                    hiding: frozenset[str]) -> set[int]:
    """The columns the page does not show: each of their cells that holds text is hidden
    (the old 'Valid until' column a page keeps beside the new one, see
    :func:`.grid.empty_old_copies`)."""
    seen: dict[int, bool] = {}
    for r, c, colspan, cell in placed:
        if colspan == 1 and grid.get((r, c)):
            seen[c] = seen.get(c, True) and _cell_hidden(cell, hiding)
    return {c for c, hidden in seen.items() if hidden}


# a link text that leads to at least this many different sites is the link's label
LINK_LABEL_SITES = 3


def _link_labels(placed: list[tuple[int, int, int, Any]], heads: int,
                 grid: dict[tuple[int, int], str]) -> list[tuple[int, int, int, Any]]:
    """The cells below the header that show only a link whose text leads to several sites
    ('website' to each partner's own site): the text labels the link, it is no value; read
    as the partner cell, the row's partner was 'website' (a column's name) and the row was
    dropped with the wrong reason. Empty, the row says it names no partner."""
    sites: dict[str, set[str]] = {}
    links: dict[str, list[tuple[int, int, int, Any]]] = {}
    for r, c, colspan, cell in placed:
        text = grid.get((r, c), "")
        anchors = cell.xpath(".//a[@href]")
        if r < heads or not text or len(anchors) != 1 or _text(anchors[0]) != text:
            continue
        site = urlsplit(anchors[0].get("href", "").strip()).hostname
        if site:
            sites.setdefault(text.casefold(), set()).add(site.removeprefix("www."))
            links.setdefault(text.casefold(), []).append((r, c, colspan, cell))
    return [link for text, found in links.items() if len(sites[text]) >= LINK_LABEL_SITES
            and len(sites[text]) == len(found) for link in found]


def _sheet_chrome(cells: list[list[str]]) -> str:
    """Why the table's first row is a spreadsheet's column letters ('A B C D E' over the
    sheet, with the row numbers down its first column), as a spreadsheet published as a web
    page (Google Sheets' 'Publish to web') shows them; "" if it is not. The letters are no
    row of the list, and the row numbers no column of it (read, they were taken for places)."""
    if not cells or len(cells) < 2:
        return ""
    first = cells[0]
    letters = list(first[1:]) if first[:1] == [""] else []  # over the numbers' corner
    while letters and not letters[-1]:
        letters.pop()
    if len(letters) < 3 or letters != [column_letters(i) for i in range(len(letters))]:
        return ""
    # and the rows' numbers down the first column, counting on by one
    numbers = [row[0] for row in cells[1:] if any(row[1:])]
    if not numbers or not all(n.isdigit() for n in numbers):
        return ""
    start = int(numbers[0])
    if [int(n) for n in numbers] != list(range(start, start + len(numbers))):
        return ""
    return "a spreadsheet's column letters and row numbers, not the list"


# an icon font's tick (Font Awesome 'fa-check', Bootstrap's 'bi-check2', Glyphicons'
# 'glyphicon-ok', 'icon-tick'): a mark the page shows without a letter of text
_TICK_ICON = re.compile(r"(?:^|[-_])(?:check|tick|ok)(?:$|[-_\d])", re.IGNORECASE)


def _pictured(cell: Any) -> str:
    """What a cell without text shows as a picture: an image's alt text (what a browser's
    text view and a screen reader give for it: a tick drawn as <img alt="ja">), else a tick
    drawn by an icon font as a tick mark. Read as empty, a ticked column lost its ticks
    without a word."""
    alts = [shown for img in cell.iter("img")
            if (alt := img.get("alt") or "").strip() and not _names_its_file(alt, img)
            and (shown := _what_it_shows(alt))]
    if alts:
        return " ".join(alts)
    ticked = any(_TICK_ICON.search(token) for el in cell.iter() if isinstance(el.tag, str)
                 for token in el.get("class", "").split())
    return "\u2713" if ticked else ""


# words that say what kind of picture an image is, not whom it shows ('logo', 'image'), in
# the languages of the lists
_PICTURE_WORDS = frozenset({
    "logo", "logos", "logotype", "logotipo", "logotyp", "logotip", "emblem", "emblema", "image",
    "img", "picture", "pic", "photo", "icon", "banner", "thumbnail", "bild", "abbildung",
    "imagen", "imagem", "immagine", "foto", "afbeelding", "obrazek", "obraz", "kuva",
    "billede", "bilde", "kép", "εικόνα", "λογότυπο", "изображение", "логотип", "صورة", "شعار",
    "图片", "圖片", "标志", "標誌", "画像", "ロゴ", "로고", "이미지"})
_SIGN = r"(?:logo|logotipo|logotype|logotyp|logotip|emblem|emblema|wappen|escudo|stemma)"
# 'Logo of the University of Melbourne', 'Logo der Universität Wien', 'Logo: UCL'
_SIGN_OF = re.compile(rf"^{_SIGN}\s*(?:of\s+(?:the\s+)?|der\s+|des\s+|von\s+(?:der\s+)?"
                      r"|de\s+(?:la\s+|l['’]\s*)?|del\s+|della\s+|dell['’]\s*|du\s+"
                      r"|van\s+(?:de\s+)?|[-–—:|]\s*)", re.IGNORECASE)
# 'Universidad de Chile logo', 'UCL – Logo'
_SIGN_AFTER = re.compile(rf"\s*[-–—:|]?\s*{_SIGN}$", re.IGNORECASE)


def _what_it_shows(alt: str) -> str:
    """Whom an image's alt text names, the words that say it is a logo or a picture left
    out: 'Logo of the University of Melbourne' shows the University of Melbourne; 'logo' or
    'image' alone shows no one ("": the cell names no partner). Read whole, 'logo' and 'Logo
    of the University of Melbourne' were published as institutions."""
    text = " ".join(alt.split())
    if all(w.casefold() in _PICTURE_WORDS for w in re.findall(r"\w+", text)):
        return ""
    bare = _SIGN_AFTER.sub("", _SIGN_OF.sub("", text)).strip()
    return bare if re.search(r"[^\W\d_]", bare) else text


# an alt text that is itself a picture's file name ('IMG_2031.jpg', 'logo-uc.png')
_FILE_NAME = re.compile(r"^\S+\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?|ico|avif)$", re.IGNORECASE)


def _names_its_file(alt: str, img: Any) -> bool:
    """Whether an image's alt text only names its file: repeats words of its file's name
    ('logo' on 'partners/logo-5.png') or is a file name: it says what the file is, not what
    the picture shows; read as the cell, a partner's logo was published as an institution
    called 'logo'."""
    if _FILE_NAME.match(alt.strip()):
        return True
    name = (img.get("src") or "").split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    words = {w.casefold() for w in re.findall(r"[^\W\d_]+", name)}
    said = [w.casefold() for w in re.findall(r"[^\W\d_]+", alt)]
    return bool(said) and all(w in words for w in said)


def _header_rows(groups: list[list[Any]]) -> int:
    """How many rows at the top are the table's header: its ``<thead>``, else the rows
    of header cells only."""
    if groups and groups[0] and groups[0][0].getparent().tag == "thead":
        return len(groups[0])
    count = 0
    for tr in (tr for group in groups for tr in group):
        cells = tr.xpath("./th|./td")
        if not cells or any(cell.tag != "th" for cell in cells):
            break
        count += 1
    return count


_STRUCK = frozenset({"s", "strike", "del"})
_LINE_THROUGH = re.compile(r"text-decoration[^;]*line-through", re.IGNORECASE)
_NONE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def _not_shown(tr: Any) -> str:
    """Why a table row is not shown as current, or "": the page hides it (an expired
    agreement, as a workbook hides its row), or strikes out every cell that holds text (as
    offices mark an agreement that ended). Read, it would be published as current."""
    if tr.get("hidden") is not None or _NONE.search(tr.get("style", "")):
        return "hidden on the page"
    if _LINE_THROUGH.search(tr.get("style", "")):
        return "struck through"
    cells = [cell for cell in tr.xpath("./th|./td") if _text(cell)]
    if cells and all(_LINE_THROUGH.search(cell.get("style", "")) or not _unstruck(cell).strip()
                     for cell in cells):
        return "struck through"
    return ""


def _unstruck(el: Any) -> str:
    """``el``'s text outside struck-through elements (<s>, <del>, <strike>)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _STRUCK \
                and not _LINE_THROUGH.search(child.get("style", "")):
            parts.append(_unstruck(child))
        parts.append(child.tail or "")
    return "".join(parts)


def table_names(path: Path, encoding: str | None) -> list[str]:
    """Each table's caption, else the heading or paragraph right above it ("" if none)."""
    try:
        tables = _page_tables(path, encoding)
    except SourceError:
        return []
    return [" ".join(found[0][0].split()) if (found := _heading(table, n)) else ""
            for n, table in enumerate(tables, start=1)]


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p")


def _heading(table: Any, number: int) -> list[tuple[str, str]]:
    """What names the table: its caption, else the heading or paragraph right above it
    when no other table stands between them (a page of one table per country)."""
    caption = _caption(table)
    if caption:
        return [(caption, f"caption of table {number}")]
    before = table.xpath("preceding::*[self::table or " + " or ".join(
        f"self::{t}" for t in _HEADINGS) + "][1]")
    if not before or before[0].tag == "table":
        return []
    return [(before[0].text_content(), above(number))]
