"""Akoma Ntoso XML (AKN 3.0 and 2.0) → normalised text, from the markup's own structure.

- <meta> is left out; preface, preamble, body, conclusions and attachments are read in
  document order, each <p>, <recital>, <citation>, <container>, <intro>, <wrapUp> and
  <heading> on its own line;
- hierarchy elements (<paragraph>, <point>, <article>, <hcontainer>, ...) and <recital>,
  <item>: the <num> is the label of the element's first line ("b)<TAB>text"); when the
  element has a <heading>, "num<TAB>heading" is a line of its own;
- <authorialNote> and <noteRef> (to a <note> in <meta>) are footnotes: their text goes to
  the footnotes, their mark leaves the body; footnotes run into a paragraph after a rule
  of underscores ("____ 1 These include ...") are taken out too (up to the end of their
  first sentence), and their numbers glued to words ("countries1") are removed;
- a fragment cut from a larger file (no namespace declaration, several top elements) is
  read by element names, with a warning.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from mvkg.ingest.formats.base import (
    Extracted,
    Footnote,
    clean_inline,
    clean_keep_tabs,
    labelled,
    render,
    split_inline_notes,
    strip_note_marks,
)
from mvkg.ingest.formats.xmlsafe import local, namespace, parse_xml
from mvkg.kernel.errors import InputError

MEDIA_TYPE = "application/akn+xml"
AKN3 = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
AKN2 = "http://www.akomantoso.org/2.0"
_DOC_TYPES = frozenset(
    [
        "akomaNtoso", "act", "amendment", "amendmentList", "bill", "debate", "debateReport", "doc", "documentCollection",
        "judgment", "officialGazette", "portion", "statement", "component", "components", "collectionBody", "attachment"
    ]
)
_HIERARCHY = frozenset(
    [
        "alinea", "article", "book", "chapter", "clause", "division", "hcontainer", "indent", "level", "list", "paragraph",
        "part", "point", "proviso", "rule", "section", "subchapter", "subclause", "subdivision", "sublist", "subparagraph",
        "subpart", "subrule", "subsection", "subtitle", "title", "tome", "transitional", "recital", "citation", "item",
        "blockContainer"
    ]
)
_SKIP = frozenset(["meta", "toc", "img", "componentRef", "documentRef", "noteRef", "authorialNote", "del", "remark"])
_BLOCK = _HIERARCHY | _DOC_TYPES | frozenset(
    [
        "p", "block", "blockList", "listIntroduction", "listWrapUp", "intro", "wrapUp", "content", "table", "tr",
        "container", "formula", "recitals", "citations", "longTitle", "tblock", "preface", "preamble", "mainBody", "body",
        "judgmentBody", "debateBody", "amendmentBody", "conclusions", "attachments", "annex", "coverPage", "heading",
        "subheading", "crossHeading", "ul", "ol", "li", "foreign", "header", "num"
    ]
)


def looks_like_akn(root: etree._Element) -> bool:
    return namespace(root) in (AKN3, AKN2) or (namespace(root) == "" and local(root) in _DOC_TYPES)


def read_akn(raw: bytes, path: Path | str) -> Extracted:
    warnings: list[str] = []
    try:
        root = parse_xml(raw, path)
    except InputError as exc:
        if not any(s in exc.message for s in ("Extra content", "prefix")):
            raise
        body = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", raw)  # a fragment: give it a root that declares AKN 3.0
        root = parse_xml(b'<akomaNtoso xmlns="%s" xmlns:akn="%s">%s</akomaNtoso>' % (AKN3.encode(), AKN3.encode(), body), path)
        warnings.append("several top-level elements or undeclared prefixes: read as a fragment of an Akoma Ntoso document")
    if not looks_like_akn(root):
        raise InputError(
            f"not Akoma Ntoso XML: the root element is {local(root)!r} in namespace {namespace(root) or 'none'!r} "
            f"(expected akomaNtoso in {AKN3} or {AKN2})",
            path=path,
        )
    if namespace(root) == "":
        warnings.append(f"no Akoma Ntoso namespace (a <{local(root)}> fragment cut from a larger file?): read by element names")
    reader = _Reader(root)
    lines = reader.block(root)
    notes = list(reader.notes)
    inline: list[Footnote] = []
    for i, line in enumerate(lines):
        rest, found = split_inline_notes(line)
        if found:
            lines[i] = clean_keep_tabs(rest)
            inline.extend(found)
    if inline:
        warnings.append(
            f"{len(inline)} footnote(s) found run into the text after a rule of underscores; taken out up to the "
            "end of their first sentence"
        )
        labels = {n.label for n in inline}
        lines = [strip_note_marks(line, labels) for line in lines]
    text = render(lines)
    if not text:
        raise InputError("the Akoma Ntoso document has no text outside <meta>", path=path)
    return Extracted(text, tuple(notes + inline), tuple(warnings))


class _Reader:
    def __init__(self, root: etree._Element):
        self.notes: list[Footnote] = []
        self.targets = {el.get("eId") or el.get("id") or el.get("GUID"): el for el in root.iter() if local(el) == "note"}

    # ---------------------------------------------------------------- blocks

    def block(self, el: etree._Element) -> list[str]:
        name = local(el)
        if name in _SKIP or not name:
            return []
        if name in _HIERARCHY:
            return self._numbered(el)
        if name == "tr":
            cells = [self.inline(c) for c in el if local(c) in ("td", "th")]
            return ["\t".join(c for c in cells if c)]
        if not any(local(c) in _BLOCK for c in el):
            return [self.inline(el)]
        lines: list[str] = []
        pending = [el.text or ""]  # inline content between blocks (mixed content)
        for child in el:
            if local(child) in _BLOCK:
                lines.append(self._flush(pending))
                lines.extend(self.block(child))
                pending = []
            else:
                pending.append(self.inline(child, clean=False))
            pending.append(child.tail or "")
        lines.append(self._flush(pending))
        return [ln for ln in lines if ln]

    def _numbered(self, el: etree._Element) -> list[str]:
        num = heading = subheading = ""
        body: list[str] = []
        pending = [el.text or ""]
        for child in el:
            name = local(child)
            if name == "num" and not num:
                num = self.inline(child)
            elif name == "heading" and not heading:
                heading = self.inline(child)
            elif name == "subheading" and not subheading:
                subheading = self.inline(child)
            elif name in _BLOCK:
                body.append(self._flush(pending))
                body.extend(self.block(child))
                pending = []
            else:
                pending.append(self.inline(child, clean=False))
            pending.append(child.tail or "")
        body.append(self._flush(pending))
        body = [line for line in body if line]
        head: list[str] = []
        if heading:
            head.append(labelled(num, heading) if num else heading)
            num = ""
        if subheading:
            head.append(subheading)
        if num:
            body = [labelled(num, body[0]), *body[1:]] if body else [num]
        return head + body

    def _flush(self, parts: list[str]) -> str:
        return clean_inline("".join(parts))

    # ---------------------------------------------------------------- inline

    def inline(self, el: etree._Element, *, clean: bool = True) -> str:
        """The text of an element and what it holds (not its tail), footnotes taken out."""
        out: list[str] = []
        self._collect(el, out)
        return clean_inline("".join(out)) if clean else "".join(out)

    def _collect(self, el: etree._Element, out: list[str]) -> None:
        name = local(el)
        if name == "authorialNote":
            self._note(el.get("marker") or "", el)
            return
        if name == "noteRef":
            target = self.targets.get((el.get("href") or "").lstrip("#"))
            if target is not None:
                self._note(el.get("marker") or "", target)
            return
        if name in _SKIP or not name:
            return
        if name in ("eol", "br"):
            out.append(" ")
            return
        if el.text:
            out.append(el.text)
        for child in el:
            self._collect(child, out)
            if child.tail:
                out.append(child.tail)
        if name in _BLOCK:
            out.append(" ")

    def _note(self, marker: str, el: etree._Element) -> None:
        label = marker or str(len(self.notes) + 1)
        parts: list[str] = [el.text or ""]
        for child in el:
            if local(child) == "num":
                label = label if marker else self.inline(child) or label
            else:
                parts.append(" ".join(self.block(child)) if local(child) in _BLOCK else self.inline(child, clean=False))
            parts.append(child.tail or "")
        self.notes.append(Footnote(clean_inline(label), clean_inline(" ".join(parts))))
