"""Read resolution files into normalised text, with clear errors for bad input.

.txt (and a Markdown copy, .md) is read as it is (UTF-8), except that the running heads and
feet around its page breaks (form feeds) are emptied (formats/text_pages.py). .pdf, .html/.htm, .xml (Akoma Ntoso) and .docx go through the
format readers of `mvkg.ingest.formats`, which all give the same normalised text: one line
per paragraph, each numbered item starting with its label as printed, headings on their
own line, no page furniture, footnotes apart. The format is the suffix's; a binary format's
magic bytes (%PDF-, a zip) win over a wrong suffix (with a warning); a file with no suffix
is sniffed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mvkg.ingest.formats import SUFFIXES, Extracted, Footnote, sniff
from mvkg.ingest.formats.text_pages import blank_page_furniture
from mvkg.kernel.errors import InputError

MAX_BYTES = 5 * 1024 * 1024  # a resolution is a few tens of kB; refuse anything absurd
TEXT_MEDIA = "text/plain"
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html", "akn": "application/akn+xml", "docx": DOCX_MEDIA}
CANONICAL_SUFFIX = {"pdf": ".pdf", "html": ".html", "akn": ".xml", "docx": ".docx"}
SUPPORTED = ".txt, .md, .pdf, .docx, .html/.htm or .xml (Akoma Ntoso)"
TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")  # a Markdown copy is text; the parser reads past its emphasis marks
READABLE = (*TEXT_SUFFIXES, *SUFFIXES)  # every suffix read_source takes


@dataclass(frozen=True)
class SourceText:
    text: str  # the normalised text (what is stored and parsed)
    raw: bytes  # the original bytes (the .docx, .pdf, ... itself)
    media_type: str
    suffix: str
    footnotes: tuple[Footnote, ...] = ()
    warnings: tuple[str, ...] = ()


def read_source(path: Path) -> SourceText:
    if not path.is_file():
        raise InputError("no such file", path=path)
    with path.open("rb") as f:  # no more than the limit is read, however large the file
        raw = f.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise InputError(f"file is over {MAX_BYTES} bytes, the limit for a resolution", path=path)
    if not raw.strip():
        raise InputError("the file is empty: expected the text of a resolution", path=path)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return SourceText(blank_page_furniture(decode_text(raw, path)), raw, TEXT_MEDIA, ".txt")
    sniffed = sniff(raw)
    if suffix == "":
        fmt = {"xml": "akn"}.get(sniffed or "", sniffed)
        if fmt is None:
            return SourceText(blank_page_furniture(decode_text(raw, path)), raw, TEXT_MEDIA, ".txt")
    elif suffix in SUFFIXES:
        fmt = SUFFIXES[suffix]
    else:
        raise InputError(f"unsupported file type {suffix!r}: expected {SUPPORTED}", path=path)
    warnings: list[str] = []
    if sniffed in ("pdf", "docx") and sniffed != fmt:
        warnings.append(f"named {suffix} but the content is a {sniffed.upper()} file: read as {sniffed.upper()}")
        fmt = sniffed
    elif fmt == "pdf" and sniffed != "pdf":
        raise InputError("not a PDF (no %PDF- header); expected a PDF with a text layer", path=path)
    extracted = _read(fmt, raw, path)
    return SourceText(extracted.text, raw, MEDIA_TYPES[fmt], CANONICAL_SUFFIX[fmt], extracted.footnotes,
                      tuple(warnings) + extracted.warnings)


def _read(fmt: str, raw: bytes, path: Path) -> Extracted:
    if fmt == "pdf":
        from mvkg.ingest.formats.pdf import read_pdf

        return read_pdf(raw, path)
    if fmt == "html":
        from mvkg.ingest.formats.html import read_html

        return read_html(raw, path)
    if fmt == "akn":
        from mvkg.ingest.formats.akn import read_akn

        return read_akn(raw, path)
    from mvkg.ingest.formats.docx import read_docx

    return read_docx(raw, path)


def decode_text(raw: bytes, path: Path | str, *, allow_nul: bool = False) -> str:
    if not allow_nul and b"\x00" in raw[:8192]:
        raise InputError("binary file (contains NUL bytes): expected UTF-8 text", path=path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
            path=path,
            line=line,
        ) from None
