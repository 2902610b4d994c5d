"""What the CLI and the UI both orchestrate, one function each: build the graph (with the
derived alignments), preview or add a resolution, take a snapshot, accept a suggestion.
Also the analysts' other writes: save a portfolio, record a review of a suggested pair.
The adapters call these and render what they return; they hold no steps of their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from mvkg.analysis.align import align, alignment_graph, load_decisions, record_decision
from mvkg.analysis.obligations import ObligationRow, list_obligations
from mvkg.analysis.suggest import accept, suggest
from mvkg.graph.build import BuildReport, build_workspace, load_lexicon
from mvkg.history.snapshots import SnapshotStore, create_snapshot
from mvkg.ingest.resolutions import Ingested, ingest_file, save_to_workspace
from mvkg.inputs.portfolios import Portfolio, check_name, save_portfolio
from mvkg.kernel.errors import InputError
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.namespaces import GRAPH, ONTOLOGY_GRAPH, resolution_graph
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace
from mvkg.query.graphstore import GraphStore


def derive_alignments(ws: Workspace, store: ox.Store, records: list) -> Graph:
    """Suggested (and reviewed) alignments for every pair of related drafts."""
    codes = {r.meta.code for r, _ in records}
    g = Graph()
    decisions = None
    done: set[tuple[str, ...]] = set()
    for record, _ in records:
        for other in record.meta.related:
            pair = tuple(sorted((record.meta.code, other)))
            if other not in codes or pair in done:
                continue
            done.add(pair)
            decisions = load_decisions(ws) if decisions is None else decisions
            for t in alignment_graph(align(store, pair[0], pair[1], decisions), pair[0], pair[1]):
                g.add(t)
    return g


def build(ws: Workspace, resources: Resources, lex: Lexicon | None = None) -> BuildReport:
    """`mvkg build`: data/ into the store, reasoning, and the alignments of related drafts."""
    return build_workspace(ws, resources, lex, derived={str(GRAPH["alignments"]): derive_alignments})


@dataclass(frozen=True)
class AddedResolution:
    ingested: Ingested
    written: tuple[Path, ...]
    report: BuildReport | None  # the rebuild, when one was asked for


def read_resolution(ws: Workspace, resources: Resources, path: Path, *, code: str | None = None,
                    overrides: dict | None = None) -> Ingested:
    """Parse a resolution file into its record and graph; nothing is written."""
    return ingest_file(path, load_lexicon(resources), ws, code=code, overrides=overrides or {})


def preview_obligations(resources: Resources, ingested: Ingested) -> list[ObligationRow]:
    """The obligations listing of a parsed resolution, from a throw-away store holding only
    the ontology and that resolution (so it reads exactly like `mvkg obligations`)."""
    store = ox.Store()
    for path in resources.ontology_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    store.load(ingested.graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(str(resolution_graph(ingested.record.slug))))
    return list_obligations(store, resources, ingested.record.meta.code)


def add_resolution(ws: Workspace, resources: Resources, ingested: Ingested, *, replace_existing: bool = False,
                   rebuild: bool = True) -> AddedResolution:
    """Save a parsed resolution into data/resolutions and (by default) rebuild the graph."""
    written = tuple(save_to_workspace(ws, ingested, replace_existing=replace_existing))
    return AddedResolution(ingested, written, build(ws, resources) if rebuild else None)


def take_snapshot(ws: Workspace, resources: Resources, folder: SnapshotStore, portfolio: str, label: str) -> str:
    """A compliance snapshot of the current build against one portfolio: its id."""
    return create_snapshot(ws, resources, folder, portfolio, label)


def accept_suggestion(ws: Workspace, store: GraphStore, obligation: str, entry: str, relation: str, by: str,
                      rationale: str = "", portfolio: str | None = None) -> Path:
    """Record one of the suggested entries for an obligation as a machine-suggested assessment,
    with the suggestion's reasons as the rationale unless one is given."""
    chosen = next((s for s in suggest(store, obligation, portfolio=portfolio, top=1000) if s.entry == entry), None)
    if chosen is None:
        raise InputError(f"{entry!r} is not among the suggestions for {obligation}")
    return accept(ws, obligation, entry, relation, by, rationale, chosen.reasons)


def create_portfolio(ws: Workspace, name: str, description: str, include: tuple[str, ...]) -> Path:
    """Save a portfolio of explicitly listed entries (data/portfolios/NAME.json); it is
    validated against once the graph is rebuilt."""
    return save_portfolio(ws, Portfolio(check_name(name), name, description, include=tuple(include)))


def review_pair(ws: Workspace, a: str, b: str, decision: str, relation: str, by: str, note: str = "") -> Path:
    """Record an analyst's review of a suggested pair (short obligation ids); the relation is
    kept only when the decision changes it."""
    return record_decision(ws, a, b, decision, relation if decision == "changed" else "", by, note)
