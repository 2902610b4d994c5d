"""HTML pages (UN and ITU web pages) → normalised text, with lxml's HTML parser.

- the main content is <main>, else the element with role="main", else a lone <article>, else
  an element whose id is content/main-content/maincontent, else <body>;
- scripts, styles, forms, navigation (<nav>, <aside>, the page's <header> and <footer> but
  not those of a <main> or <article>, role=navigation/banner/contentinfo/search, hidden
  elements) are dropped;
- each block element (p, li, h1-h6, div with text, dt/dd, blockquote, a table row) is a line;
  <br> starts a new line; a table row is its cells joined by tabs;
- list items are labelled as a browser prints them: <ol> by its type (1, a, A, i, I), start,
  reversed and each <li value>, as "1.", "a.", "iv."; <ul> items as "•";
- footnotes: a <sup> (or an <a> in a <sup>) linking to "#id" is a footnote mark; the element
  with that id (or a role="doc-footnote"/"doc-endnote" element) is a footnote and leaves the
  body, and so does the mark.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from mvkg.ingest.formats.base import Extracted, Footnote, clean_inline, clean_keep_tabs, format_counter, labelled, render
from mvkg.kernel.errors import InputError

MEDIA_TYPE = "text/html"
_DROP = frozenset(
    [
        "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "select", "input",
        "textarea", "iframe", "object", "embed", "svg", "canvas", "map", "area", "audio", "video", "picture", "head",
        "title", "menu", "dialog"
    ]
)
_DROP_ROLES = frozenset(["navigation", "banner", "contentinfo", "search", "complementary", "menu", "menubar", "toolbar"])
_BLOCK = frozenset(
    [
        "address", "article", "blockquote", "body", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead",
        "tfoot", "tr", "td", "th", "caption", "ul", "center"
    ]
)
_MAIN_IDS = ("content", "main-content", "maincontent", "main", "primary")
_OL_TYPES = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}
_NOTE_ROLES = ("doc-footnote", "doc-endnote", "doc-endnotes", "doc-footnotes")
_BACKLINK_RX = re.compile(r"[\u21a9\u2191\u21e7]\ufe0e?")


def read_html(raw: bytes, path: Path | str) -> Extracted:
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, encoding=_encoding(raw))
    try:
        root = lxml_html.document_fromstring(raw, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"not an HTML page this reader understands ({exc})", path=path) from None
    _drop_noise(root)
    footnotes = _take_footnotes(root)
    main = _main(root)
    lines = _Blocks().lines(main)
    text = render(lines)
    if not text:
        raise InputError("the HTML page has no text in its main content", path=path)
    warnings = [] if main.tag != "body" else ["no <main> element: read the whole <body>"]
    return Extracted(text, tuple(footnotes), tuple(warnings))


def _encoding(raw: bytes) -> str | None:
    """UTF-8 when the bytes are UTF-8; otherwise let the page's own <meta charset> decide."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def _drop_noise(root: etree._Element) -> None:
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            doomed.append(el)
            continue
        role = (el.get("role") or "").lower()
        style = (el.get("style") or "").replace(" ", "").lower()
        if el.tag in ("header", "footer") and any(a.tag in ("main", "article") for a in el.iterancestors()):
            continue  # a document's own header (its title) inside the main content stays
        if (
            el.tag in _DROP
            or role in _DROP_ROLES
            or el.get("hidden") is not None
            or el.get("aria-hidden") == "true"
            or "display:none" in style
        ):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None and el.tag != "body":
            el.drop_tree()


def _main(root: etree._Element) -> etree._Element:
    for query in ("//main", "//*[@role='main']"):
        found = root.xpath(query)
        if found:
            return found[0]
    articles = root.xpath("//article")
    if len(articles) == 1:
        return articles[0]
    for ident in _MAIN_IDS:
        found = root.xpath(f"//*[@id='{ident}']")
        if found and "".join(found[0].itertext()).strip():
            return found[0]
    body = root.find("body")
    return body if body is not None else root


def _take_footnotes(root: etree._Element) -> list[Footnote]:
    """Marks (<sup> linking to #id) and the notes they point to leave the tree."""
    ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    notes: list[Footnote] = []
    taken: set[int] = set()
    for sup in list(root.iter("sup")):
        link = sup if sup.get("href") else next(iter(sup.iter("a")), None)
        href = (link.get("href") or "") if link is not None else ""
        target = ids.get(href[1:]) if href.startswith("#") else None
        if target is None or id(target) in taken or any(a is sup for a in target.iterancestors()):
            continue
        taken.add(id(target))
        label = clean_inline(sup.text_content()).strip("[]()")
        notes.append(Footnote(label, _note_text(target, label)))
        _remove(target)
        _remove(sup)
    for el in list(root.iter()):
        if isinstance(el.tag, str) and (el.get("role") or "").lower() in _NOTE_ROLES and id(el) not in taken:
            if (el.get("role") or "").lower() in ("doc-endnotes", "doc-footnotes"):
                for item in el.iter("li"):
                    notes.append(Footnote("", _note_text(item, "")))
            else:
                notes.append(Footnote("", _note_text(el, "")))
            _remove(el)
    return notes


def _note_text(el: etree._Element, label: str) -> str:
    text = _BACKLINK_RX.sub("", clean_inline(el.text_content()))
    if label and text.startswith(label):
        text = text[len(label) :].lstrip(" .)")
    return text.strip()


def _remove(el: etree._Element) -> None:
    if el.getparent() is not None:
        el.drop_tree()  # keeps the tail text


class _Blocks:
    def lines(self, el: etree._Element) -> list[str]:
        out: list[str] = []
        self._block(el, out)
        return out

    def _block(self, el: etree._Element, out: list[str]) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "tr":
            cells = [c for c in el if c.tag in ("td", "th")]
            if all(not any(d.tag in _BLOCK for d in c.iter() if d is not c) for c in cells):
                out.append(clean_keep_tabs("\t".join(_inline(c) for c in cells)))
                return
        if tag in ("ol", "ul"):
            self._list(el, out)
            return
        pending: list[str] = [el.text or ""]
        for child in el:
            if not isinstance(child.tag, str):
                pending.append(child.tail or "")
            elif child.tag == "br":
                out.append(clean_inline("".join(pending)))
                pending = [child.tail or ""]
            elif child.tag in _BLOCK:
                out.append(clean_inline("".join(pending)))
                self._block(child, out)
                pending = [child.tail or ""]
            else:
                pending.append(_inline(child) + (child.tail or ""))
        out.append(clean_inline("".join(pending)))

    def _list(self, el: etree._Element, out: list[str]) -> None:
        items = [li for li in el if li.tag == "li"]
        style = _OL_TYPES.get(el.get("type") or "1", "decimal") if el.tag == "ol" else "bullet"
        reverse = el.get("reversed") is not None
        value = _int(el.get("start"), len(items) if reverse else 1)
        for li in items:
            value = _int(li.get("value"), value)
            label = "\u2022" if style == "bullet" else format_counter(value, style) + "."
            lines: list[str] = []
            self._block(li, lines)
            lines = [ln for ln in lines if ln]
            out.extend([labelled(label, lines[0]), *lines[1:]] if lines else [label])
            value += -1 if reverse else 1


def _inline(el: etree._Element) -> str:
    return "".join(el.itertext()) if isinstance(el.tag, str) else ""


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
