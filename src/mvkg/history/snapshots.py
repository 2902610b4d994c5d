"""Compliance snapshots: immutable, content-addressed records of one compliance run.

A snapshot is a folder data/snapshots/ID/ holding
  snapshot.json   the summary: verdicts, covering entries, missing themes, figures, inputs, versions
  snapshot.trig   the same as RDF: PROV-O/DCAT metadata, the SHACL report, the verdict records
  manifest.json   sha256 of both files
It is written into a hidden temporary folder, fsynced, then renamed into place in one step,
so readers see a whole snapshot or none; a crash leaves at most a hidden .tmp-* folder, which
the next write removes (the folder itself is handled in snapshot_store).
IDs look like 20261122T054512Z-3fa9c2d81b07: the creation time and the start of the sha256
of the content. Labels are data, never part of a path."""

from __future__ import annotations

import hashlib
import platform
import re
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef

from mvkg import __version__
from mvkg.compliance.coverage import FORMULA, Coverage, coverage
from mvkg.compliance.validate import SEVERITIES, SH, VERDICTS, Validation, validate
from mvkg.graph.build import check_build_current
from mvkg.history.snapshot_store import (
    SnapshotDamaged,
    SnapshotInfo,
    SnapshotNotFound,
    SnapshotStore,
    VerifyResult,
    check_id,
    content_id,
)
from mvkg.inputs.catalogue_freshness import stale_after_days
from mvkg.kernel.audit import Journal
from mvkg.kernel.errors import InputError, check_unicode
from mvkg.kernel.files import sha256_bytes, sha256_file
from mvkg.kernel.namespaces import ID, MVKG, PREFIXES, portfolio_node, short_id
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace
from mvkg.query.named import select, solutions
from mvkg.query.sparql import term_text
from mvkg.query.store import open_read_only, to_oxigraph

# the snapshot folder's names, re-exported for callers
__all__ = ["SnapshotDamaged", "SnapshotInfo", "SnapshotNotFound", "SnapshotStore", "VerifyResult", "check_id",
           "content_id", "build_content", "create_snapshot", "default_folder", "snapshot_trig"]
