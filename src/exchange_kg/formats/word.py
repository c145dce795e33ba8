"""Word documents (DOCX, WordprocessingML): the body's paragraphs and tables, merged cells known.

Parsed with lxml from the package's ``word/document.xml`` (with ``numbering.xml`` and
``styles.xml`` for list labels), not with python-docx: python-docx hides merged cells behind
repeated cell objects (a ``gridSpan`` cell appears once per grid column it covers, a vertical
merge as the same text in every row), skips content controls and does not number lists, so
the grid would have to be rebuilt from its private XML anyway. Here:

* ``w:gridSpan`` and ``w:gridBefore`` place a cell on the table grid; ``w:vMerge`` (restart,
  then continue) makes a merged range down a column: the grid model's merged cells;
* what Word shows is read: inserted text, hyperlinks, fields' results, content controls,
  text boxes (after the paragraph they are anchored to); deleted text and field codes are not;
* a list paragraph's label comes from its numbering (directly or through its style): a
  bullet, or its number counted as Word counts it, per list and level;
* a table of one row holding a table in a cell is a frame around the list (a box, or columns
  side by side), no table: its cells' paragraphs and tables are read as the body's. A table
  nested in a cell of any other table is that cell's text.

A damaged file is an error naming the file and where its XML broke (table, row, paragraph).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from exchange_kg.formats.grid import Merge
from exchange_kg.formats.textdoc import (
    Block,
    DocTable,
    Paragraph,
    labelled,
    list_number,
    parse_part,
)
from exchange_kg.records import SourceError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_VAL = W + "val"
# containers whose children are the body's (or a row's, a cell's) own blocks
_WRAPPERS = frozenset({W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag",
                       W + "ins", W + "moveTo"})
# run content that is not shown as text: deleted or moved-away text, field codes, floating
# shapes and text boxes, footnote marks, properties
_HIDDEN = frozenset({W + "del", W + "moveFrom", W + "instrText", W + "delText", W + "drawing",
                     W + "pict", W + "object", W + "pPr", W + "rPr", W + "sdtPr",
                     W + "sdtEndPr", W + "footnoteReference", W + "endnoteReference",
                     W + "commentReference", _MC + "Fallback"})
# tags met once per cell or run: named once (a long table has tens of thousands of cells)
_P, _R, _T, _TC, _TR = W + "p", W + "r", W + "t", W + "tc", W + "tr"
_TCPR, _TRPR, _SPAN, _VMERGE = W + "tcPr", W + "trPr", W + "gridSpan", W + "vMerge"
_PPR, _NUMPR, _PSTYLE = W + "pPr", W + "numPr", W + "pStyle"
_TABS, _BREAKS, _BOX = (W + "tab", W + "ptab"), (W + "br", W + "cr"), W + "txbxContent"
# grid columns a cell may span or a row skip: more is a damaged file, not a table
_MAX_SPAN = 1000
# a Word list level's format -> how textdoc.list_number writes it
_FORMATS = {"decimal": "decimal", "decimalZero": "decimal", "lowerLetter": "lowerLetter",
            "upperLetter": "upperLetter", "lowerRoman": "lowerRoman",
            "upperRoman": "upperRoman"}


def docx_blocks(path: Path) -> tuple[list[Block], list[str]]:
    """The body of the document at ``path`` as paragraphs and tables, in order, and the
    non-blank paragraphs of its page headers and footers."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise SourceError(str(path), None, "not a Word document: the archive has no "
                                  "word/document.xml")
            body = _body(path, archive)
            _strike_by_style(body, _struck_styles(_part(path, archive, "word/styles.xml",
                                                        names)))
            numbering = _Numbering(path, *(archive.read(n) if n in names else None
                                           for n in ("word/numbering.xml", "word/styles.xml")))
            furniture = [line for name in sorted(names)
                         if re.fullmatch(r"word/(header|footer)\d*\.xml", name)
                         for line in _lines(_part(path, archive, name, names))]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise SourceError(str(path), None, f"cannot read the Word document (damaged or not a "
                          f".docx): {exc}") from None
    return _Body(numbering).blocks(body), furniture


def _lines(part: Any) -> list[str]:
    """The non-blank paragraphs of a header or footer part (a text box's once)."""
    return [" ".join(text.split()) for p in part.iter(W + "p")
            if not any(a.tag == _MC + "Fallback" for a in p.iterancestors())
            and (text := _text(p)).strip()]


