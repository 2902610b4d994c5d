"""Read-only SPARQL over the built store: parse first, refuse updates and SERVICE, then run
in Oxigraph with the union of all named graphs as the default graph."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import orjson
import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import MvkgError, InputError, QueryError
from .namespaces import PREFIXES


QUERY_BASE = "https://w3id.org/mvkg/query/"  # relative IRIs in queries resolve here, never against a file path


@dataclass(frozen=True)
class QueryResult:
    kind: str  # "select" | "ask" | "graph"
    columns: tuple[str, ...]
    rows: tuple[tuple[ox.NamedNode | ox.Literal | ox.BlankNode | None, ...], ...]
    boolean: bool | None
    triples: tuple[ox.Triple, ...]
    seconds: float
    limit_hit: str | None = None  # "time", "row" or "memory" when a limit stopped the query


@dataclass(frozen=True)
class QueryLimits:
    seconds: float = 10.0
    rows: int = 5000
    memory_mb: int = 1024


def _prefix_header() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _walk(node: object):
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _walk(value)


def check_query(query: str, named_graphs: set[str] | None) -> str:
    """Return the query form (SelectQuery, AskQuery, ...) or raise QueryError. FROM / FROM
    NAMED must name graphs in `named_graphs` (None: not checked, for syntax-only use)."""
    if not query.strip():
        raise QueryError("the query is empty")
    text = _prefix_header() + query
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except ParseException:
            line = max(exc.lineno - len(PREFIXES), 1)
            raise QueryError(f"SPARQL syntax error at line {line}, column {exc.column}: {exc.msg}") from None
        raise QueryError("updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE ...) are not allowed: queries are read-only") from None
    form = parsed[1]
    for comp in _walk(parsed):
        if comp.name == "ServiceGraphPattern":
            raise QueryError("SERVICE is not allowed: queries never reach outside the local store")
        if comp.name == "DatasetClause" and named_graphs is not None:
            iri = str(comp.get("default") or comp.get("named"))
            if iri not in named_graphs:
                raise QueryError(f"FROM <{iri}> names no graph in the store; known graphs: {sorted(named_graphs)}")
    _oxigraph_syntax(query)  # only now: Oxigraph would call out to a SERVICE while checking
    return form.name


def _oxigraph_syntax(query: str) -> None:
    """A second, strict syntax check by Oxigraph's parser (the engine that will run the
    query): it rejects what the SPARQL grammar forbids but rdflib lets through (SELECT * with
    GROUP BY, variables bound twice ...). Runs only after SERVICE and FROM were refused, on
    an empty store, without iterating results."""
    try:
        result = ox.Store().query(query, prefixes=dict(PREFIXES), base_iri=QUERY_BASE)
        del result
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    except (OSError, RuntimeError, ValueError):
        pass  # evaluation-time errors on an empty store say nothing about syntax


def run_query(store: ox.Store, query: str, substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None,
              max_rows: int | None = None, form: str | None = None) -> QueryResult:
    """`form`: what check_query returned, when it already ran on this query and store."""
    if form is None:
        form = check_query(query, {g.value for g in store.named_graphs()})
    started = time.perf_counter()
    try:
        result = store.query(
            query,
            prefixes=dict(PREFIXES),
            base_iri=QUERY_BASE,
            use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in (substitutions or {}).items()},
        )
        if form == "AskQuery":
            return QueryResult("ask", (), (), bool(result), (), time.perf_counter() - started)
        if form in ("ConstructQuery", "DescribeQuery"):
            triples = tuple(islice(result, max_rows + 1)) if max_rows else tuple(result)
            hit = "row" if max_rows and len(triples) > max_rows else None
            return QueryResult("graph", (), (), None, triples[:max_rows] if hit else triples,
                               time.perf_counter() - started, hit)
        columns = tuple(v.value for v in result.variables)
        solutions = islice(result, max_rows + 1) if max_rows else result
        rows = tuple(tuple(sol) for sol in solutions)  # a solution iterates its values in column order
        if max_rows and len(rows) > max_rows:
            return QueryResult("select", columns, rows[:max_rows], None, (), time.perf_counter() - started, "row")
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from None
    return QueryResult("select", columns, rows, None, (), time.perf_counter() - started)


def read_query_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read query: {exc}", path=path) from None


# ------------------------------------------------------------------ output

def term_text(term: object) -> str:
    if term is None:
        return ""
    return str(getattr(term, "value", term))


def term_json(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#int", "#long")):
            return int(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
    return term_text(term)


def format_result(result: QueryResult, fmt: str) -> str:
    if result.kind == "ask":
        return json.dumps({"boolean": result.boolean}) if fmt == "json" else str(result.boolean).lower() + "\n"
    if result.kind == "graph":
        return "".join(f"{t} .\n" for t in result.triples)
    if fmt == "json":
        rows = [dict(zip(result.columns, (term_json(t) for t in row))) for row in result.rows]
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return to_csv(result.columns, [[term_text(t) for t in row] for row in result.rows])
    return to_table(result.columns, [[term_text(t) for t in row] for row in result.rows])


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell starting with = + - @ or a
    control character gets a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(columns: tuple[str, ...] | list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_cell(str(v)) for v in row] for row in rows])
    return buf.getvalue()


def to_table(columns: tuple[str, ...] | list[str], rows: list[list[str]], max_width: int = 60) -> str:
    def cell(v: str) -> str:
        v = " ".join(v.split())
        return v if len(v) <= max_width else v[: max_width - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ bounded execution

def _term_json(term: object) -> list | None:
    """A term as a short JSON list (the answer of a child process holds thousands)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ["i", term.value]
    if isinstance(term, ox.BlankNode):
        return ["b", term.value]
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


