"""The catalogue of standards and activities: data/catalogue/*.csv, one row per entry.

Schema (header, in this order):
  id          official identifier, unique (e.g. "ITU-T Y.4240", "ISO/IEC 23247-1:2021")
  title       official title
  publisher   actor notation from ontology/actors.ttl (itu-t, iso-iec-jtc1, ieee, w3c ...)
  kind        recommendation | technical-report | technical-specification | standard | work-item | activity
  status      published | approved | in-progress | proposed | withdrawn
  date        yyyy, yyyy-mm or yyyy-mm-dd, or empty when unknown
  url         where the entry can be read (http/https), or empty
  themes      theme notations separated by ';' (ontology/themes.ttl)
  topics      metaverse topic notations separated by ';' (ontology/topics.ttl)
  source_url  where the facts came from; several separated by ' ; '
  notes       uncertainty and remarks
and, optionally (a file has all three or none):
  scope         the entry's published scope or summary, short, in the catalogue's own words
  scope_source  the publisher's page the scope was taken from (http/https); required with a scope
  checked       yyyy-mm-dd: when status, date and URL were last verified on the publisher's own
                page, or empty when never (the entry then shows as stale, see catalogue_freshness)
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from mvkg.ingest.rdf import new_graph
from mvkg.inputs.csvtable import Problem, TableError, read_rows, rows_bytes, split_list, valid_iso_date
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.namespaces import ID, MVKG, slugify
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace, atomic_write_many

COLUMNS = ("id", "title", "publisher", "kind", "status", "date", "url", "themes", "topics", "source_url", "notes")
FACT_COLUMNS = ("scope", "scope_source", "checked")
ALL_COLUMNS = COLUMNS + FACT_COLUMNS
KINDS = VOCABULARY.entry_kinds.notations
STATUSES = VOCABULARY.entry_statuses.notations


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    publisher: str  # actor IRI
    kind: str
    status: str
    date: str
    url: str
    themes: tuple[str, ...]  # IRIs
    topics: tuple[str, ...]
    source_urls: tuple[str, ...]
    notes: str
    file: str
    row: int
    scope: str = ""
    scope_source: str = ""
    checked: str = ""  # yyyy-mm-dd, or "" when never verified

    @property
    def iri(self) -> str:
        return entry_iri(self.id)


def entry_iri(identifier: str) -> str:
    return str(ID["entry/" + slugify(identifier)])


def catalogue_columns(path: Path) -> tuple[str, ...]:
    """The header a catalogue file has: with the fact columns (scope, scope_source, checked) or without."""
    first = path.read_bytes().lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    header = tuple(h.strip() for h in next(csv.reader(io.StringIO(first)), []))
    return ALL_COLUMNS if header == ALL_COLUMNS else COLUMNS


def read_catalogue_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of one catalogue file as (line, row), every row with the fact columns."""
    return [(line, {**dict.fromkeys(FACT_COLUMNS, ""), **row}) for line, row in read_rows(path, catalogue_columns(path))]


def _check_facts(row: dict[str, str]) -> list[str]:
    errors = []
    if row["checked"] and not (len(row["checked"]) == 10 and valid_iso_date(row["checked"])):
        errors.append(f"checked {row['checked']!r} is not a yyyy-mm-dd date")
    if row["scope_source"] and not row["scope_source"].startswith(("http://", "https://")):
        errors.append(f"scope_source {row['scope_source']!r} is not an http(s) URL")
    if row["scope"] and not row["scope_source"]:
        errors.append("a scope needs its scope_source (the publisher's page it was taken from)")
    return errors


def _check_row(row: dict[str, str], lex: Lexicon, maps: dict[str, dict[str, str]]) -> tuple[list[str], dict]:
    errors = []
    for col in ("id", "title", "publisher", "kind", "status"):
        if not row[col]:
            errors.append(f"'{col}' is empty")
    if row["kind"] and row["kind"] not in KINDS:
        errors.append(f"kind {row['kind']!r} is not one of {', '.join(KINDS)}")
    if row["status"] and row["status"] not in STATUSES:
        errors.append(f"status {row['status']!r} is not one of {', '.join(STATUSES)}")
    if row["publisher"] and row["publisher"] not in maps["actor"]:
        errors.append(f"publisher {row['publisher']!r} is no actor notation in ontology/actors.ttl")
    if row["date"] and not valid_iso_date(row["date"]):
        errors.append(f"date {row['date']!r} is not yyyy, yyyy-mm or yyyy-mm-dd")
    errors += _check_facts(row)
    for col in ("url",):
        if row[col] and not row[col].startswith(("http://", "https://")):
            errors.append(f"{col} {row[col]!r} is not an http(s) URL")
    resolved = {}
    for col, kind in (("themes", "theme"), ("topics", "topic")):
        values = split_list(row[col])
        unknown = [v for v in values if v not in maps[kind]]
        if unknown:
            errors.append(f"unknown {kind} notation(s) {unknown} (see ontology/{kind}s.ttl)")
        resolved[col] = tuple(maps[kind][v] for v in values if v in maps[kind])
    return errors, resolved


def parse_entries(path: Path, lex: Lexicon, label: str) -> tuple[list[Entry], list[Problem]]:
    maps = {k: lex.notations(k) for k in ("theme", "topic", "actor")}
    entries, problems = [], []
    for line, row in read_catalogue_rows(path):
        errors, resolved = _check_row(row, lex, maps)
        problems += [Problem(line, e) for e in errors]
        if errors:
            continue
        entries.append(Entry(
            id=row["id"], title=row["title"], publisher=maps["actor"][row["publisher"]], kind=row["kind"],
            status=row["status"], date=row["date"], url=row["url"], themes=resolved["themes"],
            topics=resolved["topics"], source_urls=tuple(u.strip() for u in row["source_url"].split(" ; ") if u.strip()),
            notes=row["notes"], file=label, row=line, scope=row["scope"], scope_source=row["scope_source"],
            checked=row["checked"]))
    return entries, problems