def _part(path: Path, archive: zipfile.ZipFile, name: str, names: set[str]) -> Any:
    if name not in names:
        return None
    return parse_part(path, "docx", name, archive.read(name))


def _body(path: Path, archive: zipfile.ZipFile) -> Any:
    root = parse_part(path, "docx", "word/document.xml", archive.read("word/document.xml"),
                      (W + "tbl", W + "tr", (W + "p",)))
    body = root.find(W + "body")
    if body is None:
        raise SourceError(str(path), None, "the Word document has no body")
    return body


class _Numbering:
    """List labels: numbering definitions, the styles that carry them, and the counters.

    The parts are parsed when a paragraph first asks for a label: a document without lists
    has no numbering part, and a styles part is often the largest of a package (Word's
    template writes hundreds of styles), worth parsing only for a paragraph that may be a
    list item."""

    def __init__(self, path: Path, numbering: bytes | None, styles: bytes | None) -> None:
        self.path, self.parts = path, (numbering, styles)
        self.loaded = False
        # (numId, level) -> (format, label text, start)
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        # lists that share an abstract definition count on together, as Word counts them,
        # unless one restarts with a start of its own
        self.counted_as: dict[str, str] = {}
        self.counters: dict[str, list[int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}

    def _load(self) -> None:
        self.loaded = True
        numbering, styles = (
            None if data is None or b"numPr" not in data and "styles" in name
            else parse_part(self.path, "docx", name, data)  # no style carries a list
            for name, data in zip(("word/numbering.xml", "word/styles.xml"), self.parts,
                                  strict=True))
        if numbering is not None:
            abstract = {a.get(W + "abstractNumId"): a for a in numbering.iter(W + "abstractNum")}
            for num in numbering.iter(W + "num"):
                ref = num.find(W + "abstractNumId")
                levels = abstract.get(ref.get(_VAL)) if ref is not None else None
                if levels is None:
                    continue
                starts = {_int(o.get(W + "ilvl")) or 0: o.find(W + "startOverride")
                          for o in num.iter(W + "lvlOverride")}
                num_id = num.get(W + "numId", "")
                self.counted_as[num_id] = (f"num {num_id}" if any(
                    s is not None for s in starts.values()) else f"abstract {ref.get(_VAL)}")
                for lvl in levels.iter(W + "lvl"):
                    ilvl = _int(lvl.get(W + "ilvl")) or 0
                    fmt = _val(lvl, "numFmt") or "decimal"
                    start = starts.get(ilvl)
                    first = _int(start.get(_VAL) if start is not None else _val(lvl, "start"))
                    self.levels[(num_id, ilvl)] = (
                        fmt, _val(lvl, "lvlText") or "", 1 if first is None else first)
        if styles is not None:
            based: dict[str, str] = {}
            own: dict[str, tuple[str, int]] = {}
            for style in styles.iter(W + "style"):
                sid = style.get(W + "styleId")
                parent = _val(style, "basedOn")
                if parent:
                    based[sid] = parent
                pr = style.find(f"{W}pPr/{W}numPr")
                if pr is not None and _val(pr, "numId"):
                    own[sid] = (_val(pr, "numId") or "", _int(_val(pr, "ilvl")) or 0)
            for sid in {*own, *based}:
                seen, s = set(), sid
                while s and s not in own and s not in seen:
                    seen.add(s)
                    s = based.get(s, "")
                if s in own:
                    self.style_num[sid] = own[s]

    def label(self, p: Any) -> tuple[str, bool]:
        """(label, is a bullet) of paragraph ``p``, counting it; ("", False) if no list."""
        num_id, ilvl = None, 0
        props = p.find(_PPR)
        if props is None or self.parts[0] is None:
            return "", False
        pr = props.find(_NUMPR)
        style = props.find(_PSTYLE)
        if pr is None and style is None:
            return "", False
        if not self.loaded:
            self._load()
        if style is not None and style.get(_VAL) in self.style_num:
            num_id, ilvl = self.style_num[style.get(_VAL)]
        if pr is not None:
            num_id = _val(pr, "numId") or num_id
            ilvl = _int(_val(pr, "ilvl")) if _val(pr, "ilvl") else ilvl
        level = self.levels.get((num_id or "", ilvl or 0))
        if not num_id or num_id == "0" or level is None:
            return "", False
        ilvl = ilvl or 0
        fmt, text, _ = level
        if fmt == "bullet":
            return "\u2022", True
        if fmt == "none":
            return "", False
        counters = self.counters.setdefault(self.counted_as.get(num_id, num_id), [])
        while len(counters) <= ilvl:
            start = self.levels.get((num_id, len(counters)), ("", "", 1))[2]
            counters.append(start - 1)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, len(counters)):  # a new item restarts the levels below
            counters[deeper] = self.levels.get((num_id, deeper), ("", "", 1))[2] - 1
        out = text
        for k in range(ilvl + 1):
            kfmt = self.levels.get((num_id, k), ("decimal", "", 1))[0]
            value = max(counters[k], self.levels.get((num_id, k), ("", "", 1))[2])
            out = out.replace(f"%{k + 1}", list_number(value, _FORMATS.get(kfmt, "decimal")))
        return out.strip(), False