def _answer(store, query: str, subs: dict[str, str], max_rows: int, form: str | None = None) -> bytes:
    """The result of a query (stopped after max_rows rows), or the refusal, as JSON."""
    try:
        result = run_query(store, query, {k: substitution_term(v) for k, v in subs.items()}, max_rows, form)
    except MvkgError as exc:  # a refused query, or an unreachable remote store
        return orjson.dumps({"error": exc.message})
    return orjson.dumps({"kind": result.kind, "columns": list(result.columns), "boolean": result.boolean,
                       "rows": [[_term_json(t) for t in row] for row in result.rows],
                       "triples": [[_term_json(t.subject), _term_json(t.predicate), _term_json(t.object)]
                                   for t in result.triples],
                       "seconds": result.seconds, "limit_hit": result.limit_hit})


def _result_from(answer: bytes) -> QueryResult:
    body = orjson.loads(answer)
    if "error" in body:
        raise QueryError(body["error"])
    rows = tuple(tuple(_term_from(t) for t in row) for row in body["rows"])
    triples = tuple(ox.Triple(*(_term_from(t) for t in tr)) for tr in body["triples"])
    return QueryResult(body["kind"], tuple(body["columns"]), rows, body["boolean"], triples, body["seconds"],
                       body["limit_hit"])


def _stopped(started: float, limit: str) -> QueryResult:
    return QueryResult("select", (), (), None, (), time.perf_counter() - started, limit)


def child_main(location: str, max_rows: int) -> None:
    """Run in a separate process by run_query_bounded: read {query, subs} on stdin, write the
    result as JSON on stdout, stopping after max_rows rows."""
    import sys

    from .store import open_location

    request = json.loads(sys.stdin.read())
    sys.stdout.buffer.write(_answer(open_location(location), request["query"], request.get("subs", {}), max_rows))


def run_query_bounded(location: str, query: str, limits: QueryLimits, subs: dict[str, str] | None = None,
                      store=None) -> QueryResult:
    """Run a read-only query in a child process that is killed when the time limit passes and
    whose address space is capped, so a runaway query cannot keep a core or memory busy.
    `store`: the store of `location`, already open. An in-memory one is then queried in a
    forked child, which shares the loaded graph instead of loading it again (2 s per 1M
    triples); other locations are opened by a fresh process."""
    from .store import MEMORY

    if store is not None and location.startswith(MEMORY + ":") and hasattr(os, "fork"):
        return _run_forked(store, query, limits, subs or {})
    return _run_spawned(location, query, limits, subs or {})


def _run_spawned(location: str, query: str, limits: QueryLimits, subs: dict[str, str]) -> QueryResult:
    def cap_memory() -> None:  # runs in the child before exec
        limit = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    cmd = [sys.executable, "-c", "import sys; from mvkg.sparql import child_main; child_main(sys.argv[1], int(sys.argv[2]))",
           location, str(limits.rows)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, input=json.dumps({"query": query, "subs": subs}).encode("utf-8"), capture_output=True,
                              timeout=limits.seconds, preexec_fn=cap_memory)
    except subprocess.TimeoutExpired:
        return _stopped(started, "time")
    if proc.returncode != 0 or not proc.stdout:
        return _stopped(started, "memory")
    return _result_from(proc.stdout)


def _run_forked(store, query: str, limits: QueryLimits, subs: dict[str, str]) -> QueryResult:
    """The child inherits the open store copy-on-write; its address space may grow by the
    memory limit. It only reads the store and leaves with os._exit, so it never runs the
    parent's exit handlers; the query is checked before the fork, as the parser takes locks
    another thread may hold at that moment."""
    form = check_query(query, {g.value for g in store.named_graphs()})
    started = time.perf_counter()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read_end)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # Rust's report of a failed allocation
            in_use = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
            limit = in_use + limits.memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            answer = _answer(store, query, subs, limits.rows, form)
            with os.fdopen(write_end, "wb") as out:
                out.write(answer)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while True:
            left = started + limits.seconds - time.perf_counter()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return _stopped(started, "time")
            chunk = pipe.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if status != 0 or not chunks:
        return _stopped(started, "memory")
    return _result_from(b"".join(chunks))
