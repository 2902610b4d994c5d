"""What the CLI and the UI both orchestrate, one function each: build the graph (with the
derived alignments), preview or add a resolution, take a snapshot, accept a suggestion.
Also the analysts' other writes: save a portfolio, record a review of a suggested pair.
The adapters call these and render what they return; they hold no steps of their own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from mvkg.analysis.align import align, alignment_graph, load_decisions, record_decision
from mvkg.analysis.obligations import ObligationRow, list_obligations
from mvkg.analysis.suggest import accept, suggest
from mvkg.graph.build import BuildReport, build_workspace, load_lexicon
from mvkg.history.snapshots import SnapshotStore, create_snapshot
from mvkg.ingest.readers import READABLE
from mvkg.ingest.resolutions import (
    Ingested,
    IngestWarning,
    ingest_file,
    ingest_warnings,
    save_many,
    save_to_workspace,
)
from mvkg.inputs.catalogue import load_catalogue
from mvkg.inputs.corrections import Correction, add_correction, correction_status, remove_correction
from mvkg.inputs.portfolios import Portfolio, check_name, load_portfolios, members, save_portfolio
from mvkg.kernel.errors import InputError
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.namespaces import GRAPH, ONTOLOGY_GRAPH, resolution_graph
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace, atomic_write
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


def resolution_files(paths: Sequence[Path]) -> list[Path]:
    """The files to ingest: each file given, and the readable files of each folder given."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in READABLE)
            if not found:
                raise InputError(f"no resolution files ({', '.join(READABLE)}) in the folder", path=path)
            out += found
        else:
            out.append(path)
    return out


@dataclass(frozen=True)
class Batch:
    ingested: tuple[Ingested, ...]
    warnings: tuple[IngestWarning, ...]


def read_resolutions(ws: Workspace, resources: Resources, paths: Sequence[Path], *, overrides: dict | None = None,
                     progress: Callable[[int, Path], None] | None = None) -> Batch:
    """Parse several files; the first one that cannot be read stops the batch (nothing is written)."""
    lex = load_lexicon(resources)
    done, warnings = [], []
    for n, path in enumerate(paths, start=1):
        if progress is not None:
            progress(n, path)
        ingested = ingest_file(path, lex, ws, overrides=overrides or {})
        done.append(ingested)
        warnings += ingest_warnings(ingested, str(path))
    return Batch(tuple(done), tuple(warnings))


def add_resolutions(ws: Workspace, batch: Sequence[Ingested], *, replace_existing: bool = False) -> tuple[Path, ...]:
    """Store several parsed resolutions as one change of the workspace."""
    return tuple(save_many(ws, list(batch), replace_existing=replace_existing))


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


@dataclass(frozen=True)
class CreatedPortfolio:
    path: Path
    size: int  # entries it selects now


def create_portfolio(ws: Workspace, resources: Resources, name: str, *, label: str | None = None, description: str = "",
                     base: str | None = None, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> CreatedPortfolio:
    """Save a portfolio (data/portfolios/NAME.json): another portfolio's members (`base`), plus
    and minus explicit ids. Its members are worked out before anything is written, so an
    unknown base or id is an error and the workspace is unchanged."""
    lex = load_lexicon(resources)
    p = Portfolio(name=check_name(name), label=label or name, description=description, base=base,
                  include=tuple(include), exclude=tuple(exclude))
    size = len(members(p.name, {**load_portfolios(ws), p.name: p}, load_catalogue(ws, lex), lex))
    return CreatedPortfolio(save_portfolio(ws, p), size)


def review_pair(ws: Workspace, a: str, b: str, decision: str, relation: str, by: str, note: str = "") -> Path:
    """Record an analyst's review of a suggested pair (short obligation ids); `relation` is the
    corrected relation, or empty to keep the suggested one."""
    return record_decision(ws, a, b, decision, relation, by, note)


@dataclass(frozen=True)
class CorrectionChange:
    correction: Correction
    report: BuildReport  # the graph rebuilt with the change


def correct_obligation(ws: Workspace, resources: Resources, obligation: str, kind: str, value: str, *, why: str,
                       by: str, at: str) -> CorrectionChange:
    """Record an analyst's correction of an extracted obligation and bring the graph up to date."""
    lex = load_lexicon(resources)
    return _rebuilt(ws, resources, lambda: add_correction(ws, lex, obligation, kind, value, why=why, by=by, at=at), lex)


def withdraw_correction(ws: Workspace, resources: Resources, line: int) -> CorrectionChange:
    """Remove a stored correction (by its line in the corrections file) and bring the graph up to date."""
    return _rebuilt(ws, resources, lambda: remove_correction(ws, line))


def _rebuilt(ws: Workspace, resources: Resources, change: Callable[[], Correction],
             lex: Lexicon | None = None) -> CorrectionChange:
    """A change of the corrections file and the rebuild it needs, as one step: when the
    rebuild refuses the workspace, the file is put back as it was."""
    path = ws.corrections_file
    old = path.read_bytes() if path.is_file() else None
    done = change()
    try:
        return CorrectionChange(done, build(ws, resources, lex))
    except BaseException:
        if old is None:
            path.unlink(missing_ok=True)
        else:
            atomic_write(path, old)
        raise


def corrections(ws: Workspace, resources: Resources) -> list[tuple[Correction, bool]]:
    """The stored corrections and whether each still finds its obligation."""
    return correction_status(ws, load_lexicon(resources))