class _Body:
    """The body's blocks, numbered as :mod:`.textdoc` describes."""

    def __init__(self, numbering: _Numbering) -> None:
        self.numbering = numbering
        self.out: list[Block] = []
        self.paragraphs = 0
        self.tables = 0
        self.legends: dict[str, str] = {}

    def blocks(self, body: Any) -> list[Block]:
        self.legends = _colour_legends(body)
        self._walk(body)
        return self.out

    def _walk(self, parent: Any) -> None:
        for el in parent:
            if el.tag == W + "p":
                self.paragraphs += 1
                label, bullet = self.numbering.label(el)
                text = _text(el)
                if text.strip():
                    text = labelled(label, text, bullet)
                self.out.append(Paragraph(self.paragraphs, text))
                self.out.extend(Paragraph(self.paragraphs, _text(p), box=True)
                                for p in _box_paragraphs(el))
            elif el.tag == W + "tbl" and (frame := _frame(el)) is not None:
                for cell in frame:
                    self._walk(cell)
            elif el.tag == W + "tbl":
                self.tables += 1
                self.out.append(_table(el, self.tables, self.legends))
            elif el.tag in _WRAPPERS:
                self._walk(el)


def _frame(tbl: Any) -> list[Any] | None:
    """The cells of a table of one row that holds a table in a cell: a frame laid around
    the list (a box, or columns side by side), no table of its own; its cells' paragraphs and
    tables are read as the body's. None for any other table."""
    rows = [tr for tr in _children(tbl, _TR) if tr.find(f"{W}trPr/{W}del") is None]
    if len(rows) != 1:
        return None
    cells = _children(rows[0], _TC)
    return cells if any(_children(tc, W + "tbl") for tc in cells) else None


def _box_paragraphs(p: Any) -> list[Any]:
    """The paragraphs of the text boxes anchored in paragraph ``p``: each box once (Word
    writes a box twice, as a drawing and as its VML fallback), a box inside a box with it."""
    out = []
    for box in p.iter(W + "txbxContent"):
        ancestors = list(box.iterancestors())
        inside = ancestors[: ancestors.index(p)] if p in ancestors else ancestors
        if any(a.tag in (_MC + "Fallback", W + "txbxContent") for a in inside):
            continue
        out.extend(q for q in box.iter(W + "p") if _text(q).strip())
    return out


def _children(el: Any, tag: str) -> list[Any]:
    """``el``'s children with ``tag``, looking through content controls and custom XML."""
    out = []
    for child in el:
        if child.tag == tag:
            out.append(child)
        elif child.tag in _WRAPPERS:
            out.extend(_children(child, tag))
    return out


