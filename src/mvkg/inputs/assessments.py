"""Coverage assessments: data/coverage/*.csv, one row per (obligation, catalogue entry),
modelled on the NIST OSCAL mapping fields (relationship, rationale, confidence, provenance).

Schema (header, in this order):
  obligation    the obligation's short id: its IRI after /id/ without /obligation,
                e.g. atu-mv/resolves/para_g  (see `mvkg obligations --format json`)
  entry         catalogue id (empty only for not-applicable)
  relation      full | partial | none | not-applicable
  rationale     why, in words (required)
  evidence      the clause or section of the entry that supports it
  evidence_url  where to read it (http/https), or empty
  assessor      who assessed (required)
  date          yyyy-mm-dd (required)
  confidence    0 to 1
  method        manual | machine-suggested
and, optionally (a file without them is read as all drafts):
  review        draft | reviewed (empty: draft)
  reviewed_by   who reviewed (a reviewed row only)
  reviewed_on   yyyy-mm-dd (a reviewed row only)

The files stay the storage and stay diff-friendly: a change rewrites one row in place, a new
assessment is the last row of assessments.csv, and a file gains the three review columns only
when one of its rows is first reviewed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from mvkg.ingest.rdf import new_graph
from mvkg.inputs.catalogue import Entry, entry_iri
from mvkg.inputs.csvtable import Problem, TableError, read_rows, rows_bytes
from mvkg.inputs.versions import check as check_version
from mvkg.inputs.versions import row_version
from mvkg.kernel.errors import InputError
from mvkg.kernel.files import atomic_write
from mvkg.kernel.namespaces import ID, MVKG, obligation_iri, short_id, slugify
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace

COLUMNS = ("obligation", "entry", "relation", "rationale", "evidence", "evidence_url", "assessor", "date",
           "confidence", "method")
REVIEW_COLUMNS = ("review", "reviewed_by", "reviewed_on")
ALL_COLUMNS = COLUMNS + REVIEW_COLUMNS
RELATIONS = VOCABULARY.relations.notations
METHODS = VOCABULARY.methods.notations
REVIEW_STATES = VOCABULARY.assessment_reviews.notations  # draft, reviewed
DRAFT, REVIEWED = REVIEW_STATES
MAIN_FILE = "assessments.csv"  # where `mvkg assessment add` writes
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Assessment:
    obligation: str  # IRI
    entry: str | None  # IRI
    relation: str
    rationale: str
    evidence: str
    evidence_url: str
    assessor: str
    date: str
    confidence: float | None
    method: str
    file: str
    row: int
    review: str = DRAFT
    reviewed_by: str = ""
    reviewed_on: str = ""

    @property
    def iri(self) -> str:
        short = short_id(self.obligation)
        tail = slugify(self.entry.rsplit("/entry/", 1)[-1]) if self.entry else "not-applicable"
        return str(ID[f"assessment/{short}/{tail}"])


def columns_of(path: Path) -> tuple[str, ...]:
    """The header a file has: with the review columns, or (read as all drafts) without."""
    first = path.read_bytes().lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    header = tuple(h.strip() for h in next(csv.reader(io.StringIO(first)), []))
    return ALL_COLUMNS if header == ALL_COLUMNS else COLUMNS


def read_table(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of one assessments file as (line, row), every row with the review columns."""
    rows = read_rows(path, columns_of(path))
    return [(line, {**dict.fromkeys(REVIEW_COLUMNS, ""), **row}) for line, row in rows]


def table_bytes(path: Path, rows: list[dict[str, str]]) -> bytes:
    """The file as it is written back: with the review columns when it had them or a row needs them."""
    wide = (path.is_file() and columns_of(path) == ALL_COLUMNS) or any(r.get(c) for r in rows for c in REVIEW_COLUMNS)
    columns = ALL_COLUMNS if wide else COLUMNS
    return rows_bytes(columns, [{c: r.get(c, "") for c in columns} for r in rows])


