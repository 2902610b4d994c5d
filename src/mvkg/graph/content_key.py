"""Keys for what a reader of the built graph depends on, finer than the whole build: a write
changes build/manifest.json (and so the build key every cached read is keyed by), but most of
what a page shows after it reads only part of the build. Saving a what-if as a new portfolio
leaves the verdicts of every other portfolio as they were; recording an assessment leaves the
catalogue and the portfolios' members. Keyed by these, a server keeps what it worked out for
the parts a write did not touch (the UI's caches: mvkg.ui.data).

Each key is a sha256 over the manifest's records of the inputs the reader depends on (their
sha256), and for a judgement of one portfolio, over what the build holds that no input file
says alone: the inferred graph and that portfolio's own graph, read from the store."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

import pyoxigraph as ox

from mvkg.kernel.files import sha256_bytes
from mvkg.kernel.namespaces import GRAPH, portfolio_graph_iri
from mvkg.kernel.workspace import Workspace
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import construct
from mvkg.query.store import DataView

PORTFOLIO_INPUTS = "data/portfolios/"
PORTFOLIO_GRAPHS = str(GRAPH["portfolio/"])
INFERRED = str(GRAPH["inferred"])
CATALOGUE = ("data/catalogue/", "ontology/")  # the catalogue: its files, read with the lexicon of the ontology
PORTFOLIOS = (*CATALOGUE, PORTFOLIO_INPUTS)  # the portfolios and their members


def manifest_of(ws: Workspace, key: str) -> dict | None:
    """The build manifest whose sha256 is `key` (the build key), or None if the build has
    moved on since (a write committed meanwhile): then nothing finer than the key holds."""
    try:
        data = ws.manifest_file.read_bytes()
    except OSError:
        return None
    return json.loads(data) if sha256_bytes(data) == key else None


def inputs_key(manifest: dict, prefixes: Iterable[str]) -> str:
    """The sha256 of the inputs under `prefixes` as the build read them (names and sha256)."""
    chosen = tuple(prefixes)
    picked = sorted((path, digest) for path, digest in manifest.get("inputs", {}).items() if path.startswith(chosen))
    return _digest(json.dumps({"prefixes": chosen, "inputs": picked, "version": manifest.get("mvkg_version")}))


def view_key(manifest: dict, store: GraphStore, portfolio: str) -> str:
    """The sha256 of what a judgement of `portfolio` reads from the build (`store`, built as
    `manifest` says): every input but the portfolio files, the graphs but the portfolio graphs
    (their sizes), whether reasoning is pending, the inferred graph and the portfolio's own
    graph (its members and label), both read from the store. Two builds with the same key
    give the portfolio the same verdicts, messages, explanations and tallies."""
    kept = {k: v for k, v in manifest.items() if k not in ("inputs", "graphs", "summary", "stats", "triples")}
    kept["inputs"] = sorted((p, d) for p, d in manifest.get("inputs", {}).items() if not p.startswith(PORTFOLIO_INPUTS))
    kept["graphs"] = sorted((g, n) for g, n in manifest.get("graphs", {}).items() if not g.startswith(PORTFOLIO_GRAPHS))
    kept["summary"] = sorted((k, v) for k, v in manifest.get("summary", {}).items() if k != "portfolios")
    digest = hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode())
    for graph in (INFERRED, str(portfolio_graph_iri(portfolio))):
        digest.update(b"\0graph " + graph.encode() + b"\n")
        digest.update(b"\n".join(sorted(_lines(store, graph))))
    return digest.hexdigest()


def _lines(store: GraphStore, graph: str) -> list[bytes]:
    """The graph's triples, one N-Triples line each (Oxigraph's own dump when it is an Oxigraph
    store: a large inferred graph is read once per build, not triple by triple in Python)."""
    node = ox.NamedNode(graph)
    if isinstance(store, ox.Store):
        return (store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node) or b"").splitlines()
    return [f"{t.subject} {t.predicate} {t.object} .".encode() for t in construct(DataView(store, (node,)), "all_triples")]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
