"""PDF with a text layer → normalised text (pypdfium2: Google's PDFium, the engine of Chrome).

PDFium gives each character with its box, baseline and font size in about 15 ms a page;
from those this module builds words and lines (superscripts kept apart, spaces decided by
the gap, not by PDFium's guesses), and `pdf_layout` orders columns, drops page furniture,
separates footnotes and joins the lines of each paragraph.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass, field
from pathlib import Path

from mvkg.ingest.formats.base import Extracted
from mvkg.kernel.errors import InputError

MEDIA_TYPE = "application/pdf"
MAX_PAGES = 2000
_HYPHENS = frozenset("\u0002\u001e\ufffe\u2011")  # non-breaking hyphens as PDF writers and PDFium give them
_LOCK = threading.Lock()  # PDFium is not thread-safe (the UI serves sessions from threads)
SPACE_GAP = 0.17  # a gap wider than this many ems between two glyphs is a word space
SPLIT_GAP = 1.5  # a gap wider than this many ems splits a line into fragments (columns)


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    y: float  # baseline
    size: float
    space_before: bool = False  # the PDF has an explicit space before this glyph


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    size: float
    sup: bool  # a raised, smaller run: a footnote mark or an exponent
    space_before: bool


@dataclass
class Line:
    page: int
    y: float  # baseline
    size: float  # the line's main font size
    words: list[Word]
    column: int = 0
    x0: float = field(init=False)
    x1: float = field(init=False)

    def __post_init__(self) -> None:
        self.x0 = self.words[0].x0
        self.x1 = max(w.x1 for w in self.words)

    def text(self, drop_sup: frozenset[str] = frozenset(), start: int = 0) -> str:
        """The words from `start` on, without superscripts whose text is in `drop_sup`."""
        out: list[str] = []
        for w in self.words[start:]:
            if w.sup and w.text in drop_sup:
                continue
            if out and w.space_before:
                out.append(" ")
            out.append(w.text)
        return "".join(out).strip()


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line]


def read_pdf(raw: bytes, path: Path | str) -> Extracted:
    from mvkg.ingest.formats.pdf_layout import lay_out

    with _LOCK:
        pages = _read_pages(raw, path)
    if not any(p.lines for p in pages):
        raise InputError(
            "the PDF has no text layer (a scanned or image-only document); OCR is not supported: "
            "supply a PDF with selectable text, or the .docx or .txt",
            path=path,
        )
    extracted = lay_out(pages)
    if not extracted.text:
        raise InputError("the PDF's text is only page furniture (running heads, page numbers) and footnotes", path=path)
    return extracted


def _read_pages(raw: bytes, path: Path | str) -> list[Page]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        why = "it is encrypted with a password" if "password" in str(exc).lower() else str(exc)
        raise InputError(f"not a PDF this reader can open ({why})", path=path) from None
    try:
        if len(doc) > MAX_PAGES:
            raise InputError(f"the PDF has {len(doc)} pages; the limit is {MAX_PAGES}", path=path)
        pages = []
        for index in range(len(doc)):
            page = doc[index]
            try:
                width, height = page.get_size()
                chars = _page_chars(page)
            finally:
                page.close()
            pages.append(Page(index + 1, width, height, _lines(chars, index + 1, width)))
        return pages
    finally:
        doc.close()


def _page_chars(page) -> list[Char]:
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        count = pdfium_c.FPDFText_CountChars(handle)
        text = textpage.get_text_range() if count > 0 else ""
        exact = len(text) == count  # one UTF-16 unit per character (no astral characters)
        rect = pdfium_c.FS_RECTF()
        rect_p, ox, oy = ctypes.byref(rect), ctypes.c_double(), ctypes.c_double()
        ox_p, oy_p = ctypes.byref(ox), ctypes.byref(oy)
        box, origin, size_of = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin, pdfium_c.FPDFText_GetFontSize
        chars: list[Char] = []
        explicit_space = False
        for k in range(count):
            ch = text[k] if exact else chr(pdfium_c.FPDFText_GetUnicode(handle, k) or 0xFFFD)
            if ch in " \r\n\t\u00a0":
                if ch != "\r" and ch != "\n" and not pdfium_c.FPDFText_IsGenerated(handle, k):
                    explicit_space = True
                continue
            if ch in _HYPHENS:
                ch = "-"
            box(handle, k, rect_p)
            origin(handle, k, ox_p, oy_p)
            chars.append(Char(ch, rect.left, rect.right, oy.value, size_of(handle, k), explicit_space))
            explicit_space = False
        return chars
    finally:
        textpage.close()


# ------------------------------------------------------------------ glyphs → lines


@dataclass
class _Fragment:
    chars: list[Char]
    y: float
    size: float
    x1: float


def _continues(frag: _Fragment, c: Char) -> bool:
    """Does glyph `c` (next in content order) continue the fragment on the same line?"""
    size = max(frag.size, c.size)
    dx = c.x0 - frag.x1
    if dx < -0.5 * size or dx > SPLIT_GAP * size:
        return False
    rise = c.y - frag.y
    if abs(rise) <= 0.3 * frag.size:
        return True
    if c.size <= 0.85 * frag.size and 0 < rise <= 0.8 * frag.size:
        return True  # a superscript on this line
    if frag.size <= 0.85 * c.size and 0 < -rise <= 0.8 * c.size:
        frag.y, frag.size = c.y, c.size  # the fragment began with a superscript
        return True
    return False


def _lines(chars: list[Char], page: int, width: float) -> list[Line]:
    frags: list[_Fragment] = []
    for c in chars:
        if frags and _continues(frags[-1], c):
            frag = frags[-1]
            frag.chars.append(c)
            frag.x1 = max(frag.x1, c.x1)
        else:
            frags.append(_Fragment([c], c.y, c.size, c.x1))
    gutter = _gutter([(f.chars[0].x0, f.x1) for f in frags], width)
    lines: list[Line] = []
    for column in (-1, 0, 1) if gutter is not None else (0,):
        group: list[_Fragment] = []
        mine = [f for f in frags if gutter is None or _column(f.chars[0].x0, f.x1, gutter) == column]
        for frag in sorted(mine, key=lambda f: (-f.y, f.chars[0].x0)):
            if group and abs(group[0].y - frag.y) > 0.3 * max(group[0].size, frag.size):
                lines.append(_make_line(group, page, column))
                group = []
            group.append(frag)
        if group:
            lines.append(_make_line(group, page, column))
    return _reading_order(lines)


def _column(x0: float, x1: float, gutter: float) -> int:
    return 0 if x1 <= gutter else 1 if x0 >= gutter else -1


def _gutter(spans: list[tuple[float, float]], width: float) -> float | None:
    """The x of a vertical gap between two columns of text, if the page has two columns:
    a quarter of the fragments on each side of it and at most a tenth across it."""
    if len(spans) < 12:
        return None
    best: tuple[int, float] | None = None
    for percent in range(35, 66):
        x = width * percent / 100
        left = sum(1 for a, b in spans if b <= x)
        right = sum(1 for a, b in spans if a >= x)
        across = len(spans) - left - right
        if min(left, right) >= 0.25 * len(spans) and across <= 0.1 * len(spans) and (best is None or across < best[0]):
            best = (across, x)
    return best[1] if best else None


def _reading_order(lines: list[Line]) -> list[Line]:
    """Top to bottom; with two columns, each band between full-width lines is read left
    column first, then right column."""
    lines.sort(key=lambda ln: (-ln.y, ln.x0))
    if all(ln.column == 0 for ln in lines):
        return lines
    out: list[Line] = []
    band: list[Line] = []
    for line in lines:
        if line.column == -1:
            out.extend(sorted(band, key=lambda ln: ln.column))  # stable: top to bottom within a column
            band = []
            out.append(line)
        else:
            band.append(line)
    out.extend(sorted(band, key=lambda ln: ln.column))
    return out


def _make_line(frags: list[_Fragment], page: int, column: int) -> Line:
    """Fragments on one baseline → a line of words (a column split comes later)."""
    frags.sort(key=lambda f: f.chars[0].x0)
    chars = [c for f in frags for c in f.chars]
    sizes: dict[float, int] = {}
    for c in chars:
        sizes[round(c.size, 1)] = sizes.get(round(c.size, 1), 0) + 1
    size = max(sizes, key=lambda s: (sizes[s], s))
    main = sorted(c.y for c in chars if abs(c.size - size) < 0.15) or sorted(c.y for c in chars)
    base = main[len(main) // 2]
    words: list[Word] = []
    prev: Char | None = None
    for c in chars:
        sup = c.size <= 0.85 * size and c.y - base >= 0.15 * size
        gap = c.x0 - prev.x1 if prev is not None else 0.0
        spaced = prev is not None and (c.space_before or gap > SPACE_GAP * max(c.size, prev.size))
        if words and not spaced and words[-1].sup == sup:
            w = words[-1]
            w.text += c.text
            w.x1 = max(w.x1, c.x1)
        else:
            words.append(Word(c.text, c.x0, c.x1, c.size, sup, spaced))
        prev = c
    return Line(page, base, size, words, column)
