"""`mvkg build`: assemble data/ and the ontology into named graphs in the embedded store."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

from . import __version__
from .errors import InputError, WorkspaceError
from .assessments import assessment_files, assessments_graph, load_assessments
from .catalogue import catalogue_files, catalogue_graph, load_catalogue
from .ingest import record_from_entry
from .portfolios import load_portfolios, portfolio_dir, portfolio_graph
from .reasoning import materialise_types
from .lexicon import Lexicon, lexicon_from_graph, load_ontology_graph
from .namespaces import GRAPH, ONTOLOGY_GRAPH, portfolio_graph_iri, resolution_graph
from .resources import Resources
from .store import GraphCount, canonical_nquads, graph_counts, replace_store_dir
from .workspace import Workspace, atomic_write, sha256_file


@dataclass(frozen=True)
class BuildReport:
    store: str
    graphs: tuple[GraphCount, ...]
    resolutions: int
    clauses: int
    obligations: int
    inputs: dict[str, str]  # workspace-relative path -> sha256
    entries: int = 0
    assessments: int = 0
    portfolios: int = 0
    reasoner: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)


def load_lexicon(resources: Resources) -> Lexicon:
    return lexicon_from_graph(load_ontology_graph(resources.ontology_files()))


def _load_ontology(store: ox.Store, resources: Resources) -> dict[str, str]:
    inputs = {}
    graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
    for path in resources.ontology_files():
        try:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        except SyntaxError as exc:
            raise InputError(f"invalid Turtle: {exc}", path=path) from None
        inputs[f"ontology/{path.name}"] = sha256_file(path)
    return inputs


def extra_files(ws: Workspace) -> list[Path]:
    folder = ws.data / "extra"
    return sorted(folder.glob("*.nt")) if folder.is_dir() else []


def data_files(ws: Workspace) -> list[Path]:
    """The workspace files besides the resolutions that a build reads."""
    decisions = ws.data / "alignments" / "decisions.csv"
    return [*catalogue_files(ws), *assessment_files(ws), *sorted(portfolio_dir(ws).glob("*.json")),
            *([decisions] if decisions.is_file() else []), *extra_files(ws)]


def current_inputs(ws: Workspace, resources: Resources) -> dict[str, str]:
    """sha256 of every input a build reads, as it is on disk now (same keys as the manifest)."""
    out = {f"ontology/{p.name}": sha256_file(p) for p in resources.ontology_files()}
    for entry in ws.resolutions():
        out[ws.relative(entry.text_path)] = sha256_file(entry.text_path)
        out[ws.relative(entry.meta_path)] = sha256_file(entry.meta_path)
    out.update({ws.relative(p): sha256_file(p) for p in data_files(ws)})
    return out


def built_inputs(ws: Workspace) -> dict[str, str]:
    path = ws.build_dir / "manifest.json"
    if not path.is_file():
        raise WorkspaceError("no build manifest; run `mvkg build` first")
    return json.loads(path.read_text(encoding="utf-8"))["inputs"]


def check_build_current(ws: Workspace, resources: Resources) -> dict[str, str]:
    """The build's inputs, or an error naming what changed since the build."""
    built, now = built_inputs(ws), current_inputs(ws, resources)
    changed = sorted(k for k in set(built) | set(now) if built.get(k) != now.get(k))
    if changed:
        raise WorkspaceError(f"the build is out of date ({', '.join(changed[:5])}"
                             f"{' …' if len(changed) > 5 else ''} changed since); run `mvkg build` first")
    return built


def _alignments(ws: Workspace, store: ox.Store, records) -> Graph:
    """Suggested (and reviewed) alignments for every pair of related drafts."""
    from .align import align, alignment_graph, load_decisions

    decisions = load_decisions(ws)
    codes = {r.meta.code for r, _ in records}
    g = Graph()
    done = set()
    for record, _ in records:
        for other in record.meta.related:
            pair = tuple(sorted((record.meta.code, other)))
            if other in codes and pair not in done:
                done.add(pair)
                for t in alignment_graph(align(store, *pair, decisions), *pair):
                    g.add(t)
    return g


def _add_graph(store: ox.Store, graph, name) -> None:
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(str(name)))


def _reasoning_input(store: ox.Store) -> Graph:
    """The ontology and the resolutions: what the defined classes are about. The catalogue
    and assessments are checked by the SHACL data-quality shapes instead, so HermiT's cost
    does not grow with the catalogue."""
    q = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER (?g = <{ONTOLOGY_GRAPH}> || STRSTARTS(STR(?g), "{GRAPH['resolution/']}")) }}"""
    g = Graph()
    g.parse(data="".join(f"{t} .\n" for t in store.query(q)), format="nt")
    return g


def build_workspace(ws: Workspace, resources: Resources, lex: Lexicon | None = None) -> BuildReport:
    lex = lex or load_lexicon(resources)
    entries = ws.resolutions()
    # read and check every input before writing anything
    records = [record_from_entry(ws, e, lex) for e in entries]
    catalogue = load_catalogue(ws, lex)
    obligations = {o.iri for r, _ in records for o in r.obligations}
    assessments = load_assessments(ws, obligations, catalogue)
    portfolios = load_portfolios(ws)
    portfolio_graphs = {name: portfolio_graph(name, portfolios, catalogue, lex) for name in portfolios}
    ws.build_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="store.", suffix=".tmp", dir=ws.build_dir))
    try:
        store = ox.Store(str(tmp))
        inputs = _load_ontology(store, resources)
        for entry, (record, graph) in zip(entries, records):
            _add_graph(store, graph, resolution_graph(record.slug))
            inputs[ws.relative(entry.text_path)] = record.sha256
            inputs[ws.relative(entry.meta_path)] = sha256_file(entry.meta_path)
        _add_graph(store, catalogue_graph(catalogue), GRAPH["catalogue"])
        _add_graph(store, assessments_graph(assessments), GRAPH["coverage"])
        for name, graph in portfolio_graphs.items():
            _add_graph(store, graph, portfolio_graph_iri(name))
        for extra in extra_files(ws):  # checked on import; loaded strictly, each into its own graph
            store.load(path=str(extra), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(GRAPH["extra/" + extra.stem])))
        for path in data_files(ws):
            inputs[ws.relative(path)] = sha256_file(path)
        _add_graph(store, _alignments(ws, store, records), GRAPH["alignments"])
        inferred = materialise_types(_reasoning_input(store))
        inferred_g = Graph()
        for s, c in inferred.types:
            inferred_g.add((URIRef(s), RDF.type, URIRef(c)))
        _add_graph(store, inferred_g, GRAPH["inferred"])
        store.optimize()
        counts = tuple(graph_counts(store))
        dump = canonical_nquads(store)
        store.flush()
        del store
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    replace_store_dir(tmp, ws.store_dir)
    atomic_write(ws.build_dir / "mvkg.nq", dump)
    report = BuildReport(
        store=ws.relative(ws.store_dir),
        graphs=counts,
        resolutions=len(records),
        clauses=sum(len(r.clauses) for r, _ in records),
        obligations=sum(len(r.obligations) for r, _ in records),
        inputs=inputs,
        entries=len(catalogue),
        assessments=len(assessments),
        portfolios=len(portfolios),
        reasoner=inferred.engine,
        warnings=tuple(w for w in (inferred.warning,) if w),
    )
    manifest = {"mvkg_version": __version__, "triples": report.triples, "reasoner": report.reasoner,
                "graphs": {g.graph: g.triples for g in counts}, "inputs": inputs}
    atomic_write(ws.build_dir / "manifest.json", json.dumps(manifest, indent=2).encode("utf-8"))
    return report
