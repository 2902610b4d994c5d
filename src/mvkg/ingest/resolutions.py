"""Ingest: a resolution file → parsed record and RDF, and (unless dry-run) into the workspace."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Graph

from mvkg.kernel.errors import InputError
from mvkg.ingest.extract import build_record
from mvkg.kernel.namespaces import slugify
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.model import ResolutionMeta, ResolutionRecord
from mvkg.ingest.parse import parse_resolution
from mvkg.ingest.rdf import resolution_graph
from mvkg.ingest.readers import SourceText, decode_text, read_source
from mvkg.kernel.workspace import ResolutionEntry, Workspace, atomic_write_many, dumps_json, sha256_bytes


@dataclass(frozen=True)
class Ingested:
    record: ResolutionRecord
    graph: Graph
    source: SourceText


def record_from_entry(ws: Workspace, entry: ResolutionEntry, lex: Lexicon) -> tuple[ResolutionRecord, Graph]:
    """Parse a stored resolution with the metadata recorded next to it."""
    raw = entry.text_path.read_bytes()
    text = decode_text(raw, ws.relative(entry.text_path))
    parsed = parse_resolution(text, lex, ws.relative(entry.text_path))
    record = build_record(parsed, entry.meta, lex, source_file=ws.relative(entry.text_path),
                          sha256=sha256_bytes(raw), media_type="text/plain")
    return record, resolution_graph(record, lex)


def ingest_file(path: Path, lex: Lexicon, ws: Workspace, *, code: str | None = None,
                overrides: dict | None = None) -> Ingested:
    """Read and parse a file for the workspace; nothing is written here."""
    source = read_source(path)
    parsed = parse_resolution(source.text, lex, str(path))
    final_code = code or parsed.code or (f"RES-{parsed.number}" if parsed.number else None)
    if not final_code:
        raise InputError("the text names no resolution code (such as [ECP-MV]); pass --code", path=path)
    meta = ResolutionMeta(
        code=final_code,
        title=parsed.title,
        proposer=parsed.proposer,
        document_numbers=tuple(parsed.document_numbers),
        date=parsed.date,
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
    return Ingested(record, resolution_graph(record, lex), source)


def save_to_workspace(ws: Workspace, ingested: Ingested, *, replace_existing: bool = False) -> list[Path]:
    """Store the text (and the original .docx) and the metadata; returns the files written."""
    slug = ingested.record.slug
    text_path = ws.resolutions_dir / f"{slug}.txt"
    meta_path = ws.resolutions_dir / f"{slug}.json"
    if meta_path.exists() and not replace_existing:
        raise InputError(
            f"resolution {ingested.record.meta.code} is already in the workspace ({ws.relative(meta_path)}); "
            "use --replace to overwrite it"
        )
    files = {}
    if ingested.source.suffix == ".docx":
        files[ws.resolutions_dir / f"{slug}.docx"] = ingested.source.raw
    files[text_path] = ingested.source.text.encode("utf-8")
    files[meta_path] = dumps_json(ingested.record.meta.to_json())
    atomic_write_many(ws, files)
    return list(files)
