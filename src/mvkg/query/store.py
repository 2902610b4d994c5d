"""The embedded store: Oxigraph (pyoxigraph) on disk under build/store.

Measured on this kind of machine, Oxigraph loads Turtle ~25x faster than rdflib and answers
analyst queries 50-5000x faster, so it is the query engine; rdflib stays the API where
libraries need it (pyshacl, owlready2 export)."""

from __future__ import annotations

import bisect
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import XSD, BNode, Dataset, URIRef
from rdflib.compare import to_canonical_graph

from mvkg.kernel.errors import WorkspaceError
from mvkg.kernel.namespaces import GRAPH, PREFIXES, portfolio_graph_iri, portfolio_node
from mvkg.kernel.workspace import StoreSettings, Workspace
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import construct, select
from mvkg.query.remote import Credentials, Endpoint, RemoteStore, is_remote


@dataclass(frozen=True)
class GraphCount:
    graph: str
    triples: int


MEMORY = "memory"  # the store location that keeps the graph in memory, loaded from build/mvkg.nq


def store_location(ws: Workspace) -> str:
    """What a child process needs to open the same store: a folder, `memory:` and the
    image file, or a sparql+http URL."""
    location = ws.store_settings().location
    if location == MEMORY:
        return f"{MEMORY}:{ws.image_file}"
    return location or str(ws.store_dir)


def open_location(location: str, endpoint: dict | None = None):
    """`endpoint`: a remote store's settings as Endpoint.to_json gave them (in a query process)."""
    if is_remote(location):
        return RemoteStore(Endpoint.from_json(endpoint) if endpoint else Endpoint.parse(location))
    if location.startswith(MEMORY + ":"):
        return load_image(Path(location[len(MEMORY) + 1:]))
    return ox.Store.read_only(location)


def remote_store(settings: StoreSettings) -> RemoteStore:
    if settings.location is None:
        raise WorkspaceError("no remote store is configured")
    in_settings = Credentials(settings.user, settings.password, settings.token)
    return RemoteStore(Endpoint.parse(settings.location, settings.graph_store, settings.timeout, in_settings,
                                      settings.max_response_mb))


def load_image(path: Path) -> ox.Store:
    """An in-memory store from the build's N-Quads image (Oxigraph loads ~1M quads in 2 s)."""
    if not path.is_file():
        raise WorkspaceError("no built graph; run `mvkg build` first", path=path)
    store = ox.Store()
    # lenient: the image is Oxigraph's own output from a checked build, so IRI and language
    # tag validation is skipped (1.9 s instead of 2.5 s per 1M quads)
    try:
        store.load(path=str(path), format=ox.RdfFormat.N_QUADS, lenient=True)
    except (SyntaxError, OSError) as exc:
        raise WorkspaceError(f"the built graph is unreadable ({exc}); run `mvkg build` again", path=path) from None
    return store


def open_read_only(ws: Workspace):
    """The built graph, read-only: the embedded on-disk store (default), the same in memory
    (location "memory"), or a remote SPARQL endpoint; all answer `query` and
    `named_graphs` alike."""
    settings = ws.store_settings()
    if settings.location == MEMORY:
        return load_image(ws.image_file)
    if settings.location:
        remote = remote_store(settings)
        return remote.copy() if settings.evaluate == "local" else remote
    if not (ws.store_dir / "CURRENT").exists():
        raise WorkspaceError(
            f"no built graph in {ws.relative(ws.store_dir)}; run `mvkg build` first",
        )
    try:
        return ox.Store.read_only(str(ws.store_dir))
    except OSError as exc:
        raise WorkspaceError(f"cannot open the built store: {exc}", path=ws.store_dir) from None


