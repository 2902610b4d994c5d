"""The HTTP side of `mvkg serve`: a read-only SPARQL 1.1 protocol endpoint at /sparql on the
standard library's ThreadingHTTPServer. What a request means, which format answers it and
which status a refusal gets are decided by `mvkg.query.protocol`; the query runs through
`mvkg.query.bounded` with the same guard and limits as `mvkg query` (a separate process,
killed at the time limit, with capped memory).

The standard library's server is enough here: the endpoint answers one small request per
query, the work happens in the bounded query process, and the server adds no dependency. It
is meant for one analyst's tools or a team's network behind a proxy that terminates TLS.

Safety beyond the query guard: at most `max_concurrent` queries run at once (others wait up
to the time limit, then get 503); a POST body is capped (413) and needs a Content-Length
(411); idle connections close after `idle_seconds`; cross-origin reads are refused unless an
origin is configured (CORS); and while bound to a loopback address only loopback Host names
are answered (421), so a web page cannot reach the endpoint through DNS rebinding."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mvkg.kernel.errors import WorkspaceError
from mvkg.kernel.network import is_loopback
from mvkg.kernel.workspace import Workspace
from mvkg.query.bounded import QueryWorker, run_query_bounded
from mvkg.query.protocol import Request, Response, answer, error
from mvkg.query.sparql import QueryLimits, QueryResult
from mvkg.query.store import MEMORY, open_read_only, store_location

PATH = "/sparql"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
EXPOSED = "MVKG-Result-Truncated"


@dataclass(frozen=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 7878
    cors_origins: tuple[str, ...] = ()  # "*" allows every origin
    limits: QueryLimits = field(default_factory=QueryLimits)
    max_concurrent: int = 4
    max_body_bytes: int = 1024 * 1024
    idle_seconds: float = 30.0
    quiet: bool = False


class SparqlServer(ThreadingHTTPServer):
    """The endpoint: `run` answers one query under the configured limits."""

    daemon_threads = True

    def __init__(self, config: ServeConfig, run: Callable[[str], QueryResult]):
        self.config = config
        self.run = run
        self.slots = threading.BoundedSemaphore(config.max_concurrent)
        super().__init__((config.host, config.port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}{PATH}"

    def respond(self, req: Request) -> Response:
        if not self.slots.acquire(timeout=self.config.limits.seconds):
            return error(503, f"all {self.config.max_concurrent} query slots are busy; try again shortly",
                         (("Retry-After", "5"),))
        try:
            return answer(req, self.run, self.config.limits)
        finally:
            self.slots.release()


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "mvkg-sparql"
    sys_version = ""

    def setup(self) -> None:
        self.timeout = self.server.config.idle_seconds  # type: ignore[misc]  # per connection, read by setup()
        super().setup()

    def do_GET(self) -> None:
        self._query("GET")

    def do_POST(self) -> None:
        self._query("POST")

    def do_OPTIONS(self) -> None:
        """A CORS preflight: allowed for the configured origins only."""
        headers = [("Allow", "GET, POST, OPTIONS")]
        if self._cors_origin():
            headers += [("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                        ("Access-Control-Allow-Headers", "Accept, Content-Type"), ("Access-Control-Max-Age", "600")]
            if self.headers.get("Access-Control-Request-Private-Network") == "true":  # a public page asking for 127.0.0.1
                headers.append(("Access-Control-Allow-Private-Network", "true"))
        self._send(Response(204, "", b"", tuple(headers)))

    def _refuse_method(self) -> None:
        self._send(error(405, f"{self.command} is not allowed: this endpoint is read-only (GET, POST)",
                         (("Allow", "GET, POST, OPTIONS"),)))

    do_PUT = do_DELETE = do_PATCH = do_HEAD = _refuse_method

    def _query(self, method: str) -> None:
        self._started = time.perf_counter()
        path, _, query_string = self.path.partition("?")
        refusal = self._check(path, method)
        if refusal is not None:
            self._send(refusal)
            return
        body = self._body() if method == "POST" else b""
        if isinstance(body, Response):
            self._send(body)
            return
        self._send(self.server.respond(Request(method, query_string, self.headers.get("Content-Type", ""), body,
                                               self.headers.get("Accept", ""))))

    def _check(self, path: str, method: str) -> Response | None:
        if path != PATH:
            return error(404, f"nothing here: the SPARQL endpoint is {PATH}")
        if is_loopback(self.server.config.host):
            name = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
            if name not in LOOPBACK_NAMES:
                return error(421, "this endpoint answers only to localhost, 127.0.0.1 or [::1]")
        return None

    def _body(self) -> bytes | Response:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return error(411, "send the query with a Content-Length (chunked bodies are not accepted)")
        length = self.headers.get("Content-Length")
        if length is None or not length.strip().isdigit():
            self.close_connection = True
            return error(411, "a POST needs a Content-Length")
        if int(length) > self.server.config.max_body_bytes:
            self.close_connection = True  # the body is left unread
            return error(413, f"the request body is larger than {self.server.config.max_body_bytes} bytes")
        return self.rfile.read(int(length))

    def _cors_origin(self) -> str | None:
        origin = self.headers.get("Origin")
        allowed = self.server.config.cors_origins
        if not origin or not allowed:
            return None
        if "*" in allowed:
            return "*"
        return origin if origin in allowed else None

    def _send(self, resp: Response) -> None:
        self.send_response(resp.status)
        if resp.content_type:
            self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        origin = self._cors_origin()
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Expose-Headers", EXPOSED)
        if self.server.config.cors_origins:
            self.send_header("Vary", "Origin")
        for name, value in resp.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(resp.body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request, without the query string (queries can be long or private)."""
        if self.server.config.quiet:
            return
        path = self.path.partition("?")[0] if isinstance(self.path, str) else "-"
        took = time.perf_counter() - getattr(self, "_started", time.perf_counter())
        line = f"{self.address_string()} {self.command} {path} {code} {took:.3f} s"
        sys.stderr.write(line.encode("ascii", "backslashreplace").decode("ascii") + "\n")

    def log_error(self, format: str, *args) -> None:
        if not self.server.config.quiet:
            sys.stderr.write(("mvkg serve: " + format % args).encode("ascii", "backslashreplace").decode("ascii") + "\n")


@dataclass
class Served:
    """A server over a workspace's built graph, and what must be closed with it."""

    server: SparqlServer
    worker: QueryWorker | None = None

    def close(self) -> None:
        self.server.server_close()
        if self.worker is not None:
            self.worker.close()


def serve_workspace(ws: Workspace, config: ServeConfig) -> Served:
    """A server (bound, not yet serving) over the built graph of `ws`, wherever it lives: the
    on-disk store and a remote endpoint are opened by each query's own process; an in-memory
    store is loaded once and queried by a forked child kept for the next query."""
    store = open_read_only(ws)  # a clear error when nothing is built
    location = store_location(ws)
    worker = QueryWorker(store) if location.startswith(MEMORY + ":") else None
    if worker is None:
        store = None  # each query's process opens the store itself

    def run(query: str) -> QueryResult:
        return run_query_bounded(location, query, config.limits, store=store, worker=worker)

    try:
        return Served(SparqlServer(config, run), worker)
    except OSError as exc:
        if worker is not None:
            worker.close()
        raise WorkspaceError(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}") from None
