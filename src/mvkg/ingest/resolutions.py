"""Ingest: a resolution file → parsed record and RDF, and (unless dry-run) into the workspace."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Graph

from mvkg.ingest.extract import build_record
from mvkg.ingest.parse import parse_resolution
from mvkg.ingest.rdf import resolution_graph
from mvkg.ingest.readers import SourceText, decode_text, read_source
from mvkg.kernel.errors import InputError
from mvkg.kernel.files import sha256_bytes
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.model import ResolutionMeta, ResolutionRecord
from mvkg.kernel.namespaces import slugify
from mvkg.kernel.workspace import ResolutionEntry, Workspace, atomic_write_many, dumps_json
from mvkg.query.isolated import ChildLimits, LimitReached, call_bounded

# Reading a resolution takes well under a second (benchmarks/formats.md); the limits only stop
# a pathological file from holding the caller (the UI's server, `mvkg ingest`) for ever.
INGEST_SECONDS = 60.0
INGEST_MEMORY_MB = 1024


@dataclass(frozen=True)
class Ingested:
    record: ResolutionRecord
    graph: Graph
    source: SourceText


def parse_entry(ws: Workspace, entry: ResolutionEntry, lex: Lexicon) -> tuple[ResolutionRecord, str]:
    """Parse a stored resolution with the metadata recorded next to it: the record and the
    text its offsets point into."""
    raw = entry.text_path.read_bytes()
    text = decode_text(raw, ws.relative(entry.text_path))
    parsed = parse_resolution(text, lex, ws.relative(entry.text_path))
    record = build_record(parsed, entry.meta, lex, source_file=ws.relative(entry.text_path),
                          sha256=sha256_bytes(raw), media_type="text/plain")
    return record, text


def ingest_limits(env: Mapping[str, str] = os.environ) -> ChildLimits:
    """The limits of one ingest: $MVKG_INGEST_SECONDS (seconds) and $MVKG_INGEST_MEMORY_MB
    (megabytes the reading may add), else the defaults."""
    def number(name: str, default: float) -> float:
        raw = env.get(name, "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = 0.0
        if not value > 0 or value == float("inf"):
            raise InputError(f"${name} must be a positive number, not {raw!r}")
        return value

    return ChildLimits(seconds=number("MVKG_INGEST_SECONDS", INGEST_SECONDS),
                       memory_mb=max(64, int(number("MVKG_INGEST_MEMORY_MB", INGEST_MEMORY_MB))))


def ingest_file(path: Path, lex: Lexicon, ws: Workspace, *, code: str | None = None,
                overrides: dict | None = None, limits: ChildLimits | None = None) -> Ingested:
    """Read and parse a file for the workspace; nothing is written here. The reading and
    parsing run in a child process under `limits` (default: `ingest_limits()`): a file that
    would take too long or too much memory is refused with a one-line error instead of
    holding the caller."""
    limits = limits or ingest_limits()
    try:
        source, record = call_bounded(lambda: _read_record(path, lex, ws, code, overrides or {}), limits,
                                      what="reading the file")
    except LimitReached as stopped:
        variable = "MVKG_INGEST_SECONDS" if stopped.limit == "time" else "MVKG_INGEST_MEMORY_MB"
        raise InputError(f"{stopped.message}; a resolution is read in about a second, so the file is refused "
                         f"(${variable} raises the limit)", path=path) from None
    return Ingested(record, resolution_graph(record, lex), source)


def _read_record(path: Path, lex: Lexicon, ws: Workspace, code: str | None,
                 overrides: dict) -> tuple[SourceText, ResolutionRecord]:
    source = read_source(path)
    parsed = parse_resolution(source.text, lex, str(path))
    symbol = parsed.document_numbers[0] if parsed.document_numbers else None
    final_code = code or parsed.code or (f"RES-{parsed.number}" if parsed.number else None) or symbol
    if not final_code:
        raise InputError("the text names no resolution code (such as [ECP-MV]) and no document symbol; pass --code",
                         path=path)
    meta = ResolutionMeta(
        code=final_code,
        title=parsed.title,
        proposer=parsed.proposer,
        document_numbers=tuple(parsed.document_numbers),
        date=parsed.date,
        status="adopted" if any(rx.search(n) for rx in lex.pattern("adopted-symbol") for n in parsed.document_numbers)
        else "draft",
        origin=path.name,
    )
    if overrides:
        meta = replace(meta, **{k: v for k, v in overrides.items() if v not in (None, ())})
    slug = slugify(final_code)
    if not slug:
        raise InputError(f"resolution code {final_code!r} has no letters or digits", path=path)
    text_rel = ws.relative(ws.resolutions_dir / f"{slug}.txt")
    record = build_record(parsed, meta, lex, source_file=text_rel,
                          sha256=sha256_bytes(source.text.encode("utf-8")), media_type="text/plain")
    return source, record


def workspace_files(ws: Workspace, ingested: Ingested, *, replace_existing: bool = False) -> dict[Path, bytes]:
    """What storing a parsed resolution writes: the normalised text, the published file it came
    from (a PDF, Word, HTML or XML file, unchanged, its sha256 in the metadata) and the
    metadata."""
    slug = ingested.record.slug
    text_path = ws.resolutions_dir / f"{slug}.txt"
    meta_path = ws.resolutions_dir / f"{slug}.json"
    if meta_path.exists() and not replace_existing:
        raise InputError(
            f"resolution {ingested.record.meta.code} is already in the workspace ({ws.relative(meta_path)}); "
            "use --replace to overwrite it"
        )
    files = {}
    meta = ingested.record.meta
    if ingested.source.suffix not in (".txt", ".text", ""):
        original = ws.resolutions_dir / f"{slug}{ingested.source.suffix}"
        files[original] = ingested.source.raw
        meta = replace(meta, original=original.name, original_sha256=sha256_bytes(ingested.source.raw))
    files[text_path] = ingested.source.text.encode("utf-8")
    files[meta_path] = dumps_json(meta.to_json())
    return files


def save_to_workspace(ws: Workspace, ingested: Ingested, *, replace_existing: bool = False) -> list[Path]:
    """Store one parsed resolution as one atomic change; returns the files written."""
    files = workspace_files(ws, ingested, replace_existing=replace_existing)
    atomic_write_many(ws, files)
    return list(files)


def save_many(ws: Workspace, batch: list[Ingested], *, replace_existing: bool = False) -> list[Path]:
    """Store several parsed resolutions as one atomic change (all or none)."""
    codes = [i.record.slug for i in batch]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InputError(f"two files give the same resolution code ({', '.join(twice)}); pass them one at a time with --code")
    files: dict[Path, bytes] = {}
    for ingested in batch:
        files.update(workspace_files(ws, ingested, replace_existing=replace_existing))
    atomic_write_many(ws, files)
    return list(files)


@dataclass(frozen=True)
class IngestWarning:
    """Something to check in what was read: where (file, line when known) and what."""

    file: str
    line: int | None
    kind: str
    message: str

    def describe(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.kind}: {self.message}"


def ingest_warnings(ingested: Ingested, file: str) -> list[IngestWarning]:
    """The reader's warnings (layout, footnotes, fragments) and the parser's (unknown verbs,
    split paragraphs, guessed labels, obligations with no bearer), in line order."""
    out = [IngestWarning(file, None, "format", w) for w in ingested.source.warnings]
    out += [IngestWarning(file, line, kind, message) for line, kind, message in sorted(ingested.record.warnings)]
    return out
