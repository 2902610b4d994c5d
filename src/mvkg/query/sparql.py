"""Read-only SPARQL over the built store: parse first, refuse updates and SERVICE, then run
in Oxigraph with the union of all named graphs as the default graph."""

from __future__ import annotations

import csv
import gc
import io
import json
import time
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from mvkg.kernel.errors import InputError, QueryError
from mvkg.kernel.namespaces import PREFIXES

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


MAX_QUERY_BYTES = 1024 * 1024  # a query file larger than this is refused before it is read whole


@dataclass(frozen=True)
class CheckedQuery:
    form: str  # SelectQuery, AskQuery, ConstructQuery or DescribeQuery
    dataset: bool  # the query names its own dataset (FROM / FROM NAMED)


def _prefix_header(prefixes: Mapping[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items())


def _walk(node: object):
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _walk(value)


def check_query(query: str, named_graphs: set[str] | None, prefixes: Mapping[str, str] | None = None) -> str:
    """Return the query form (SelectQuery, AskQuery, ...) or raise QueryError. FROM / FROM
    NAMED must name graphs in `named_graphs` (None: not checked, for syntax-only use).
    `prefixes`: the prefixes the engine will declare (default: mvkg's own)."""
    return inspect_query(query, named_graphs, prefixes).form


def inspect_query(query: str, named_graphs: set[str] | None, prefixes: Mapping[str, str] | None = None) -> CheckedQuery:
    """check_query, and whether the query names its own dataset (then the engine must not
    replace its default graph by the union of all graphs)."""
    if not query.strip():
        raise QueryError("the query is empty")
    declared = dict(PREFIXES if prefixes is None else prefixes)
    parsed = _parse(_prefix_header(declared) + query, len(declared))
    form = parsed[1]
    dataset = False
    used: set[str] = set()
    for comp in _walk(parsed):
        if comp.name == "ServiceGraphPattern":
            raise QueryError("SERVICE is not allowed: queries never reach outside the local store")
        if comp.name == "DatasetClause":
            dataset = True
            clause = dict(comp)
            keyword, iri = ("FROM NAMED", clause.get("named")) if "named" in clause else ("FROM", clause.get("default"))
            if named_graphs is not None and str(iri) not in named_graphs:
                raise QueryError(f"{keyword} <{iri}> names no graph in the store; known graphs: {sorted(named_graphs)}")
        if comp.name == "PrefixDecl":
            declared[str(dict(comp).get("prefix", ""))] = ""
        if comp.name == "pname":
            used.add(str(dict(comp).get("prefix", "")))
    undeclared = sorted(used - set(declared))
    if undeclared:
        names = ", ".join(f"{p}:" for p in undeclared)
        raise QueryError(f"the prefix {names} is not declared (declare it with PREFIX, or in a shape with sh:prefixes)")
    _oxigraph_syntax(query, prefixes)  # only now: Oxigraph would call out to a SERVICE while checking
    return CheckedQuery(form.name, dataset)


def _parse(text: str, header_lines: int):
    """The rdflib parse of a query; an update, a syntax error or a nesting too deep for the
    recursive parser (50 nested OPTIONALs) becomes a QueryError."""
    try:
        return parseQuery(text)
    except RecursionError:
        raise QueryError(f"the query nests groups or brackets {_depth(text)} deep, more than the parser can "
                         "follow; flatten it") from None
    except ParseException as exc:
        try:
            parseUpdate(text)
        except (ParseException, RecursionError):
            line = max(exc.lineno - header_lines, 1)
            raise QueryError(f"SPARQL syntax error at line {line}, column {exc.column}: {exc.msg}") from None
        raise QueryError("updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE ...) are not allowed: queries are read-only") from None


def _depth(text: str) -> int:
    """The deepest nesting of { } and ( ) (a rough count: strings and IRIs are not skipped)."""
    depth = deepest = 0
    for ch in text:
        if ch in "{(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})":
            depth -= 1
    return deepest


def _oxigraph_syntax(query: str, prefixes: Mapping[str, str] | None = None) -> None:
    """A second, strict syntax check by Oxigraph's parser (the engine that will run the
    query): it rejects what the SPARQL grammar forbids but rdflib lets through (SELECT * with
    GROUP BY, variables bound twice ...). Runs only after SERVICE and FROM were refused, on
    an empty store, without iterating results."""
    try:
        result = ox.Store().query(query, prefixes=dict(PREFIXES if prefixes is None else prefixes), base_iri=QUERY_BASE)
        del result
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {_first_line(str(exc))}") from None
    except (OSError, RuntimeError, ValueError):
        pass  # evaluation-time errors on an empty store say nothing about syntax


def _first_line(message: str) -> str:
    """Oxigraph's message without the page of expected characters it may append."""
    head = message.strip().splitlines()[0] if message.strip() else "invalid query"
    return head if len(head) <= 300 else head[:299] + "…"


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while a result's rows are built (here, and when a
    child's answer is decoded): the new tuples all survive, so its full passes would walk the
    growing heap again and again (a third of the time of a 50k-row listing at 1M triples).
    The rows hold no reference cycles. Turned back on by whoever paused it first, so
    overlapping calls from several threads leave it on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def run_query(store: ox.Store, query: str, substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None,
              max_rows: int | None = None, form: str | None = None, dataset: bool = False) -> QueryResult:
    """`form`, `dataset`: what inspect_query found, when it already ran on this query and
    store. The default graph is the union of all graphs unless the query names its own
    dataset (FROM / FROM NAMED): Oxigraph's union option would silently override it."""
    if form is None:
        checked = inspect_query(query, {g.value for g in store.named_graphs()})
        form, dataset = checked.form, checked.dataset
    started = time.perf_counter()
    try:
        result: Any = store.query(
            query,
            prefixes=dict(PREFIXES),
            base_iri=QUERY_BASE,
            use_default_graph_as_union=not dataset,
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
        with collector_paused():
            rows = tuple(tuple(sol) for sol in solutions)  # a solution iterates its values in column order
        if max_rows and len(rows) > max_rows:
            return QueryResult("select", columns, rows[:max_rows], None, (), time.perf_counter() - started, "row")
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from None
    return QueryResult("select", columns, rows, None, (), time.perf_counter() - started)


def read_query_file(path: Path, max_bytes: int = MAX_QUERY_BYTES) -> str:
    """A query file as text; at most max_bytes are read (a larger file is refused unread)."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
        if len(raw) > max_bytes:
            raise InputError(f"the query file is larger than {max_bytes} bytes", path=path)
        return raw.decode("utf-8-sig")
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


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell starting with = + - @ or a
    control character gets a leading apostrophe. The CSV and the xlsx exports both use it."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(columns: tuple[str, ...] | list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[safe_cell(str(v)) for v in row] for row in rows])
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