def _check(row: dict[str, str], obligations: set[str], entries: set[str]) -> list[str]:
    errors = []
    if obligation_iri(row["obligation"]) not in obligations:
        errors.append(f"obligation {row['obligation']!r} is not in the built resolutions")
    if row["relation"] not in RELATIONS:
        errors.append(f"relation {row['relation']!r} is not one of {', '.join(RELATIONS)}")
    if row["relation"] == "not-applicable":
        if row["entry"]:
            errors.append("a not-applicable finding names no entry")
    elif not row["entry"]:
        errors.append("'entry' is empty (only not-applicable findings have none)")
    elif entry_iri(row["entry"]) not in entries:
        errors.append(f"entry {row['entry']!r} is not in the catalogue")
    for col in ("rationale", "assessor"):
        if not row[col]:
            errors.append(f"'{col}' is empty")
    if not _DATE.match(row["date"]):
        errors.append(f"date {row['date']!r} is not yyyy-mm-dd")
    if row["confidence"]:
        try:
            if not 0 <= float(row["confidence"]) <= 1:
                errors.append("confidence must be between 0 and 1")
        except ValueError:
            errors.append(f"confidence {row['confidence']!r} is not a number")
    if row["method"] and row["method"] not in METHODS:
        errors.append(f"method {row['method']!r} is not one of {', '.join(METHODS)}")
    if row["evidence_url"] and not row["evidence_url"].startswith(("http://", "https://")):
        errors.append(f"evidence_url {row['evidence_url']!r} is not an http(s) URL")
    return errors + _check_review(row)


def _check_review(row: Mapping[str, str]) -> list[str]:
    review = row.get("review", "") or DRAFT
    if review not in REVIEW_STATES:
        return [f"review {review!r} is not one of {', '.join(REVIEW_STATES)}"]
    if review == DRAFT:
        return ["a draft has no 'reviewed_by' or 'reviewed_on' yet"] if row.get("reviewed_by") or row.get("reviewed_on") else []
    errors = [] if row.get("reviewed_by") else ["a reviewed assessment names its reviewer ('reviewed_by')"]
    if not _DATE.match(row.get("reviewed_on", "")):
        errors.append(f"reviewed_on {row.get('reviewed_on', '')!r} is not yyyy-mm-dd")
    return errors


def _assessment(row: dict[str, str], label: str, line: int) -> Assessment:
    return Assessment(
        obligation=obligation_iri(row["obligation"]), entry=entry_iri(row["entry"]) if row["entry"] else None,
        relation=row["relation"], rationale=row["rationale"], evidence=row["evidence"],
        evidence_url=row["evidence_url"], assessor=row["assessor"], date=row["date"],
        confidence=float(row["confidence"]) if row["confidence"] else None, method=row["method"] or "manual",
        file=label, row=line, review=row.get("review") or DRAFT, reviewed_by=row.get("reviewed_by", ""),
        reviewed_on=row.get("reviewed_on", ""))


def load_assessments(ws: Workspace, obligations: set[str], entries: Iterable[Entry | str]) -> list[Assessment]:
    """Every assessment of data/coverage/, each row checked (`entries`: catalogue entries or their IRIs)."""
    known = {e if isinstance(e, str) else e.iri for e in entries}
    out: list[Assessment] = []
    seen: dict[str, tuple[str, int]] = {}
    for path in ws.assessment_files():
        label = ws.relative(path)
        problems = []
        for line, row in read_table(path):
            errors = _check(row, obligations, known)
            if errors:
                problems += [Problem(line, e) for e in errors]
                continue
            a = _assessment(row, label, line)
            if a.iri in seen:
                f, r = seen[a.iri]
                problems.append(Problem(line, f"a second assessment of the same obligation and entry (first at {f}:{r})"))
                continue
            seen[a.iri] = (label, line)
            out.append(a)
        if problems:
            raise TableError(label, problems)
    return out


def assessments_graph(assessments: list[Assessment]) -> Graph:
    g = new_graph()
    reviews = {c.notation: URIRef(c.iri) for c in VOCABULARY.assessment_reviews}
    for a in assessments:
        s = URIRef(a.iri)
        g.add((s, RDF.type, MVKG.CoverageAssessment))
        entry = a.entry.rsplit("/entry/", 1)[-1] if a.entry else "n/a"
        g.add((s, RDFS.label, Literal(f"{short_id(a.obligation)} ← {entry}: {a.relation}")))
        g.add((s, MVKG.assessedObligation, URIRef(a.obligation)))
        if a.entry:
            g.add((s, MVKG.coveredBy, URIRef(a.entry)))
        g.add((s, MVKG.hasRelation, MVKG["relation-" + a.relation]))
        g.add((s, MVKG.rationale, Literal(a.rationale)))
        if a.evidence:
            g.add((s, MVKG.evidence, Literal(a.evidence)))
        if a.evidence_url:
            g.add((s, MVKG.evidenceUrl, Literal(a.evidence_url, datatype=XSD.anyURI)))
        g.add((s, MVKG.assessor, Literal(a.assessor)))
        g.add((s, MVKG.assessedOn, Literal(a.date, datatype=XSD.date)))
        if a.confidence is not None:
            g.add((s, MVKG.confidence, Literal(str(a.confidence), datatype=XSD.decimal)))
        g.add((s, MVKG.method, Literal(a.method)))
        g.add((s, MVKG.reviewState, reviews[a.review]))
        if a.reviewed_by:
            g.add((s, MVKG.reviewedBy, Literal(a.reviewed_by)))
            g.add((s, MVKG.reviewedOn, Literal(a.reviewed_on, datatype=XSD.date)))
        g.add((s, MVKG.note, Literal(f"{a.file}:{a.row}")))
    return g


