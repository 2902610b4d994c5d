"""A remote SPARQL 1.1 store (query protocol + graph store protocol) behind the same small
interface mvkg uses on the embedded Oxigraph store: `query(...)` returning pyoxigraph
result objects, and `named_graphs()`. Only the standard protocols are used, so any
conforming server works (tested: Oxigraph and Virtuoso; Fuseki, GraphDB, QLever for reading).

Locations are written `sparql+http://host:port/path` (or `sparql+https://…`): the query
endpoint is the URL without `sparql+`. The graph store endpoint (needed only by
`mvkg build` to publish) is given separately; for `oxigraph serve` it is `/store` next to
`/query`, which is the default when the query path ends in `/query`.

An endpoint is untrusted input: its answer is read up to a size cap and a deadline, XML
answers that declare a DOCTYPE or entities are refused unparsed (Oxigraph's RDF/XML parser
expands internal entities: a "billion laughs" answer would exhaust memory), and every answer
is parsed completely here, so a malformed one is a RemoteError, never a traceback later.
Credentials (see `remote_auth`) travel in headers only and never appear in a message."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import cast

import pyoxigraph as ox

from mvkg.kernel.errors import MvkgError, WorkspaceError
from mvkg.kernel.namespaces import GRAPH
from mvkg.query.named import construct, solutions
from mvkg.query.remote_auth import Authenticator, Credentials, redact, split_userinfo

SCHEMES = ("sparql+http://", "sparql+https://")
DEFAULT_MAX_RESPONSE_MB = 256
_RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
            "application/sparql-results+xml": ox.QueryResultsFormat.XML}
_GRAPHS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
           "application/rdf+xml": ox.RdfFormat.RDF_XML}
_XML = {"application/sparql-results+xml", "application/rdf+xml"}
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_ASK_COLUMN = "__ASK_RETVAL"  # Virtuoso 7 answers ASK with a one-row result set of this variable
_CHUNK = 1 << 20
_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_NOT_KEYWORDS = re.compile(r"<[^>\s]*>|#[^\n]*")  # IRIs and comments, which may hold the words below
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)

__all__ = ["SCHEMES", "Credentials", "Endpoint", "RemoteError", "RemoteStore", "is_remote", "redact"]


class RemoteError(MvkgError):
    """The remote SPARQL endpoint failed, could not be reached, or gave an unusable answer."""


def is_remote(location: str) -> bool:
    return location.startswith(SCHEMES)


@dataclass(frozen=True)
class Endpoint:
    query_url: str  # without credentials: safe to print
    graph_store_url: str | None = None
    timeout: float = 300.0
    credentials: Credentials = field(default_factory=Credentials, repr=False)
    max_response_mb: int = DEFAULT_MAX_RESPONSE_MB

    @classmethod
    def parse(cls, location: str, graph_store: str | None = None, timeout: float = 300.0,
              settings: Credentials | None = None, max_response_mb: int = DEFAULT_MAX_RESPONSE_MB) -> Endpoint:
        """`settings`: credentials from the workspace's settings file. Credentials in the URL
        come first, then the environment (MVKG_STORE_USER / _PASSWORD / _TOKEN), then these."""
        if not is_remote(location):
            raise WorkspaceError(f"not a remote store location: {redact(location)!r} (expected sparql+http://…)")
        url, in_url = split_userinfo(location[len("sparql+"):])
        parts = urllib.parse.urlsplit(url)
        if not parts.hostname:
            raise WorkspaceError(f"no host in the store location {redact(location)!r}")
        if graph_store is not None:
            graph_store, in_store_url = split_userinfo(graph_store)
            in_url = in_url or in_store_url
        elif parts.path.endswith("/query"):
            graph_store = url[: -len("query")] + "store"
        credentials = Credentials.resolve(in_url, settings)
        return cls(url, graph_store, timeout, credentials, max_response_mb)

    def to_json(self) -> dict:
        """For a query process, through its stdin pipe (credentials included)."""
        return {**asdict(self), "credentials": asdict(self.credentials)}

    @classmethod
    def from_json(cls, data: dict) -> Endpoint:
        return cls(**{**data, "credentials": Credentials(**data["credentials"])})


def _prologue(prefixes: dict[str, str] | None, base_iri: str | None) -> str:
    head = f"BASE <{base_iri}>\n" if base_iri else ""
    return head + "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or {}).items())


def _values(substitutions: dict) -> str:
    """Substitutions as a trailing VALUES block (each variable must be projected)."""
    if not substitutions:
        return ""
    names = " ".join(str(v) for v in substitutions)
    return f"\nVALUES ({names}) {{ ({' '.join(str(t) for t in substitutions.values())}) }}"


def _form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword after the prologue."""
    match = _FORM.search(_NOT_KEYWORDS.sub(" ", query))
    return match.group(1).upper() if match else "SELECT"