def _table(tbl: Any, number: int, legends: dict[str, str] | None = None) -> DocTable:
    cells: list[list[str]] = []
    merges: list[Merge] = []
    down: dict[int, int] = {}  # grid column -> index in merges of a vertical merge still open
    rows = [tr for tr in _children(tbl, _TR)
            if tr.find(f"{W}trPr/{W}del") is None]  # a row deleted with changes tracked
    boxes = next(tbl.iter(_BOX), None) is not None
    unreadable: dict[int, str] = {}
    colours = [_colour(tr) for tr in rows] if legends else []
    for r, tr in enumerate(rows):
        if _struck_row(tr):
            unreadable[r] = (f"row {r + 1} of table {number} is struck through (as an ended "
                             "agreement is marked): not read")
        elif legends and (colour := colours[r]) in legends \
                and 2 * colours.count(colour) < len(rows):
            unreadable[r] = (f"row {r + 1} of table {number} is written in the colour the "
                             f"legend {legends[colour]!r} explains: not read")
        row: list[str] = []
        c = max(0, min(_int(_val(tr.find(_TRPR), "gridBefore")) or 0, _MAX_SPAN))
        row.extend([""] * c)
        continued: set[int] = set()
        for tc in _children(tr, _TC):
            span, mode = 1, None
            pr = tc.find(_TCPR)
            if pr is not None:
                for prop in pr:
                    if prop.tag == _SPAN:
                        span = max(1, min(_int(prop.get(_VAL)) or 1, _MAX_SPAN))
                    elif prop.tag == _VMERGE:
                        mode = prop.get(_VAL, "continue")
            text = _cell_text(tc, boxes)
            row.extend([text] + [""] * (span - 1))
            if mode == "continue" and c in down and not text.strip() \
                    and merges[down[c]][3] == c + span - 1:
                r0, c0, _, c1 = merges[down[c]]
                merges[down[c]] = (r0, c0, r, c1)
                row[c] = ""
                continued.add(c)
            else:
                down.pop(c, None)
                if mode == "restart":
                    down[c] = len(merges)
                    merges.append((r, c, r, c + span - 1))
                    continued.add(c)
                elif span > 1:
                    merges.append((r, c, r, c + span - 1))
            c += span
        for col in [k for k in down if k not in continued]:
            del down[col]
        cells.append(row)
    merges = [m for m in merges if m[0] != m[2] or m[1] != m[3]]
    caption = _val(tbl.find(W + "tblPr"), "tblCaption") or ""
    return DocTable(number, cells, merges, " ".join(caption.split()), unreadable=unreadable)


def _colour(el: Any) -> str | None:
    """The one colour every run of ``el`` with text is written in, or None (a run in the
    document's own colour, or runs in several)."""
    found: set[str | None] = set()
    for run in el.iter(_R):
        if "".join(t.text or "" for t in run.iterchildren(_T)).strip():
            value = _val(run.find(W + "rPr"), "color")
            found.add(value.upper() if value and value.lower() != "auto" else None)
    return found.pop() if len(found) == 1 else None


def _colour_legends(body: Any) -> dict[str, str]:
    """The paragraphs outside tables that explain a colour, written in it ('Partners in
    red: agreement terminated'), by colour: offices write ended agreements' rows in a
    colour as often as they strike them through; read, they were published as current. What
    the colour means is the legend's, in any language: its rows are reported with it."""
    legends: dict[str, str] = {}
    for p in body.iter(_P):
        text = " ".join(_text(p).split())
        if re.search(r"[=:：]", text) and next(p.iterancestors(W + "tbl"), None) is None \
                and (colour := _colour(p)) is not None:
            legends.setdefault(colour, text)
    return legends


_STRIKES = (W + "strike", W + "dstrike")
_OFF = frozenset({"0", "false", "off"})


def _struck_row(tr: Any) -> bool:
    """Whether every cell of a row that shows text shows it struck through (single or
    double): how offices mark an agreement that ended, as a workbook's struck row. A cell with
    struck text beside text that is not (a date struck and its new one) keeps the row read."""
    cells = [_strikes(tc) for tc in _children(tr, _TC)]
    return any(struck for struck, _ in cells) and not any(plain for _, plain in cells)


def _strikes(el: Any) -> tuple[bool, bool]:
    """Whether ``el`` shows text struck through, and text that is not."""
    struck = plain = False
    for run in el.iter(_R):
        if not "".join(t.text or "" for t in run.iterchildren(_T)).strip() \
                or any(a.tag in _HIDDEN for a in run.iterancestors()):
            continue
        if _is_struck(run):
            struck = True
        else:
            plain = True
    return struck, plain


