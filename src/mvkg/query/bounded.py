"""Bounded execution of analyst queries: each runs in a child process that is killed when the
time limit passes and whose address space is capped, so a runaway query cannot keep a core or
the machine's memory busy.

An in-memory store is queried by a child forked from the process that holds it (it shares the
loaded graph instead of loading it again, 2 s per 1M triples). A `QueryWorker` keeps that
child for the next queries: the first query in a fresh fork pays for copying the pages the
engine writes as it reads (reference counts, locks: ~0.35 s at 1M triples), later ones do
not. Other locations (the on-disk store, a remote endpoint) are opened by a fresh process."""

from __future__ import annotations

import gc
import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import orjson
import pyoxigraph as ox

from mvkg.kernel.errors import MvkgError, QueryError
from mvkg.query.isolated import cap_address_space, cap_cpu_from_now, read_frame, write_frame
from mvkg.query.remote import RemoteStore
from mvkg.query.sparql import CheckedQuery, QueryLimits, QueryResult, collector_paused, inspect_query, run_query


def _term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> list | None:
    """A term as a short JSON list (an answer holds thousands)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ["i", term.value]
    if isinstance(term, ox.BlankNode):
        return ["b", term.value]
    if isinstance(term, ox.Triple):  # RDF-star quoted triple: as its N-Triples text
        return ["l", str(term), "", ""]
    return ["l", term.value, term.datatype.value if term.datatype else "", term.language or ""]


def _term_from(j: list | None):
    if j is None:
        return None
    if j[0] == "i":
        return ox.NamedNode(j[1])
    if j[0] == "b":
        return ox.BlankNode(j[1])
    if j[3]:
        return ox.Literal(j[1], language=j[3])
    return ox.Literal(j[1], datatype=ox.NamedNode(j[2])) if j[2] else ox.Literal(j[1])


def substitution_term(value: str):
    return ox.NamedNode(value) if value.startswith(("http://", "https://", "urn:")) else ox.Literal(value)


def _answer(store, query: str, subs: dict[str, str], max_rows: int, form: str | None = None,
            dataset: bool = False) -> bytes:
    """The result of a query (stopped after max_rows rows), or the refusal, as JSON."""
    try:
        result = run_query(store, query, {k: substitution_term(v) for k, v in subs.items()}, max_rows, form, dataset)
    except MvkgError as exc:  # a refused query, or an unreachable remote store
        return orjson.dumps({"error": exc.message})
    return orjson.dumps({"kind": result.kind, "columns": list(result.columns), "boolean": result.boolean,
                         "rows": [[_term_json(t) for t in row] for row in result.rows],
                         "triples": [[_term_json(t.subject), _term_json(t.predicate), _term_json(t.object)]
                                     for t in result.triples],
                         "seconds": result.seconds, "limit_hit": result.limit_hit})


def _result_from(answer: bytes) -> QueryResult:
    with collector_paused():
        body = orjson.loads(answer)
        if "error" in body:
            raise QueryError(body["error"])
        rows = tuple(tuple(_term_from(t) for t in row) for row in body["rows"])
        triples = tuple(ox.Triple(*(_term_from(t) for t in tr)) for tr in body["triples"])
    return QueryResult(body["kind"], tuple(body["columns"]), rows, body["boolean"], triples, body["seconds"],
                       body["limit_hit"])


def _stopped(started: float, limit: str) -> QueryResult:
    return QueryResult("select", (), (), None, (), time.perf_counter() - started, limit)


# a query process runs at a lower CPU priority than the server that started it, so one
# analyst's heavy query takes what the other sessions' page runs leave, not their share
QUERY_NICENESS = 10


# ------------------------------------------------------------------ the forked child

@dataclass(frozen=True)
class _Child:
    pid: int
    requests: int  # write end, in the parent
    answers: int  # read end, in the parent
    memory_mb: int


def _serve(store, requests: int, answers: int) -> None:
    """The child's loop: answer each request until the parent closes the pipe. The collector
    runs between queries, not while thousands of result tuples are built."""
    gc.disable()
    while True:
        try:
            request = orjson.loads(read_frame(requests, None))
        except EOFError:
            return
        cap_cpu_from_now(request["cpu"])
        write_frame(answers, _answer(store, request["query"], request["subs"], request["rows"], request["form"],
                                      request["dataset"]))
        gc.collect()


def _fork(store, memory_mb: int) -> _Child:
    """A child that shares `store` copy-on-write; its address space may grow by memory_mb. It
    only reads the store and leaves with os._exit, so it never runs the parent's exit handlers."""
    req_read, req_write = os.pipe()
    ans_read, ans_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(req_write)
            os.close(ans_read)
            cap_address_space(memory_mb)
            os.nice(QUERY_NICENESS)
            _serve(store, req_read, ans_write)
            code = 0
        finally:
            os._exit(code)
    os.close(req_read)
    os.close(ans_write)
    return _Child(pid, req_write, ans_read, memory_mb)


