"""Word .docx → normalised text (python-docx opens the package; the text is read from its XML).

- body only: headers, footers, comments and text boxes are left out; deleted revisions and
  hidden text too; inserted revisions, hyperlinks, fields' results and content controls are
  read; a line break inside a paragraph is a space;
- Word's automatic numbering is printed: an auto-numbered paragraph's line starts with the
  label Word shows ("1.5.b.i", "a)", "•") and then Word's tab, space or nothing
  (docx_numbering);
- footnotes and endnotes go to `footnotes`, numbered as Word numbers them (1, 2, ... and i,
  ii, ... in order of reference), and their marks are not in the body;
- tables: their text is used only when the body is in tables, i.e. when tables hold more
  text than the paragraphs outside them (a resolution laid out in a table); a row whose
  cells hold one paragraph each is one line, cells joined by tabs ("1." | "text" → "1.<TAB>text");
  otherwise each paragraph of each cell is a line. Other tables (cover-page boxes) are left
  out, with a warning.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from mvkg.ingest.formats.base import Extracted, Footnote, clean_keep_tabs, format_counter, render
from mvkg.ingest.formats.docx_numbering import Numbering, q
from mvkg.ingest.formats.xmlsafe import local, safe_parser
from mvkg.kernel.errors import InputError

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_UNZIPPED = 50 * 1024 * 1024
_SKIP = frozenset(
    [
        "pPr", "rPr", "del", "moveFrom", "delText", "instrText", "txbxContent", "Fallback", "footnoteReference",
        "endnoteReference", "commentReference", "annotationRef", "footnoteRef", "endnoteRef", "separator",
        "continuationSeparator", "drawing", "pict", "object"
    ]
)


@dataclass
class _Para:
    text: str
    label: str  # label and its suffix, "" if none
    row: int | None = None  # the table row it sits in (None: outside tables)
    cell: int = 0


def read_docx(raw: bytes, path: Path | str) -> Extracted:
    document = _open(raw, path)
    part = document.part
    related = {rel.reltype.rsplit("/", 1)[-1]: rel.target_part for rel in part.rels.values() if not rel.is_external}
    numbering = Numbering(_element(related.get("numbering")), _element(related.get("styles")))
    reader = _Body(numbering)
    reader.walk(document.element.body)
    warnings: list[str] = []
    outside = sum(len(p.text) for p in reader.paras if p.row is None)
    inside = sum(len(p.text) for p in reader.paras if p.row is not None)
    use_tables = inside > outside
    if inside and not use_tables:
        warnings.append(f"{reader.tables} table(s) left out: the body is outside tables ({inside} characters in tables)")
    lines = _lines(reader.paras, use_tables)
    text = render(lines)
    if not text:
        raise InputError("the .docx has no text paragraphs (an unknown layout, or text only in images or text boxes)", path=path)
    notes = _notes(related.get("footnotes"), "footnote", reader.footnote_refs, "decimal")
    notes += _notes(related.get("endnotes"), "endnote", reader.endnote_refs, "lowerRoman")
    return Extracted(text, tuple(notes), tuple(warnings))


def _open(raw: bytes, path: Path | str):
    import docx  # python-docx

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            unzipped = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile:
        raise InputError("not a Word .docx document (not a zip archive)", path=path) from None
    if unzipped > MAX_UNZIPPED:
        raise InputError(f"the .docx unpacks to {unzipped} bytes; the limit is {MAX_UNZIPPED} (zip bomb?)", path=path)
    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as exc:
        raise InputError(f"not a Word .docx document this reader understands ({exc})", path=path) from None


def _element(part) -> etree._Element | None:
    if part is None:
        return None
    element = getattr(part, "element", None)
    if element is not None:
        return element
    try:
        return etree.fromstring(part.blob, safe_parser())
    except etree.XMLSyntaxError:
        return None


class _Body:
    def __init__(self, numbering: Numbering):
        self.numbering = numbering
        self.paras: list[_Para] = []
        self.footnote_refs: list[str] = []
        self.endnote_refs: list[str] = []
        self.tables = 0
        self._rows = 0

    def walk(self, el: etree._Element, row: int | None = None, cell: int = 0) -> None:
        for child in el:
            name = local(child)
            if name == "p":
                self._paragraph(child, row, cell)
            elif name == "tbl":
                self.tables += row is None
                for tr in child.iter(q("tr")):
                    if tr.getparent() is not None and _table_of(tr) is child:
                        self._rows += 1
                        this_row = self._rows
                        for index, tc in enumerate(c for c in tr if local(c) == "tc"):
                            self.walk(tc, this_row, index)
            elif name in ("sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo"):
                self.walk(child, row, cell)

    def _paragraph(self, p: etree._Element, row: int | None, cell: int) -> None:
        numbered = self.numbering.label(p)
        parts: list[str] = []
        self._runs(p, parts)
        text = clean_keep_tabs("".join(parts))
        label = "".join(numbered) if numbered and numbered[0] else ""
        self.paras.append(_Para(text, label, row, cell))

    def _runs(self, el: etree._Element, out: list[str]) -> None:
        for child in el:
            name = local(child)
            if name in _SKIP:
                if name == "footnoteReference":
                    self.footnote_refs.append(child.get(q("id")) or "")
                elif name == "endnoteReference":
                    self.endnote_refs.append(child.get(q("id")) or "")
                continue
            if name == "r" and _hidden(child):
                continue
            if name == "t":
                out.append(child.text or "")
            elif name == "tab":
                out.append("\t")
            elif name in ("br", "cr"):
                out.append(" ")
            elif name == "noBreakHyphen":
                out.append("-")
            elif name == "p":  # a paragraph inside a paragraph (text box, content control): its own words
                out.append(" ")
                self._runs(child, out)
            else:
                self._runs(child, out)


def _table_of(tr: etree._Element) -> etree._Element | None:
    return next((a for a in tr.iterancestors() if local(a) == "tbl"), None)


def _hidden(run: etree._Element) -> bool:
    rpr = run.find(q("rPr"))
    vanish = rpr.find(q("vanish")) if rpr is not None else None
    return vanish is not None and vanish.get(q("val"), "true") not in ("0", "false", "off")


def _lines(paras: list[_Para], use_tables: bool) -> list[str]:
    lines: list[str] = []
    i = 0
    while i < len(paras):
        para = paras[i]
        if para.row is None:
            lines.append(para.label + para.text if para.text else "")
            i += 1
            continue
        j = i
        while j < len(paras) and paras[j].row == para.row:
            j += 1
        if use_tables:
            row = [p for p in paras[i:j] if p.text or p.label]
            cells = [p.cell for p in row]
            if len(set(cells)) == len(cells):  # one paragraph a cell: one line
                lines.append("\t".join((p.label + p.text).strip() for p in row))
            else:
                lines.extend(p.label + p.text for p in row)
        i = j
    return lines


def _notes(part, kind: str, refs: list[str], style: str) -> list[Footnote]:
    root = _element(part)
    if root is None or not refs:
        return []
    by_id = {n.get(q("id")): n for n in root.iter(q(kind)) if n.get(q("type")) in (None, "normal")}
    notes: list[Footnote] = []
    for number, ref in enumerate(refs, start=1):
        note = by_id.get(ref)
        if note is None:
            continue
        body = _Body(Numbering(None, None))
        body.walk(note)
        notes.append(Footnote(format_counter(number, style), " ".join(p.text for p in body.paras if p.text)))
    return notes