def to_oxigraph(term):
    """An rdflib term as an Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def graph_counts(store: ox.Store) -> list[GraphCount]:
    return [GraphCount(row["g"], int(row["n"])) for row in select(store, "graph_counts", union=False)]


def canonical_nquads(store: ox.Store) -> bytes:
    """All quads, sorted, blank nodes relabelled canonically (they occur only in the
    ontology's OWL class expressions): identical inputs give byte-identical dumps. Oxigraph
    serialises the whole store once; the few lines holding a blank node are found by searching
    the dump for "_:" (not by testing a million lines one by one), taken out of the sorted
    lines by bisection, and only they go through rdflib's canonicalisation."""
    dump = store.dump(format=ox.RdfFormat.N_QUADS) or b""
    lines = dump.splitlines()
    lines.sort()
    blank: list[bytes] = []
    at = dump.find(b"_:")
    while at >= 0:
        end = dump.find(b"\n", at)
        end = len(dump) if end < 0 else end
        blank.append(dump[dump.rfind(b"\n", 0, at) + 1 : end])
        at = dump.find(b"_:", end)
    del dump
    for line in blank:
        del lines[bisect.bisect_left(lines, line)]
    canonical = Dataset()
    if blank:
        canonical.parse(data=b"\n".join(blank).decode("utf-8"), format="nquads")
    extra = [f"{s.n3()} {p.n3()} {o.n3()} {part.identifier.n3()} .".encode()
             for part in canonical.graphs() if len(part) for s, p, o in to_canonical_graph(part)]
    for line in sorted(extra):
        bisect.insort(lines, line)
    lines.append(b"")  # the final line break, without copying the whole image again
    return b"\n".join(lines)


def replace_store_dir(new_dir: Path, target: Path) -> None:
    """Swap a freshly built store in place of the old one (old removed after the swap)."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new_dir.rename(target)
    if old.exists():
        shutil.rmtree(old)


def build_leftovers(ws: Workspace, before: float) -> list[Path]:
    """What interrupted builds left in build/ and last changed before `before` (a time.time();
    a build running alongside keeps what it is writing): staged stores (store.*.tmp), a store
    being swapped out (store.old), a staged image (mvkg.nq.new) and the temporary files of
    atomic writes (.NAME.*.tmp)."""
    if not ws.build_dir.is_dir():
        return []
    store, image = ws.store_dir.name, ws.image_file.name
    patterns = (f"{store}.*.tmp", f"{store}.old", f"{image}.new", ".*.tmp")
    found = {p for pattern in patterns for p in ws.build_dir.glob(pattern)}
    return sorted(p for p in found if p.lstat().st_mtime < before)


def clean_build_leftovers(ws: Workspace, before: float) -> list[Path]:
    """Remove build_leftovers(ws, before); returns what was removed (a build calls this once it
    has succeeded, with the time it started, and says what it removed)."""
    removed = build_leftovers(ws, before)
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return removed


@dataclass(frozen=True)
class DataView:
    """A dataset seen through one default graph: the union of `graphs` of `store` (None:
    the store's own default graph, as in an in-memory copy). A validation runs on the data
    graphs plus exactly one portfolio graph, without copying anything; `portfolio` is then
    that portfolio's node.

    With `union`, queries read the union of all the store's graphs instead: one index
    lookup per pattern rather than one per graph (2.1x faster at 1M triples with 7 graphs),
    but the other portfolios (`hidden`) are visible too; only `validate.scoped` makes such
    views, where it can show the results are the same. `exact()` is always the list."""

    store: GraphStore  # the embedded or in-memory Oxigraph store, or a RemoteStore
    graphs: tuple[ox.NamedNode, ...] | None = None
    portfolio: str | None = None
    union: bool = False
    hidden: frozenset[str] = frozenset()

    def query(self, query: str, **kw):
        kw.setdefault("prefixes", dict(PREFIXES))
        kw.pop("use_default_graph_as_union", None)  # the view decides what the default graph is
        if self.union:
            kw["use_default_graph_as_union"] = True
        elif self.graphs is not None:
            kw["default_graph"] = list(self.graphs)
        return self.store.query(query, **kw)

    def named_graphs(self):
        return self.store.named_graphs()

    def exact(self) -> DataView:
        return replace(self, union=False, hidden=frozenset())


def memory_copy(view: DataView) -> DataView:
    """A private, writable in-memory copy of what the view sees (all in its default graph)."""
    memory = ox.Store()
    memory.extend(ox.Quad(t.subject, t.predicate, t.object)
                  for t in construct(view.exact(), "all_triples"))
    return DataView(memory, portfolio=view.portfolio)


def portfolio_view(store, portfolio: str) -> DataView:
    """Every named graph except the portfolio graphs, plus the named portfolio's graph."""
    prefix = str(GRAPH["portfolio/"])
    graphs = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and not g.value.startswith(prefix)]
    chosen = ox.NamedNode(str(portfolio_graph_iri(portfolio)))
    return DataView(store, tuple(sorted(graphs, key=lambda g: g.value)) + (chosen,), portfolio_node(portfolio))
