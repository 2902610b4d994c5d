"""Format readers: each turns one published format into the same normalised text (see
`base`): pdf (pypdfium2), html (lxml.html), akn (Akoma Ntoso XML, lxml), docx (python-docx
with Word's numbering materialised). `sniff` tells a format from the first bytes."""

from __future__ import annotations

from mvkg.ingest.formats.base import Extracted, Footnote

__all__ = ["SUFFIXES", "Extracted", "Footnote", "sniff"]

# file suffix → format
SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html", ".xhtml": "html", ".xml": "akn", ".akn": "akn", ".docx": "docx"}


def sniff(raw: bytes) -> str | None:
    """The format the bytes are in ("pdf", "docx", "html", "akn", "xml"), or None (text or unknown)."""
    if b"%PDF-" in raw[:1024]:  # readers accept up to 1 KB of junk before the header
        return "pdf"
    if raw.startswith(b"PK\x03\x04"):
        return "docx"
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html") or (head.startswith(b"<") and b"<html" in head):
        return "html"
    if head.startswith(b"<"):
        if b"akomantoso" in head or b"legaldocml/ns/akn" in head:
            return "akn"
        return "xml"
    return None
