"""A Markdown document (a static site's page, a README) as the web page it is published as.

Read as text, a list's markup was taken for its words: '- **[Universiteit Gent](https://…)**'
gave that whole string as the name, and the labelled lines nested under an item ('  - Places:
2 per year') read as entries of their own. Rendered to HTML, the page reader reads it as it
reads any page: headings, paragraphs, bulleted items, an item's nested labelled items as the
fields of a card (see :mod:`.html`). What is rendered is what partner lists use: front matter
(its ``title`` the page's title, its other keys lines of their own: ``updated: 2025-10-28`` is
a date stamp), ATX and underlined headings, paragraphs, nested bulleted and numbered lists,
block quotes, and inline links, emphasis, code and struck text. A document with a pipe table
is read as '|'-separated text instead (``delimiter: "|"``, see :mod:`.delimited`).
"""

from __future__ import annotations

import html
import re

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def page(text: str) -> str:
    """The HTML page a Markdown document renders to (see module doc)."""
    out: list[str] = ["<html><head>"]
    front = _FRONT.match(text)
    body_lines: list[str] = []
    if front is not None:
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            value = value.strip().strip("\"'")
            if key.strip() == "title" and value:
                out.append(f"<title>{html.escape(value)}</title>")
            elif value and not line.startswith((" ", "\t", "-")):
                body_lines.append(f"<p>{html.escape(key.strip())}: {html.escape(value)}</p>")
        text = text[front.end():]
    out.append("</head><body>")
    out.extend(body_lines)
    _blocks(text.splitlines(), out)
    out.append("</body></html>")
    return "\n".join(out)


def _blocks(lines: list[str], out: list[str]) -> None:
    """Headings, paragraphs, lists and quotes, in order."""
    paragraph: list[str] = []
    lists: list[tuple[int, str]] = []  # open lists: (indent, tag)
    quote: list[str] = []
    fenced = False

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    def close(indent: int = -1) -> None:
        while lists and lists[-1][0] > indent:
            out.append(f"</li></{lists.pop()[1]}>")

    def unquote() -> None:
        if quote:
            out.append("<blockquote>")
            _blocks(list(quote), out)
            out.append("</blockquote>")
            quote.clear()

    for k, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            flush()
            continue
        if fenced:
            out.append(f"<pre>{html.escape(line)}</pre>")
            continue
        if _QUOTE.match(line):
            flush()
            close()
            quote.append(_QUOTE.sub("", line, count=1))
            continue
        unquote()
        if not line.strip():
            flush()
            continue
        heading = _HEADING.match(line)
        item = _ITEM.match(line)
        if heading is not None:
            flush()
            close()
            n = len(heading.group(1))
            out.append(f"<h{n}>{_inline(heading.group(2))}</h{n}>")
        elif _UNDERLINE.match(line) and paragraph and not lists:
            n = 1 if line.strip().startswith("=") else 2
            out.append(f"<h{n}>{_inline(' '.join(paragraph))}</h{n}>")
            paragraph.clear()
        elif _RULE.match(line):
            flush()
            close()
            out.append("<hr>")
        elif item is not None:
            flush()
            indent = len(item.group(1).expandtabs(4))
            tag = "ul" if item.group(2) in "-*+" else "ol"
            if lists and indent > lists[-1][0]:
                out.append(f"<{tag}>")  # a list nested in the item above
                lists.append((indent, tag))
            else:
                close(indent)
                if lists and lists[-1][0] == indent:
                    out.append("</li>")
                else:
                    out.append(f"<{tag}>")
                    lists.append((indent, tag))
            out.append(f"<li>{_inline(item.group(3))}")
        elif lists and (line[:1] in " \t" or k and lines[k - 1].strip()):
            out.append(" " + _inline(line.strip()))  # an item's text going on
        else:
            close()
            paragraph.append(line.strip())
    flush()
    unquote()
    close()


_CODE = re.compile(r"`([^`]+)`")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\[\]]+)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?"
                   r"(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"&lt;(https?://[^\s&]+)&gt;")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)"
                       r"|(?<!\w)_(?=\S)([^_]+?)(?<=\S)_(?!\w)")
_STRUCK = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_BREAK = re.compile(r"(?: {2,}|\\)$")


def _inline(text: str) -> str:
    """A line's inline markup as HTML: links (their text shown), emphasis, code, struck
    text; everything else escaped."""
    text = _BREAK.sub("<br>", html.escape(text, quote=False)) if _BREAK.search(text) \
        else html.escape(text, quote=False)
    text = _CODE.sub(r"<code>\1</code>", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>', text)
    text = _AUTOLINK.sub(r'<a href="\1">\1</a>', text)
    text = _STRONG.sub(r"<strong>\2</strong>", text)
    text = _EMPHASIS.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", text)
    return _STRUCK.sub(r"<del>\1</del>", text)