def _end(slot: list) -> None:
    """Kill and reap the child in slot[0], if any."""
    child, slot[0] = slot[0], None
    if child is None:
        return
    try:
        os.kill(child.pid, signal.SIGKILL)
        os.waitpid(child.pid, 0)
    except (ProcessLookupError, ChildProcessError):  # already gone, or reaped elsewhere
        pass
    os.close(child.requests)
    os.close(child.answers)


class QueryWorker:
    """Answers bounded queries on one in-memory store, which must not change once the worker
    has answered (the child holds the graph as it was at the fork), in a forked child kept for
    the next query. A query that hits a limit ends the child; the next query forks a new one.
    Thread-safe: a query that finds the child busy gets a child of its own."""

    def __init__(self, store: ox.Store, keep: bool = True):
        self.store = store
        self._keep = keep
        self._lock = threading.Lock()
        self._slot: list[_Child | None] = [None]
        self._finalizer = weakref.finalize(self, _end, self._slot)

    @property
    def pid(self) -> int | None:
        """The child's process id, while there is one."""
        return self._slot[0].pid if self._slot[0] else None

    def close(self) -> None:
        self._finalizer()

    def run(self, query: str, limits: QueryLimits, subs: dict[str, str] | None = None) -> QueryResult:
        # checked here, not in the child: the parser takes locks another thread may hold at a fork
        checked = inspect_query(query, {g.value for g in self.store.named_graphs()})
        if not self._lock.acquire(blocking=False):
            once = QueryWorker(self.store, keep=False)
            return once._ask(query, checked, limits, subs or {})
        try:
            return self._ask(query, checked, limits, subs or {})
        finally:
            self._lock.release()

    def _ask(self, query: str, checked: CheckedQuery, limits: QueryLimits, subs: dict[str, str]) -> QueryResult:
        started = time.perf_counter()
        if self._slot[0] is not None and self._slot[0].memory_mb != limits.memory_mb:
            _end(self._slot)
        if self._slot[0] is None:
            self._slot[0] = _fork(self.store, limits.memory_mb)
        child = self._slot[0]
        assert child is not None
        try:
            write_frame(child.requests, orjson.dumps({"query": query, "subs": subs, "rows": limits.rows,
                                                       "form": checked.form, "dataset": checked.dataset,
                                                       "cpu": int(2 * limits.seconds) + 1}))
            answer = read_frame(child.answers, started + limits.seconds)
        except TimeoutError:
            _end(self._slot)
            return _stopped(started, "time")
        except (EOFError, BrokenPipeError):  # the child died: out of memory
            _end(self._slot)
            return _stopped(started, "memory")
        if not self._keep:
            _end(self._slot)
        return _result_from(answer)


# ------------------------------------------------------------------ a fresh process

def child_main(max_rows: int) -> None:
    """Run in a separate process by run_query_bounded: read {location, query, subs, endpoint}
    on stdin, write the result as JSON on stdout, stopping after max_rows rows. The location
    and a remote endpoint's credentials come through the pipe, never on the command line
    (which every local user can read)."""
    from mvkg.query.store import open_location

    request = json.loads(sys.stdin.read())
    store = open_location(request["location"], request.get("endpoint"))
    sys.stdout.buffer.write(READY)  # the time limit starts now: starting Python is not the query's cost
    sys.stdout.buffer.flush()
    sys.stdout.buffer.write(_answer(store, request["query"], request.get("subs", {}), max_rows))


