"""`mvkg build`: assemble data/ and the ontology into named graphs in the embedded store."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph

from mvkg import __version__
from mvkg.graph.reasoning import Materialised, Materialiser, defined_class_types, java_available
from mvkg.graph.state import SUMMARY_KEYS, BuildState, mark_image, write_manifest
from mvkg.inputs.assessments import assessments_graph, load_assessments
from mvkg.inputs.catalogue import catalogue_graph, load_catalogue
from mvkg.inputs.corrections import corrected_entry, corrections_graph, load_corrections, stale_warnings
from mvkg.inputs.portfolios import load_portfolios, portfolio_graph
from mvkg.kernel.errors import InputError
from mvkg.kernel.files import atomic_write, fsync_dir, sha256_file
from mvkg.kernel.lexicon import Lexicon, lexicon_from_graph, load_ontology_graph
from mvkg.kernel.model import ResolutionMeta
from mvkg.kernel.namespaces import GRAPH, ONTOLOGY_GRAPH, portfolio_graph_iri, resolution_graph
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace
from mvkg.query.graphstore import GraphStore
from mvkg.query.remote import is_remote, redact
from mvkg.query.store import (
    MEMORY,
    GraphCount,
    canonical_nquads,
    clean_build_leftovers,
    graph_counts,
    remote_store,
    replace_store_dir,
)


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


def load_ontology(store: ox.Store, resources: Resources) -> dict[str, str]:
    inputs = {}
    graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
    for path in resources.ontology_files():
        try:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        except SyntaxError as exc:
            raise InputError(f"invalid Turtle: {exc}", path=path) from None
        inputs[f"ontology/{path.name}"] = sha256_file(path)
    return inputs


def load_file(store: ox.Store, path: Path, graph, *, checked: bool = False) -> None:
    """An N-Triples file into one graph. A file the import gate wrote (`checked`: it was parsed
    strictly when it came in) is read without validating its IRIs and language tags again,
    which is a quarter faster at 1M triples; its syntax is still parsed."""
    try:
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph)), lenient=checked)
    except SyntaxError as exc:
        raise InputError(f"invalid N-Triples: {exc}", path=path) from None


def check_build_current(ws: Workspace, resources: Resources) -> dict[str, str]:
    """The build's inputs, or an error naming what changed since the build."""
    return ws.check_build_current(resources.ontology_files())


Derive = Callable[[Workspace, GraphStore, Sequence[ResolutionMeta]], Graph]
"""A step that derives a graph from the assembled inputs (e.g. draft alignments), given the
workspace, the graph as built so far (every input graph; not the inferred types) and the
metadata of the resolutions."""


def add_graph(store: ox.Store, graph, name) -> None:
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(str(name)))


def reasoning_input(store: ox.Store) -> Graph:
    """The ontology and the resolutions: what the defined classes are about. The catalogue
    and assessments are checked by the SHACL data-quality shapes instead, so HermiT's cost
    does not grow with the catalogue."""
    graphs = [g for g in store.named_graphs()
              if g.value == str(ONTOLOGY_GRAPH) or g.value.startswith(str(GRAPH["resolution/"]))]
    g = Graph()
    for name in graphs:
        g.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name), format="nt")
    return g


def store_description(ws: Workspace, location: str | None) -> str:
    if location == MEMORY:
        return f"memory (image {ws.relative(ws.image_file)})"
    if location:
        return f"{redact(location)} (and {ws.relative(ws.store_dir)})"
    return ws.relative(ws.store_dir)


