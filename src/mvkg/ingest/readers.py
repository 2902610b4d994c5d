"""Read resolution files (.txt, .docx) into text, with clear errors for bad input."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from mvkg.kernel.errors import InputError

MAX_BYTES = 5 * 1024 * 1024  # a resolution is a few tens of kB; refuse anything absurd
TEXT_MEDIA = "text/plain"
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class SourceText:
    text: str
    raw: bytes  # the original bytes (the .docx itself for Word files)
    media_type: str
    suffix: str


def read_source(path: Path) -> SourceText:
    if not path.is_file():
        raise InputError("no such file", path=path)
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise InputError(f"file is {len(raw)} bytes; the limit for a resolution is {MAX_BYTES}", path=path)
    if not raw.strip():
        raise InputError("the file is empty: expected the text of a resolution", path=path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return SourceText(_docx_text(raw, path), raw, DOCX_MEDIA, ".docx")
    if suffix not in (".txt", ".text", ""):
        raise InputError(f"unsupported file type {suffix!r}: expected .txt or .docx", path=path)
    return SourceText(decode_text(raw, path), raw, TEXT_MEDIA, ".txt")


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


MAX_UNZIPPED = 50 * 1024 * 1024


def _docx_text(raw: bytes, path: Path) -> str:
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            unzipped = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile:
        raise InputError("not a Word .docx document (not a zip archive)", path=path) from None
    if unzipped > MAX_UNZIPPED:
        raise InputError(f"the .docx unpacks to {unzipped} bytes; the limit is {MAX_UNZIPPED} (zip bomb?)", path=path)

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, Exception) as exc:  # noqa: BLE001 - any failure is a bad file
        raise InputError(f"not a Word .docx document this reader understands ({exc})", path=path) from None
    lines = [p.text for p in document.paragraphs]
    if not any(line.strip() for line in lines):
        raise InputError("the .docx has no text paragraphs (an unknown layout, or text only in tables/images)", path=path)
    return "\n".join(lines) + "\n"