def _run_spawned(location: str, query: str, limits: QueryLimits, subs: dict[str, str],
                 endpoint: dict | None = None) -> QueryResult:
    """Run the query in a fresh process. The time limit counts from the moment the child has
    started and opened the store (it says so with READY), so a loaded machine, where starting
    an interpreter can take seconds, does not turn a small query into a stopped one; the
    start itself has STARTUP_SECONDS."""
    def cap_memory() -> None:  # runs in the child before exec
        limit = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = child_cpu_seconds(limits)  # the kernel ends a child whose parent is gone (it enforced the time limit)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        os.nice(QUERY_NICENESS)

    cmd = [sys.executable, "-c", "import sys; from mvkg.query.bounded import child_main; child_main(int(sys.argv[1]))",
           str(limits.rows)]
    request = json.dumps({"location": location, "query": query, "subs": subs, "endpoint": endpoint}).encode("utf-8")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=cap_memory)
    try:
        return _answer_of(proc, request, limits)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _answer_of(proc: subprocess.Popen, request: bytes, limits: QueryLimits) -> QueryResult:
    assert proc.stdin is not None and proc.stdout is not None
    started = time.perf_counter()
    try:
        proc.stdin.write(request)
        proc.stdin.close()
    except BrokenPipeError:  # the child died before reading: reported below from its stderr
        pass
    proc.stdin = None  # written and closed: communicate() below must not touch it again
    ready, _, _ = select.select([proc.stdout], [], [], STARTUP_SECONDS)
    if not ready:
        return _stopped(started, "time")
    head = os.read(proc.stdout.fileno(), len(READY))  # unbuffered: communicate() reads the descriptor
    started = time.perf_counter()
    try:
        out, err_bytes = proc.communicate(timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        return _stopped(started, "time")
    if head != READY or proc.returncode != 0 or not out:
        err = err_bytes.decode("utf-8", "replace").strip()
        if proc.returncode < 0 or not err or _OUT_OF_MEMORY.search(err):
            return _stopped(started, "memory")
        raise QueryError(f"the query process failed: {err.splitlines()[-1][:300]}")  # not a limit: say what it was
    return _result_from(out)


def child_cpu_seconds(limits: QueryLimits) -> int:
    """The CPU seconds a query process may use at most, whatever happens to its parent: its
    start and the query's time limit, twice over. The parent stops a query at its time limit;
    this backstop ends a child the parent can no longer stop (a server stopped or killed while
    a cross join ran: such orphans went on using a core each for good). A forked child has
    twice the time limit for each query (cap_cpu_from_now)."""
    return int(STARTUP_CPU_SECONDS + 2 * limits.seconds) + 1


READY = b"R"  # the child's first byte: store open, query starting
STARTUP_CPU_SECONDS = 30.0  # CPU for the child's start (Python, the store's opening), beside the query's
STARTUP_SECONDS = 120.0  # for the child to start Python and open the store, apart from the query's limit


# how an exhausted address space shows in the child (Python's, Rust's and the C++ allocators' words)
_OUT_OF_MEMORY = re.compile(r"MemoryError|memory allocation of|Cannot allocate memory|bad_alloc|out of memory", re.IGNORECASE)


# ------------------------------------------------------------------ how many at once

@dataclass(frozen=True)
class ProcessCaps:
    """How many query processes may run at once: per session (an analyst clicking Run again
    and again) and in total (every session of a server). A query that finds the total used
    waits up to `wait_seconds` for one to end."""

    per_session: int = 2
    total: int = 4
    wait_seconds: float = 5.0

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> ProcessCaps:
        """The caps from $MVKG_QUERY_PROCESSES_PER_SESSION and $MVKG_QUERY_PROCESSES (positive
        integers), else the defaults."""
        def number(name: str, default: int) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            if not raw.isdigit() or int(raw) < 1:
                raise QueryError(f"${name} must be a positive whole number, not {raw!r}")
            return int(raw)

        return cls(number("MVKG_QUERY_PROCESSES_PER_SESSION", cls.per_session), number("MVKG_QUERY_PROCESSES", cls.total))


class ProcessBudget:
    """Counts the query processes running, per session and in total, and refuses one more
    beyond the caps: one budget is shared by every session of a server (the UI keeps it with
    its other shared resources), so however often Run is clicked at most `caps.total`
    processes run. Thread-safe."""

    def __init__(self, caps: ProcessCaps | None = None):
        self.caps = caps or ProcessCaps()
        self._changed = threading.Condition()
        self._running: dict[str, int] = {}

    def running(self, session: str | None = None) -> int:
        with self._changed:
            return self._running.get(session, 0) if session is not None else sum(self._running.values())

    @contextmanager
    def slot(self, session: str) -> Iterator[None]:
        with self._changed:
            if self._running.get(session, 0) >= self.caps.per_session:
                raise QueryError(f"{self.caps.per_session} of your queries are still running (the limit per session); "
                                 "wait for one to finish")
            deadline = time.monotonic() + self.caps.wait_seconds
            while sum(self._running.values()) >= self.caps.total:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise QueryError(f"{self.caps.total} queries are already running on this server (the limit); "
                                     "try again in a moment")
                self._changed.wait(left)
            self._running[session] = self._running.get(session, 0) + 1
        try:
            yield
        finally:
            with self._changed:
                self._running[session] -= 1
                if not self._running[session]:
                    del self._running[session]
                self._changed.notify_all()


def run_query_bounded(location: str, query: str, limits: QueryLimits, subs: dict[str, str] | None = None,
                      store=None, worker: QueryWorker | None = None, budget: ProcessBudget | None = None,
                      session: str = "") -> QueryResult:
    """A read-only query under `limits`. `store`: the store of `location`, already open;
    `worker`: a QueryWorker on it, kept by the caller across queries; `budget`: the caps on
    processes running at once, `session` the caller's share of it. An in-memory store is
    queried in a forked child (the worker's, or one for this query alone); other locations are
    opened by a fresh process."""
    if budget is None:
        return _run_unbudgeted(location, query, limits, subs, store, worker)
    with budget.slot(session):
        return _run_unbudgeted(location, query, limits, subs, store, worker)


def _run_unbudgeted(location: str, query: str, limits: QueryLimits, subs: dict[str, str] | None, store,
                    worker: QueryWorker | None) -> QueryResult:
    from mvkg.query.store import MEMORY

    if location.startswith(MEMORY + ":") and hasattr(os, "fork"):
        if worker is not None:
            return worker.run(query, limits, subs)
        if store is not None:
            return QueryWorker(store, keep=False).run(query, limits, subs)
    # a remote store's settings (credentials from the settings file among them) go to the child
    remote = next((s for s in (store, worker.store if worker else None) if isinstance(s, RemoteStore)), None)
    return _run_spawned(location, query, limits, subs or {}, remote.endpoint.to_json() if remote else None)