@dataclass(frozen=True)
class Solutions:
    """A SELECT answer, parsed completely: iterates its solutions like pyoxigraph's
    QuerySolutions (each solution indexable by variable and iterable in column order)."""

    variables: list[ox.Variable]
    rows: list[ox.QuerySolution]

    def __iter__(self) -> Iterator[ox.QuerySolution]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class RemoteStore:
    """Read access to a remote SPARQL endpoint, plus graph replacement for publishing. Its
    dataset is the graphs mvkg publishes (under https://w3id.org/mvkg/graph/): a server's
    own graphs (Virtuoso's system graphs) and other datasets on it are not part of it."""

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        self._auth = Authenticator(endpoint.credentials)
        self._graphs: list[ox.NamedNode] | None = None
        self._open = urllib.request.build_opener().open

    def _request(self, url: str, data: bytes | None, headers: dict[str, str], method: str) -> tuple[str, bytearray]:
        """One request; with credentials, repeated once after the server's challenge."""
        for attempt in (1, 2):
            req = urllib.request.Request(url, data=data, headers=headers, method=method)
            self._auth.authorize(req)
            deadline = time.monotonic() + self.endpoint.timeout
            try:
                with self._open(req, timeout=self.endpoint.timeout) as resp:
                    return resp.headers.get("Content-Type", ""), self._read(resp, url, deadline)
            except urllib.error.HTTPError as exc:
                if exc.code == 401 and attempt == 1 and self._auth.learn(url, exc.headers.get_all("WWW-Authenticate") or []):
                    continue
                detail = " ".join(exc.read(2000).decode("utf-8", "replace").split())[:300]
                hint = " (the endpoint wants credentials: see \"Remote stores\" in the README)" if exc.code in (401, 403) else ""
                raise RemoteError(f"{redact(url)}: HTTP {exc.code}{hint}: {redact(detail)}") from None
            except (urllib.error.URLError, OSError, ValueError) as exc:
                # a server that wants credentials may close the connection before reading a large
                # body: ask it for its challenge with a request without one, then send it again
                closed = isinstance(getattr(exc, "reason", exc), (ConnectionResetError, BrokenPipeError))
                if closed and data and attempt == 1 and self._auth.answers_challenges and not self._auth.knows(url) \
                        and self._challenge(url):
                    continue
                reason = getattr(exc, "reason", exc)
                raise RemoteError(f"cannot reach the SPARQL endpoint {redact(url)}: {redact(str(reason))}") from None
        raise RemoteError(f"{redact(url)}: HTTP 401: the credentials were refused")

    def _challenge(self, url: str) -> bool:
        """Ask the server for its challenge with a request without a body."""
        try:
            with self._open(urllib.request.Request(url, method="GET"), timeout=self.endpoint.timeout):
                return False
        except urllib.error.HTTPError as exc:
            return exc.code == 401 and self._auth.learn(url, exc.headers.get_all("WWW-Authenticate") or [])
        except OSError:
            return False

    def _read(self, resp, url: str, deadline: float) -> bytearray:
        """The body, refused past the size cap or the deadline (an endpoint that streams
        without end must not make a validation grow without bound)."""
        cap = self.endpoint.max_response_mb * 1024 * 1024
        length = resp.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > cap:
            raise RemoteError(self._too_large(url))
        body = bytearray()  # grown in place: no second copy of a large answer
        while chunk := resp.read(_CHUNK):
            if len(body) + len(chunk) > cap:
                raise RemoteError(self._too_large(url))
            if time.monotonic() > deadline:
                raise RemoteError(f"{redact(url)} did not finish its answer within {self.endpoint.timeout:g} s "
                                  "([store] timeout)")
            body += chunk
        return body

    def _too_large(self, url: str) -> str:
        return (f"{redact(url)} answered with more than {self.endpoint.max_response_mb} MB; refused "
                "(raise [store] max_response_mb in mvkg.toml if the answer is expected)")

    def named_graphs(self) -> list[ox.NamedNode]:
        """mvkg's graphs on the endpoint, asked once per RemoteStore (the union default graph
        of every query is this list)."""
        if self._graphs is None:
            # the endpoint's own dataset: the union would ask this very method for the graphs
            graphs = self._graph_names("named_graphs") or self._graph_names("named_graphs_scan")
            self._graphs = sorted(graphs, key=lambda g: g.value)
        return list(self._graphs)

    def _graph_names(self, query: str) -> list[ox.NamedNode]:
        _, rows = solutions(self, query, union=False)
        return [g for (g,) in rows if isinstance(g, ox.NamedNode) and g.value.startswith(str(GRAPH))]

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
        # asked by form: Virtuoso answers a CONSTRUCT with a (malformed) result set when that is preferred
        accept = _GRAPH_ACCEPT if _form(query) in ("CONSTRUCT", "DESCRIBE") else _RESULTS_ACCEPT
        ctype, body = self._request(self.endpoint.query_url, urllib.parse.urlencode(form).encode("utf-8"),
                                    {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}, "POST")
        return self._parse(ctype, body)

    def _parse(self, ctype: str, body: bytearray):
        """The answer, parsed completely (errors surface here, not while a caller iterates)."""
        url = redact(self.endpoint.query_url)
        mime = ctype.split(";", 1)[0].strip().lower()
        if mime in _XML and (_DECLARATION.search(body) or body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in body[:4]):
            raise RemoteError(f"{url} answered with XML that declares a DOCTYPE or entities, or is not UTF-8; "
                              "refused unparsed (entity expansion is a known attack)")
        data = cast(bytes, body)  # pyoxigraph reads a bytearray as it is (its stubs say bytes)
        try:
            if mime in _RESULTS:
                parsed = ox.parse_query_results(data, format=_RESULTS[mime])
                if isinstance(parsed, ox.QueryBoolean):
                    return bool(parsed)
                variables, rows = list(parsed.variables), list(parsed)
                if [v.value for v in variables] == [_ASK_COLUMN]:
                    return any(row[0] is not None and row[0].value in ("1", "true") for row in rows)
                return Solutions(variables, rows)
            if mime in _GRAPHS:
                return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=_GRAPHS[mime])]
        except (SyntaxError, ValueError) as exc:
            message = " ".join(str(exc).split())[:200]
            raise RemoteError(f"{url} answered with a malformed {mime} document: {message}") from None
        raise RemoteError(f"{url} answered with an unexpected content type {ctype[:100]!r}")

    def copy(self) -> ox.Store:
        """mvkg's graphs on the endpoint read into an in-memory store, one graph per request,
        each checked against the server's own count (a server that cuts answers short, as
        Virtuoso does past its ResultSetMaxRows, is caught, not believed)."""
        store = ox.Store()
        counts = {g.value: int(n.value) for g, n in solutions(self, "graph_counts", union=False)[1]
                  if isinstance(g, ox.NamedNode) and n is not None}
        for graph in self.named_graphs():
            triples = set(construct(self, "graph_triples", union=False, g=graph))
            if len(triples) != counts.get(graph.value, len(triples)):
                raise RemoteError(f"{redact(self.endpoint.query_url)} returned {len(triples)} of the "
                                  f"{counts[graph.value]} triples of {graph.value}: the server cuts its answers "
                                  "short (Virtuoso: raise ResultSetMaxRows in [SPARQL] of virtuoso.ini)")
            store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        return store

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
        self._graphs = None
        for name in sorted(mine):
            self.replace_graph(name, store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)) or b"")
        for graph in self.named_graphs():
            if graph.value.startswith(namespace) and graph.value not in mine:
                self.delete_graph(graph.value)
        self._graphs = None

    def _graph_url(self, graph: str) -> str:
        if not self.endpoint.graph_store_url:
            raise WorkspaceError("publishing needs the graph store endpoint of the remote store "
                                 "(graph_store = \"http://…\" in mvkg.toml)")
        return f"{self.endpoint.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}"