# ------------------------------------------------------------------ one assessment at a time


@dataclass(frozen=True)
class Stored:
    """An assessment row where it is kept."""

    path: Path
    line: int
    row: dict[str, str]

    def key(self) -> tuple[str, str]:
        return (self.row["obligation"], slugify(self.row["entry"]))

    @property
    def version(self) -> str:
        """The row's content hash: pass it back to edit, review or remove to refuse the write if
        someone changed the row meanwhile (inputs/versions.py)."""
        return row_version(self.row, ALL_COLUMNS)


def stored_assessments(ws: Workspace) -> list[Stored]:
    """Every row of data/coverage/*.csv, unchecked, in file and row order."""
    return [Stored(path, line, row) for path in ws.assessment_files() for line, row in read_table(path)]


def find(ws: Workspace, obligation: str, entry: str) -> Stored | None:
    """The stored row for (obligation short id, catalogue id; "" for not-applicable)."""
    key = (obligation, slugify(entry))
    return next((s for s in stored_assessments(ws) if s.key() == key), None)


def _what(obligation: str, entry: str) -> str:
    return f"the assessment of {obligation} ← {entry}" if entry else f"the assessment of {obligation} (not applicable)"


def _require(ws: Workspace, obligation: str, entry: str, expected_version: str | None = None) -> Stored:
    found = find(ws, obligation, entry)
    if found is None:
        check_version(_what(obligation, entry), expected_version, None, None, None)
        raise InputError(f"no {_what(obligation, entry).removeprefix('the ')}; "
                         f"`mvkg assessment list --obligation {obligation}` shows its assessments")
    return found


def _checked(row: dict[str, str], obligations: set[str], entries: set[str]) -> dict[str, str]:
    errors = _check(row, obligations, entries)
    if errors:
        raise InputError("; ".join(errors))
    return row


def _rewrite(path: Path, change) -> None:
    """Rewrite one file with `change(rows)` applied (rows in file order; a new row is appended)."""
    rows = [row for _, row in read_table(path)] if path.is_file() else []
    atomic_write(path, table_bytes(path, change(rows)))


def add(ws: Workspace, row: Mapping[str, str], obligations: set[str], entries: set[str]) -> Stored:
    """Record a new assessment (a draft) as the last row of assessments.csv, after the checks the
    CSV import makes; an assessment of the same obligation and entry already kept is an error."""
    new = _checked({**dict.fromkeys(ALL_COLUMNS, ""), **row, "review": "", "reviewed_by": "", "reviewed_on": ""},
                   obligations, entries)
    existing = find(ws, new["obligation"], new["entry"])
    if existing is not None:
        raise InputError(f"{new['obligation']} is already assessed against {new['entry'] or 'not-applicable'} "
                         f"({ws.relative(existing.path)}:{existing.line}); change it with `mvkg assessment edit`")
    path = ws.coverage_file(MAIN_FILE)
    _rewrite(path, lambda rows: [*rows, new])
    return find(ws, new["obligation"], new["entry"]) or Stored(path, 0, new)


JUDGEMENT = ("relation", "rationale", "evidence", "evidence_url", "confidence")


def _unchanged_since(found: Stored, expected_version: str | None, yours: Mapping[str, str] | None) -> None:
    """Refuse the write when the row is no longer at the version the writer read (StaleEditError
    with the row as stored and how it differs from `yours`, None for a removal)."""
    check_version(_what(found.row["obligation"], found.row["entry"]), expected_version, found.version, found.row, yours)


