"""A remote SPARQL 1.1 store (query protocol + graph store protocol) behind the same small
interface mvkg uses on the embedded Oxigraph store: `query(...)` returning pyoxigraph
result objects, and `named_graphs()`. Only the standard protocols are used, so any
conforming server works (Oxigraph, Fuseki, GraphDB, Virtuoso; QLever for reading).

Locations are written `sparql+http://host:port/path` (or `sparql+https://…`): the query
endpoint is the URL without `sparql+`. The graph store endpoint (needed only by
`mvkg build` to publish) is given separately; for `oxigraph serve` it is `/store` next to
`/query`, which is the default when the query path ends in `/query`."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox

from mvkg.kernel.errors import MvkgError, WorkspaceError
from mvkg.query.named import solutions

SCHEMES = ("sparql+http://", "sparql+https://")
_RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
            "application/sparql-results+xml": ox.QueryResultsFormat.XML}
_GRAPHS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
           "application/rdf+xml": ox.RdfFormat.RDF_XML}


class RemoteError(MvkgError):
    """The remote SPARQL endpoint failed or could not be reached."""


def is_remote(location: str) -> bool:
    return location.startswith(SCHEMES)


@dataclass(frozen=True)
class Endpoint:
    query_url: str
    graph_store_url: str | None = None
    timeout: float = 300.0

    @classmethod
    def parse(cls, location: str, graph_store: str | None = None, timeout: float = 300.0) -> Endpoint:
        if not is_remote(location):
            raise WorkspaceError(f"not a remote store location: {location!r} (expected sparql+http://…)")
        url = location[len("sparql+"):]
        parts = urllib.parse.urlsplit(url)
        if not parts.hostname:
            raise WorkspaceError(f"no host in the store location {location!r}")
        if graph_store is None and parts.path.endswith("/query"):
            graph_store = url[: -len("query")] + "store"
        return cls(url, graph_store, timeout)


def _prologue(prefixes: dict[str, str] | None, base_iri: str | None) -> str:
    head = f"BASE <{base_iri}>\n" if base_iri else ""
    return head + "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or {}).items())


def _values(substitutions: dict) -> str:
    """Substitutions as a trailing VALUES block (each variable must be projected)."""
    if not substitutions:
        return ""
    names = " ".join(str(v) for v in substitutions)
    return f"\nVALUES ({names}) {{ ({' '.join(str(t) for t in substitutions.values())}) }}"


class RemoteStore:
    """Read access to a remote SPARQL endpoint, plus graph replacement for publishing."""

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint

    def _request(self, url: str, data: bytes | None, headers: dict[str, str], method: str) -> tuple[str, bytes]:
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.endpoint.timeout) as resp:
                return resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise RemoteError(f"{self.endpoint.query_url}: HTTP {exc.code}: {detail.strip()}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None

    def named_graphs(self) -> list[ox.NamedNode]:
        # the endpoint's own dataset: the union would ask this very method for the graphs
        _, rows = solutions(self, "named_graphs", union=False)
        return [g for (g,) in rows if isinstance(g, ox.NamedNode)]

    def query(self, query: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None,
              use_default_graph_as_union: bool = False, default_graph=None, named_graphs=None,
              substitutions: dict | None = None):
        text = _prologue(prefixes, base_iri) + query + _values(substitutions or {})
        form: list[tuple[str, str]] = [("query", text)]
        graphs = default_graph if default_graph is not None else (
            self.named_graphs() if use_default_graph_as_union else None)
        if isinstance(graphs, ox.NamedNode):
            graphs = [graphs]
        for g in graphs or ():
            form.append(("default-graph-uri", g.value))
        for g in named_graphs or ():
            form.append(("named-graph-uri", g.value))
        accept = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
        ctype, body = self._request(self.endpoint.query_url, urllib.parse.urlencode(form).encode("utf-8"),
                                    {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}, "POST")
        mime = ctype.split(";", 1)[0].strip().lower()
        if mime in _RESULTS:
            return ox.parse_query_results(body, format=_RESULTS[mime])
        if mime in _GRAPHS:
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=_GRAPHS[mime])]
        raise RemoteError(f"{self.endpoint.query_url} answered with an unexpected content type {ctype!r}")

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """PUT one named graph (graph store protocol): the server's copy is replaced."""
        url = self._graph_url(graph)
        self._request(url, ntriples, {"Content-Type": "application/n-triples"}, "PUT")

    def delete_graph(self, graph: str) -> None:
        self._request(self._graph_url(graph), None, {}, "DELETE")

    def publish(self, store: ox.Store, namespace: str) -> None:
        """Make the remote copy equal to `store`: every named graph replaced, and graphs
        under `namespace` that the new build no longer has deleted."""
        mine = {g.value for g in store.named_graphs()}
        for name in sorted(mine):
            self.replace_graph(name, store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)) or b"")
        for graph in self.named_graphs():
            if graph.value.startswith(namespace) and graph.value not in mine:
                self.delete_graph(graph.value)

    def _graph_url(self, graph: str) -> str:
        if not self.endpoint.graph_store_url:
            raise WorkspaceError("publishing needs the graph store endpoint of the remote store "
                                 "(graph_store = \"http://…\" in mvkg.toml)")
        return f"{self.endpoint.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}"