PROV = Namespace("http://www.w3.org/ns/prov#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
LIBRARIES = ("rdflib", "pyoxigraph", "pyshacl", "owlready2", "python-docx", "click")
MAX_LABEL = 200


def check_label(label: str) -> str:
    """A label is text to show: at most MAX_LABEL printable characters of valid Unicode (a lone
    surrogate, such as an undecodable byte in a command-line argument, cannot be stored)."""
    if len(label) > MAX_LABEL or any(ord(ch) < 32 for ch in label):
        raise InputError(f"a label is at most {MAX_LABEL} printable characters")
    return check_unicode(label, "the label")


def default_folder(ws: Workspace) -> Path:
    return ws.snapshots_dir


# ------------------------------------------------------------------ content

def _versions(resources: Resources) -> dict[str, str]:
    out = {"mvkg": __version__, "python": platform.python_version()}
    for lib in LIBRARIES:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            out[lib] = "not installed"
    for name, path in (("ontology", resources.ontology / "mvkg.ttl"), ("shapes", resources.shapes / "compliance.ttl")):
        m = re.search(r'owl:versionInfo\s+"([^"]+)"', path.read_text(encoding="utf-8"))
        out[name] = m.group(1) if m else "unknown"
    return out


def _texts(store) -> dict[str, tuple[str, list[str], list[str]]]:
    """Each obligation's text, theme labels (sorted, as in the obligations listing) and the
    kinds of analysts' corrections applied to it."""
    def items(term) -> list[str]:
        return sorted(x for x in term_text(term).split("\u001f") if x)

    _, rows = solutions(store, "obligation_texts")
    return {term_text(o): (term_text(text), items(themes), items(corrected)) for o, text, themes, corrected in rows}


def _assessments(store) -> dict[str, dict[str, dict[str, str]]]:
    """Obligation -> covering entry's identifier ("(not applicable)" for none) -> relation and
    rationale: only what a snapshot records (the full listing, assessments.rq, takes 1.7x longer)."""
    rows = sorted((term_text(o), term_text(entry) or "(not applicable)", term_text(relation), term_text(rationale))
                  for o, entry, relation, rationale in solutions(store, "assessment_records")[1])
    out: dict[str, dict[str, dict[str, str]]] = {}
    for o, entry, relation, rationale in rows:  # sorted: entries in order, and the last of duplicates wins
        out.setdefault(o, {})[entry] = {"relation": relation, "rationale": rationale}
    return out


def build_content(ws: Workspace, resources: Resources, portfolio: str, label: str, created: datetime,
                  run: Validation | None = None) -> tuple[dict, Validation, Coverage]:
    inputs = dict(check_build_current(ws, resources))
    for path in sorted(resources.shapes.glob("*.ttl")):
        inputs[f"shapes/{path.name}"] = sha256_file(path)
    store = open_read_only(ws)  # opened once: a 'memory' store is loaded only once
    run = run or validate(ws, resources, portfolio, store=store)
    cov = coverage(resources, run)
    texts = _texts(store)
    assessed = _assessments(store)
    entries: dict[str, dict] = {}
    for row in select(store, "catalogue_status", resources):
        e = entries.setdefault(row["entry"], {"status": row["status"], "themes": []})
        if row["theme"]:
            e["themes"].append(row["theme"])
    for row in select(store, "entry_checked", resources):  # what a report needs to call a status stale
        if row["entry"] in entries:
            entries[row["entry"]]["checked"] = row["checked"]
    # the store's own dataset (GRAPH patterns over the named graphs), as the query always read it
    members = sorted(r["entry"] for r in select(store, "portfolio_member_ids", union=False,
                                                portfolio=portfolio_node(portfolio)))
    obligations: dict[str, dict] = {}
    for verdict in cov.rows:
        text, themes, corrected = texts.get(verdict.id, ("", [], []))
        obligations[short_id(verdict.id)] = {
            "id": verdict.id, "resolution": verdict.resolution, "section": verdict.section, "item": verdict.item,
            "strength": verdict.strength, "text": text, "text_sha256": sha256_bytes(text.encode("utf-8")),
            "themes": themes, "verdict": verdict.verdict, "severity": verdict.severity or None,
            "covering": [{"entry": c.entry, "relation": c.relation, "status": c.status} for c in verdict.covering],
            "missing_themes": list(verdict.missing_themes), "messages": sorted(verdict.messages),
            "assessments": assessed.get(verdict.id, {}),
            **({"corrected": corrected} if corrected else {}),
        }
    content = {
        "created": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "label": label,
        "portfolio": {"name": portfolio, "label": run.portfolio_label, "members": members},
        "versions": _versions(resources),
        "inputs": dict(sorted(inputs.items())),
        "summary": _summary(cov, run),
        "obligations": obligations,
        "entries": dict(sorted(entries.items())),
        "freshness": {"stale_after_days": stale_after_days(ws)},
    }
    head = Journal(ws).head()
    if head:  # the audit trail as it stood: `mvkg audit verify` checks the journal still holds it
        content["audit"] = {"n": head.n, "hash": head.hash}
    return content, run, cov



def _summary(cov: Coverage, run: Validation) -> dict:
    return {"coverage_percent": cov.summary.coverage_percent, "formula": FORMULA, "counts": cov.summary.counts,
            "binding": {"coverage_percent": cov.binding.coverage_percent, "counts": cov.binding.counts},
            "conforms": run.conforms, "severity_counts": run.counts()}


# ------------------------------------------------------------------ RDF

class _Quads:
    """Quads of one named graph from rdflib triples, serialised by Oxigraph (rdflib's TriG
    writer needs ~80 s for the report of a 1M-triple workspace)."""

    def __init__(self, out: list, graph: URIRef):
        self.out, self.graph = out, to_oxigraph(graph)

    def add(self, triple) -> None:
        subject, predicate, obj = (to_oxigraph(t) for t in triple)
        self.out.append(ox.Quad(subject, predicate, obj, self.graph))


def _metadata(meta: _Quads, snap: URIRef, content: dict) -> None:
    activity = URIRef(f"{snap}/run")
    meta.add((snap, RDF.type, MVKG.ComplianceSnapshot))
    meta.add((snap, RDF.type, DCAT.Dataset))
    meta.add((snap, RDF.type, PROV.Entity))
    meta.add((snap, DCTERMS.identifier, Literal(content["id"])))
    meta.add((snap, RDFS.label, Literal(content["label"] or content["id"])))
    meta.add((snap, PROV.generatedAtTime, Literal(content["created"], datatype=XSD.dateTime)))
    meta.add((snap, PROV.wasGeneratedBy, activity))
    meta.add((snap, MVKG.snapshotPortfolio, URIRef(portfolio_node(content["portfolio"]["name"]))))
    summary = content["summary"]
    if summary["coverage_percent"] is not None:
        meta.add((snap, MVKG.coveragePercent, Literal(str(summary["coverage_percent"]), datatype=XSD.decimal)))
    meta.add((snap, MVKG.formula, Literal(summary["formula"])))
    for verdict, n in summary["counts"].items():
        meta.add((snap, MVKG.verdictCount, Literal(f"{verdict}={n}")))
    meta.add((activity, RDF.type, PROV.Activity))
    meta.add((activity, PROV.endedAtTime, Literal(content["created"], datatype=XSD.dateTime)))
    for tool, version in content["versions"].items():
        meta.add((activity, MVKG.note, Literal(f"{tool} {version}")))
    for path, digest in content["inputs"].items():
        used = URIRef(f"{snap}/input/{hashlib.sha256(path.encode()).hexdigest()[:16]}")
        meta.add((activity, PROV.used, used))
        meta.add((used, RDF.type, PROV.Entity))
        meta.add((used, MVKG.fileName, Literal(path)))
        meta.add((used, MVKG.sha256, Literal(digest)))


def snapshot_trig(snapshot_id: str, content: dict, run: Validation, cov: Coverage) -> bytes:
    quads: list = []
    snap = URIRef(str(ID[f"snapshot/{snapshot_id}"]))
    _metadata(_Quads(quads, URIRef(f"{snap}/metadata")), snap, {"id": snapshot_id, **content})
    n = ox.NamedNode  # the loops below run once per obligation and per result: Oxigraph terms
    a, s = n(str(RDF.type)), n(str(snap))
    g = n(f"{snap}/verdicts")
    record, v_record, obligation, has_verdict, covering = (
        n(str(t)) for t in (MVKG.hasVerdictRecord, MVKG.VerdictRecord, MVKG.hasObligation, MVKG.hasVerdict, MVKG.coveringEntry))
    entries = {row.id: [c.iri for c in row.covering] for row in cov.rows}
    verdicts = {v: n(f"{MVKG}verdict-{v}") for v in VERDICTS}
    links = []  # the links from the snapshot and the report root come after the nodes they link to
    for key, ob in content["obligations"].items():
        rec = n(f"{snap}/verdict/{key}")
        links.append(ox.Quad(s, record, rec, g))
        quads += [ox.Quad(rec, a, v_record, g), ox.Quad(rec, obligation, n(ob["id"]), g),
                  ox.Quad(rec, has_verdict, verdicts[ob["verdict"]], g)]
        quads += [ox.Quad(rec, covering, n(iri), g) for iri in entries[ob["id"]]]
    quads += links
    g, root = n(f"{snap}/report"), n(f"{snap}/report/root")
    links = [ox.Quad(root, a, n(str(SH.ValidationReport)), g), ox.Quad(root, n(str(SH.conforms)), ox.Literal(run.conforms), g)]
    result, v_result, focus, severity, source, message = (
        n(str(t)) for t in (SH.result, SH.ValidationResult, SH.focusNode, SH.resultSeverity, SH.sourceShape, SH.resultMessage))
    severities = {name: n(str(iri)) for iri, name in SEVERITIES.items()}
    for r in run.results:
        key = hashlib.sha256("|".join((r.focus, r.shape, r.message)).encode()).hexdigest()[:16]
        node = n(f"{snap}/report/result/{key}")
        links.append(ox.Quad(root, result, node, g))
        quads += [ox.Quad(node, a, v_result, g), ox.Quad(node, focus, n(r.focus), g),
                  ox.Quad(node, severity, severities[r.severity], g), ox.Quad(node, message, ox.Literal(r.message), g)]
        if r.shape.startswith("http"):
            quads.append(ox.Quad(node, source, n(r.shape), g))
    quads += links
    prefixes = {**PREFIXES, "prov": str(PROV), "dcat": str(DCAT), "sh": str(SH)}
    # the content fixes the order (obligations and results are sorted), so equal content gives equal bytes
    data = ox.serialize(list(dict.fromkeys(quads)), format=ox.RdfFormat.TRIG, prefixes=prefixes)
    return data or b""  # bytes whenever no output file is given


def create_snapshot(ws: Workspace, resources: Resources, store: SnapshotStore, portfolio: str, label: str,
                    now: datetime | None = None) -> str:
    check_label(label)
    created = now or datetime.now(UTC)
    content, run, cov = build_content(ws, resources, portfolio, label, created)
    snapshot_id = content_id(content)
    return store.write(content, snapshot_trig(snapshot_id, content, run, cov), snapshot_id)