def edit(ws: Workspace, obligation: str, entry: str, changes: Mapping[str, str], by: str, today: str,
         obligations: set[str], entries: set[str], expected_version: str | None = None) -> Stored:
    """Change an assessment's judgement in place: the editor becomes its assessor, today its
    date, and a reviewed assessment a draft again. With `expected_version` (the `version` the
    editor read), a row changed meanwhile is not overwritten: StaleEditError."""
    unknown = set(changes) - set(JUDGEMENT)
    if unknown:
        raise InputError(f"cannot edit {sorted(unknown)}; an edit changes {', '.join(JUDGEMENT)}")
    if not changes:
        raise InputError(f"nothing to change: give one or more of {', '.join('--' + c.replace('_', '-') for c in JUDGEMENT)}")
    found = _require(ws, obligation, entry, expected_version)
    new = {**found.row, **changes, "assessor": by, "date": today, "review": "", "reviewed_by": "", "reviewed_on": ""}
    _unchanged_since(found, expected_version, new)
    _checked(new, obligations, entries)
    _rewrite(found.path, lambda rows: [new if i == _index(found, rows) else r for i, r in enumerate(rows)])
    return Stored(found.path, found.line, new)


def _index(found: Stored, rows: list[dict[str, str]]) -> int:
    return next(i for i, r in enumerate(rows) if (r["obligation"], slugify(r["entry"])) == found.key())


def remove(ws: Workspace, obligation: str, entry: str, expected_version: str | None = None) -> Stored:
    """Take an assessment out of its file (the other rows keep their order); with
    `expected_version`, only if no one changed it since it was read."""
    found = _require(ws, obligation, entry, expected_version)
    _unchanged_since(found, expected_version, None)
    _rewrite(found.path, lambda rows: [r for i, r in enumerate(rows) if i != _index(found, rows)])
    return found


def review(ws: Workspace, obligation: str, entry: str, by: str, today: str, state: str = REVIEWED,
           expected_version: str | None = None) -> Stored:
    """Mark an assessment reviewed by `by` today (or back to draft); with `expected_version`, only
    the row as the reviewer read it."""
    if state not in REVIEW_STATES:
        raise InputError(f"review state {state!r} is not one of {', '.join(REVIEW_STATES)}")
    if state == REVIEWED and not by.strip():
        raise InputError("say who reviews (--by)")
    found = _require(ws, obligation, entry, expected_version)
    reviewed = state == REVIEWED
    new = {**found.row, "review": state, "reviewed_by": by.strip() if reviewed else "",
           "reviewed_on": today if reviewed else ""}
    _unchanged_since(found, expected_version, new)
    errors = _check_review(new)
    if errors:
        raise InputError("; ".join(errors))
    _rewrite(found.path, lambda rows: [new if i == _index(found, rows) else r for i, r in enumerate(rows)])
    return Stored(found.path, found.line, new)


def listing(ws: Workspace, obligation: str | None = None, entry: str | None = None,
            review_state: str | None = None) -> list[Stored]:
    """The stored assessments, filtered by obligation short id, catalogue id and review state."""
    if review_state is not None and review_state not in REVIEW_STATES:
        raise InputError(f"review state {review_state!r} is not one of {', '.join(REVIEW_STATES)}")
    return [s for s in stored_assessments(ws)
            if (obligation is None or s.row["obligation"] == obligation)
            and (entry is None or slugify(s.row["entry"]) == slugify(entry))
            and (review_state is None or (s.row["review"] or DRAFT) == review_state)]


# ------------------------------------------------------------------ naming an obligation


@dataclass(frozen=True)
class ObligationRef:
    """How an analyst names an obligation: "ATU-MV resolves b"."""

    iri: str
    code: str
    section: str
    item: str

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.code, self.section, self.item) if p)


def _words(text: str) -> list[str]:
    return text.casefold().split()


def resolve_obligation(text: str, refs: Iterable[ObligationRef]) -> str:
    """The short id of the obligation `text` names: its short id or IRI as given, or a reference
    "CODE section item" (the section may be cut short while it stays unambiguous)."""
    text = text.strip()
    if "/" in text:
        return short_id(text) if text.startswith(("http://", "https://")) else text.strip("/")
    words, refs = _words(text), list(refs)
    exact = [r for r in refs if _words(r.label) == words]
    near = exact or [r for r in refs if len(words) >= 2 and _words(r.code) == words[:1] and _fits(r, words[1:])]
    if len(near) == 1:
        return short_id(near[0].iri)
    if not near:
        raise InputError(f"no obligation is called {text!r}; name one as `mvkg coverage` lists it "
                         "(e.g. \"ATU-MV resolves b\") or by its id (e.g. atu-mv/resolves/para_b)")
    raise InputError(f"{text!r} could be any of: {'; '.join(sorted(r.label for r in near))}")


def _fits(ref: ObligationRef, rest: list[str]) -> bool:
    item = _words(ref.item)
    if item and rest[-len(item):] != item:
        return False
    middle = rest[: len(rest) - len(item)] if item else rest
    section = _words(ref.section)
    return bool(middle) and section[: len(middle)] == middle