def _duplicates(entries: list[Entry]) -> list[tuple[str, Problem]]:
    seen: dict[str, Entry] = {}
    out = []
    for e in entries:
        key = slugify(e.id)
        if key in seen:
            first = seen[key]
            out.append((e.file, Problem(e.row, f"id {e.id!r} duplicates {first.id!r} ({first.file}:{first.row})")))
        else:
            seen[key] = e
    return out


def load_catalogue(ws: Workspace, lex: Lexicon) -> list[Entry]:
    entries: list[Entry] = []
    for path in ws.catalogue_files():
        found, problems = parse_entries(path, lex, ws.relative(path))
        if problems:
            raise TableError(ws.relative(path), problems)
        entries += found
    dups = _duplicates(entries)
    if dups:
        raise TableError(dups[0][0], [p for _, p in dups])
    return entries


def entry_summary(e: Entry, lex: Lexicon) -> dict[str, Any]:
    """The public JSON form of `mvkg catalogue list`."""
    return {"id": e.id, "title": e.title, "publisher": lex.actors[e.publisher].label, "kind": e.kind,
            "status": e.status, "date": e.date or None, "url": e.url or None,
            "themes": [lex.themes[t].label for t in e.themes], "checked": e.checked or None}


def _issued(date: str) -> Literal:
    dt = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(date)]
    return Literal(date, datatype=dt)


def catalogue_graph(entries: list[Entry]) -> Graph:
    g = new_graph()
    for e in entries:
        s = URIRef(e.iri)
        g.add((s, RDF.type, MVKG.Activity if e.kind == "activity" else MVKG.Standard))
        g.add((s, MVKG.identifier, Literal(e.id)))
        g.add((s, MVKG.title, Literal(e.title)))
        g.add((s, RDFS.label, Literal(f"{e.id}: {e.title}")))
        g.add((s, MVKG.publisher, URIRef(e.publisher)))
        g.add((s, MVKG.kind, MVKG["kind-" + e.kind]))
        g.add((s, MVKG.hasEntryStatus, MVKG["status-" + e.status]))
        if e.date:
            g.add((s, MVKG.issued, _issued(e.date)))
        if e.url:
            g.add((s, MVKG.url, Literal(e.url, datatype=XSD.anyURI)))
        for t in e.themes:
            g.add((s, MVKG.hasTheme, URIRef(t)))
        for t in e.topics:
            g.add((s, MVKG.hasTopic, URIRef(t)))
        for u in e.source_urls:
            g.add((s, MVKG.sourceUrl, Literal(u, datatype=XSD.anyURI)))
        if e.notes:
            g.add((s, MVKG.note, Literal(e.notes)))
        if e.scope:
            g.add((s, MVKG.publishedScope, Literal(e.scope)))
            g.add((s, MVKG.sourceUrl, Literal(e.scope_source, datatype=XSD.anyURI)))
        if e.checked:
            g.add((s, MVKG.checkedOn, Literal(e.checked, datatype=XSD.date)))
    return g


@dataclass(frozen=True)
class ImportReport:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    target: str


def import_csv(ws: Workspace, lex: Lexicon, source: Path) -> ImportReport:
    """Validate every row of `source` first; only if all are valid, merge them into the
    catalogue (new ids into catalogue.csv, known ids updated where they live)."""
    new, problems = parse_entries(source, lex, str(source))
    dups = _duplicates(new)
    problems += [p for _, p in dups]
    if problems:
        raise TableError(source, sorted(problems, key=lambda p: p.row))
    existing = load_catalogue(ws, lex)
    where = {slugify(e.id): e.file for e in existing}
    incoming = {slugify(e.id): e for e in new}
    raw_new = {slugify(r["id"]): r for _, r in read_catalogue_rows(source)}
    keeps_facts = catalogue_columns(source) != ALL_COLUMNS  # a file without the fact columns does not clear them
    files = {ws.relative(p): p for p in ws.catalogue_files()}
    target = ws.catalogue_file
    files.setdefault(ws.relative(target), target)
    added, updated = [], []
    writes: dict[Path, bytes] = {}
    for label, path in files.items():
        rows = [r for _, r in read_catalogue_rows(path)] if path.exists() else []
        changed = False
        for i, r in enumerate(rows):
            key = slugify(r["id"])
            if key in incoming and where.get(key) == label:
                rows[i] = {**raw_new[key], **({c: r[c] for c in FACT_COLUMNS} if keeps_facts else {})}
                updated.append(r["id"])
                changed = True
        if path == target:
            for key, e in incoming.items():
                if key not in where:
                    rows.append(raw_new[key])
                    added.append(e.id)
                    changed = True
        if changed:
            wide = (path.exists() and catalogue_columns(path) == ALL_COLUMNS) or any(r[c] for r in rows for c in FACT_COLUMNS)
            columns = ALL_COLUMNS if wide else COLUMNS
            writes[path] = rows_bytes(columns, [{c: r[c] for c in columns} for r in rows])
    atomic_write_many(ws, writes)  # all files change together or none does
    return ImportReport(tuple(added), tuple(updated), ws.relative(target))