def _struck_styles(styles: Any) -> set[str]:
    """The styles (character or paragraph) whose type is struck through, their own or by the
    style they are based on."""
    if styles is None:
        return set()
    own: dict[str, bool | None] = {}
    based: dict[str, str] = {}
    for style in styles.iter(W + "style"):
        name = style.get(W + "styleId", "")
        props = style.find(W + "rPr")
        marks = [m for m in props if m.tag in _STRIKES] if props is not None else []
        own[name] = any(m.get(_VAL, "true").lower() not in _OFF for m in marks) \
            if marks else None
        parent = _val(style, "basedOn")
        if parent:
            based[name] = parent
    struck: set[str] = set()
    for name in own:
        seen, at = set(), name
        while at in own and own[at] is None and at in based and at not in seen:
            seen.add(at)
            at = based[at]
        if own.get(at):
            struck.add(name)
    return struck


def _strike_by_style(body: Any, struck: set[str]) -> None:
    """Give a run the strike its character style or its paragraph's style gives it (Word
    shows it struck as if set on the run; a run's own setting wins): a row struck through a
    style ('Ausgelaufen') was read as a current agreement while the rows struck directly were
    reported."""
    if not struck:
        return
    for run in body.iter(_R):
        props = run.find(W + "rPr")
        if props is not None and any(m.tag in _STRIKES for m in props):
            continue
        paragraph = next(run.iterancestors(_P), None)
        if _val(props, "rStyle") in struck or _val(
                paragraph.find(W + "pPr") if paragraph is not None else None,
                "pStyle") in struck:
            if props is None:
                props = run.makeelement(W + "rPr", {})
                run.insert(0, props)
            props.append(props.makeelement(W + "strike", {}))


def _is_struck(run: Any) -> bool:
    props = run.find(W + "rPr")
    return props is not None and any(
        m.tag in _STRIKES and m.get(_VAL, "true").lower() not in _OFF for m in props)


def _cell_text(tc: Any, boxes: bool) -> str:
    """A cell's paragraphs (not those of text boxes: ``boxes`` says the table has any), one
    line each, and a row of a table nested in it one line, its cells' words side by side
    ('uit 2' over 'in 2', as the row shows them, not 'uit', '2', 'in', '2'); the grid joins
    the lines into one cell."""
    boxed = {p for box in tc.iter(_BOX) for p in box.iter(_P)} if boxes else set()
    lines: list[str] = []
    _cell_lines(tc, boxed, lines, all(_strikes(tc)))
    return "\n".join(line for line in lines if line.strip())


def _cell_lines(el: Any, boxed: set[Any], lines: list[str], unstruck: bool = False) -> None:
    for child in el:
        if child.tag == _P:
            if child not in boxed:
                lines.append(_text(child, unstruck))
        elif child.tag == W + "tbl":
            for tr in child.iter(_TR):
                if next(tr.iterancestors(W + "tbl")) is not child:
                    continue  # a row of a table nested deeper: its cell's line
                row: list[str] = []
                for tc in _children(tr, _TC):
                    inner: list[str] = []
                    _cell_lines(tc, boxed, inner, unstruck)
                    row += [" ".join(line.split()) for line in inner if line.strip()]
                lines.append(" ".join(row))
        elif isinstance(child.tag, str):
            _cell_lines(child, boxed, lines, unstruck)


def _text(p: Any, unstruck: bool = False) -> str:
    """What a paragraph shows: its runs' text, tabs and line breaks (see module doc);
    ``unstruck``: without its struck-through runs (a cell showing struck text beside new
    text, '2027 2029' with 2027 struck: the struck value is void)."""
    parts: list[str] = []
    _runs(p, parts, unstruck)
    return "".join(parts)


def _runs(el: Any, parts: list[str], unstruck: bool = False) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _HIDDEN:
            continue
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _R:
            if not (unstruck and _is_struck(child)):
                _runs(child, parts)
        elif tag in _TABS:
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag == W + "sym":
            char = child.get(W + "char", "")
            # a symbol-font character (a check mark, a bullet) in the private use area
            parts.append("" if not char or char.upper().startswith("F") else _char(char))
        else:
            _runs(child, parts, unstruck)


def _char(code: str) -> str:
    try:
        return chr(int(code, 16))
    except ValueError:
        return ""


def _val(el: Any, name: str) -> str | None:
    if el is None:
        return None
    child = el.find(W + name)
    return None if child is None else child.get(_VAL)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None