def build_workspace(ws: Workspace, resources: Resources, lex: Lexicon | None = None,
                    derived: Mapping[str, Derive] | None = None) -> BuildReport:
    """Build the graph from data/; `derived` maps a graph IRI to the step that fills it
    (the pipeline passes the alignment step)."""
    started = time.time()
    entries = ws.resolutions()
    portfolios = load_portfolios(ws)
    if lex is None and (entries or ws.catalogue_files() or portfolios):  # bulk RDF inputs need no lexicon
        lex = load_lexicon(resources)
    # read and check every input before writing anything
    corrections = load_corrections(ws) if lex else []
    corrected = [corrected_entry(ws, e, lex, corrections) for e in entries] if lex else []
    records = [(record, graph) for record, graph, _ in corrected]
    stale = stale_warnings(ws, corrections, (fixed for _, _, fixed in corrected))
    catalogue = load_catalogue(ws, lex) if lex else []
    obligations = {o.iri for r, _ in records for o in r.obligations}
    assessments = load_assessments(ws, obligations, catalogue)
    portfolio_graphs = {name: portfolio_graph(name, portfolios, catalogue, lex) for name in portfolios} if lex else {}
    ws.build_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="store.", suffix=".tmp", dir=ws.build_dir))
    staged_image = ws.image_file.with_name(ws.image_file.name + ".new")
    writer = ThreadPoolExecutor(max_workers=1)
    reasoner = None
    try:
        store = ox.Store()  # built in memory (loading is ~5x faster there), then written to disk once
        inputs = load_ontology(store, resources)
        for entry, (record, graph) in zip(entries, records):
            add_graph(store, graph, resolution_graph(record.slug))
            inputs[ws.relative(entry.text_path)] = record.sha256
            inputs[ws.relative(entry.meta_path)] = sha256_file(entry.meta_path)
        key = reasoning_key(inputs, store)
        reasoner = cached_reasoning(ws, key) or Materialiser(reasoning_input(store))  # in parallel
        add_graph(store, catalogue_graph(catalogue), GRAPH["catalogue"])
        add_graph(store, assessments_graph(assessments), GRAPH["coverage"])
        add_graph(store, corrections_graph(a for _, _, fixed in corrected for a in fixed.applied), GRAPH["corrections"])
        for name, graph in portfolio_graphs.items():
            add_graph(store, graph, portfolio_graph_iri(name))
        for path in ws.rdf_portfolio_files():
            if path.stem in portfolio_graphs:
                raise InputError(f"portfolio {path.stem!r} is defined twice (.json and .nt)", path=path)
            load_file(store, path, portfolio_graph_iri(path.stem))
        for extra in ws.extra_files():  # checked on import; loaded strictly, each into its own graph
            load_file(store, extra, GRAPH["extra/" + extra.stem], checked=True)
        for path in ws.data_files():
            inputs[ws.relative(path)] = sha256_file(path)
        for graph_iri, derive in (derived or {}).items():
            add_graph(store, derive(ws, store, [r.meta for r, _ in records]), graph_iri)
        defined = defined_class_types(store)
        inferred = reasoner.result()
        inferred_graph = ox.NamedNode(str(GRAPH["inferred"]))
        rdf_type = ox.NamedNode(str(RDF.type))
        store.extend(ox.Quad(ox.NamedNode(s), rdf_type, ox.NamedNode(c), inferred_graph)
                     for s, c in sorted(set(inferred.types) | set(defined)))
        counting = writer.submit(graph_counts, store)  # alongside the dump
        dump = canonical_nquads(store)
        counts = tuple(counting.result())
        # the image is written (to a staged file, fsynced) while the in-memory store is released
        # and the disk store, if any, is written: at 1M triples the two take about as long
        staged = writer.submit(atomic_write, staged_image, dump)
        settings = ws.store_settings()
        if settings.location and is_remote(settings.location):
            remote_store(settings).publish(store, str(GRAPH))
        del store
        if settings.location != MEMORY:  # the on-disk store: instant to open, ~11 s per 1M quads to write
            disk = ox.Store(str(tmp))
            disk.bulk_load(dump, format=ox.RdfFormat.N_QUADS)
            disk.flush()
            del disk
        staged.result()
    except BaseException:
        if reasoner is not None:
            reasoner.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        writer.shutdown(wait=True)
        staged_image.unlink(missing_ok=True)
        raise
    writer.shutdown()
    if settings.location == MEMORY:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(ws.store_dir, ignore_errors=True)  # no stale copy for anyone to read
    else:
        replace_store_dir(tmp, ws.store_dir)
    os.replace(staged_image, ws.image_file)
    fsync_dir(ws.build_dir)
    report = BuildReport(
        store=store_description(ws, settings.location),
        graphs=counts,
        resolutions=len(records),
        clauses=sum(len(r.clauses) for r, _ in records),
        obligations=sum(len(r.obligations) for r, _ in records),
        inputs=inputs,
        entries=len(catalogue),
        assessments=len(assessments),
        portfolios=len(portfolios),
        reasoner=inferred.engine,
        warnings=tuple(w for w in (inferred.warning, *stale) if w),
    )
    atomic_write(ws.reasoning_file, reasoning_json(key, inferred))
    summary = {k: getattr(report, k) for k in SUMMARY_KEYS}
    manifest = write_manifest(ws, resources.ontology_files(), BuildState(inputs, {g.graph: g.triples for g in counts},
                                                                         report.reasoner, summary))
    mark_image(ws, manifest)
    # what interrupted builds left behind (builds run one at a time, under the workspace lock)
    removed = clean_build_leftovers(ws, started)
    if removed:
        report = replace(report, warnings=(*report.warnings, "removed what interrupted builds left in build/: "
                                           + ", ".join(p.name for p in removed)))
    return report


def reasoning_key(inputs: dict[str, str], store: ox.Store) -> str:
    """What the reasoner's result depends on: the ontology files, the resolution graphs as
    built now (sorted N-Triples: they hold no blank nodes), mvkg's version and whether Java is
    there to run HermiT."""
    digest = hashlib.sha256(json.dumps([__version__, java_available(),
                                        sorted((k, v) for k, v in inputs.items() if k.startswith("ontology/"))]).encode())
    prefix = str(GRAPH["resolution/"])
    for graph in sorted((g for g in store.named_graphs() if g.value.startswith(prefix)), key=lambda g: g.value):
        digest.update(graph.value.encode())
        digest.update(b"\n".join(sorted((store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b"").splitlines())))
    return digest.hexdigest()


@dataclass(frozen=True)
class _Cached:
    """The reasoner's result of an earlier build with the same inputs (build/reasoning.json):
    a rebuild after a change to the catalogue, assessments or portfolios does not run HermiT."""

    materialised: Materialised

    def result(self) -> Materialised:
        return self.materialised

    def stop(self) -> None:
        return None


def reasoning_json(key: str, m: Materialised) -> bytes:
    """build/reasoning.json: the reasoner's result, the key it answers and the time it took."""
    return json.dumps({"key": key, "engine": m.engine, "warning": m.warning, "seconds": m.seconds,
                       "types": m.types}).encode("utf-8")


def cached_reasoning(ws: Workspace, key: str | None) -> _Cached | None:
    """The reasoner's kept result for `key` (None: the last result, whatever it answered)."""
    try:
        cached = json.loads(ws.reasoning_file.read_text(encoding="utf-8"))
        if key is not None and cached.get("key") != key:
            return None
        types = tuple((str(s), str(c)) for s, c in cached["types"])
        seconds = cached.get("seconds")
        return _Cached(Materialised(str(cached["engine"]), types, cached.get("warning"),
                                    None if seconds is None else float(seconds)))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no cache, or one from another version: reason again
