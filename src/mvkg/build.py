"""`mvkg build`: assemble data/ and the ontology into named graphs in the embedded store."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .errors import InputError
from .ingest import record_from_entry
from .lexicon import Lexicon, lexicon_from_graph, load_ontology_graph
from .namespaces import ONTOLOGY_GRAPH, resolution_graph
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


def build_workspace(ws: Workspace, resources: Resources, lex: Lexicon | None = None) -> BuildReport:
    lex = lex or load_lexicon(resources)
    entries = ws.resolutions()
    records = [record_from_entry(ws, e, lex) for e in entries]  # parse all before writing anything
    ws.build_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="store.", suffix=".tmp", dir=ws.build_dir))
    store = ox.Store(str(tmp))
    inputs = _load_ontology(store, resources)
    for entry, (record, graph) in zip(entries, records):
        data = graph.serialize(format="nt", encoding="utf-8")
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(resolution_graph(record.slug))))
        inputs[ws.relative(entry.text_path)] = record.sha256
        inputs[ws.relative(entry.meta_path)] = sha256_file(entry.meta_path)
    store.optimize()
    counts = tuple(graph_counts(store))
    dump = canonical_nquads(store)
    store.flush()
    del store
    replace_store_dir(tmp, ws.store_dir)
    atomic_write(ws.build_dir / "mvkg.nq", dump)
    report = BuildReport(
        store=ws.relative(ws.store_dir),
        graphs=counts,
        resolutions=len(records),
        clauses=sum(len(r.clauses) for r, _ in records),
        obligations=sum(len(r.obligations) for r, _ in records),
        inputs=inputs,
    )
    manifest = {"mvkg_version": __version__, "triples": report.triples,
                "graphs": {g.graph: g.triples for g in counts}, "inputs": inputs}
    atomic_write(ws.build_dir / "manifest.json", json.dumps(manifest, indent=2).encode("utf-8"))
    return report
