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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from mvkg.ingest.rdf import new_graph
from mvkg.inputs.catalogue import Entry, entry_iri
from mvkg.inputs.csvtable import Problem, TableError, read_rows
from mvkg.kernel.namespaces import ID, MVKG, obligation_iri, short_id, slugify
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace

COLUMNS = ("obligation", "entry", "relation", "rationale", "evidence", "evidence_url", "assessor", "date",
           "confidence", "method")
RELATIONS = VOCABULARY.relations.notations
METHODS = VOCABULARY.methods.notations
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

    @property
    def iri(self) -> str:
        short = short_id(self.obligation)
        tail = slugify(self.entry.rsplit("/entry/", 1)[-1]) if self.entry else "not-applicable"
        return str(ID[f"assessment/{short}/{tail}"])


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
    return errors


def load_assessments(ws: Workspace, obligations: set[str], entries: list[Entry]) -> list[Assessment]:
    known = {e.iri for e in entries}
    out: list[Assessment] = []
    seen: dict[str, tuple[str, int]] = {}
    for path in ws.assessment_files():
        label = ws.relative(path)
        problems = []
        for line, row in read_rows(path, COLUMNS):
            errors = _check(row, obligations, known)
            if errors:
                problems += [Problem(line, e) for e in errors]
                continue
            a = Assessment(
                obligation=obligation_iri(row["obligation"]),
                entry=entry_iri(row["entry"]) if row["entry"] else None,
                relation=row["relation"], rationale=row["rationale"], evidence=row["evidence"],
                evidence_url=row["evidence_url"], assessor=row["assessor"], date=row["date"],
                confidence=float(row["confidence"]) if row["confidence"] else None,
                method=row["method"] or "manual", file=label, row=line)
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
    for a in assessments:
        s = URIRef(a.iri)
        g.add((s, RDF.type, MVKG.CoverageAssessment))
        entry = a.entry.rsplit("/entry/", 1)[-1] if a.entry else "n/a"
        g.add((s, RDFS.label, Literal(f"{short_id(a.obligation)} ← {entry}: {a.relation}")))
        g.add((s, MVKG.assessedObligation, URIRef(a.obligation)))
        if a.entry:
            g.add((s, MVKG.coveredBy, URIRef(a.entry)))
        g.add((s, MVKG.relation, MVKG["relation-" + a.relation]))
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
        g.add((s, MVKG.note, Literal(f"{a.file}:{a.row}")))
    return g
