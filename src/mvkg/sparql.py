"""Read-only SPARQL over the built store: parse first, refuse updates and SERVICE, then run
in Oxigraph with the union of all named graphs as the default graph."""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import InputError, QueryError
from .namespaces import PREFIXES


@dataclass(frozen=True)
class QueryResult:
    kind: str  # "select" | "ask" | "graph"
    columns: tuple[str, ...]
    rows: tuple[tuple[ox.NamedNode | ox.Literal | ox.BlankNode | None, ...], ...]
    boolean: bool | None
    triples: tuple[ox.Triple, ...]
    seconds: float


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


def check_query(query: str, named_graphs: set[str]) -> str:
    """Return the query form (SelectQuery, AskQuery, ...) or raise QueryError."""
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
        if comp.name == "DatasetClause":
            iri = str(comp.get("default") or comp.get("named"))
            if iri not in named_graphs:
                raise QueryError(f"FROM <{iri}> names no graph in the store; known graphs: {sorted(named_graphs)}")
    return form.name


def run_query(store: ox.Store, query: str, substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None) -> QueryResult:
    named = {g.value for g in store.named_graphs()}
    form = check_query(query, named)
    started = time.perf_counter()
    try:
        result = store.query(
            query,
            prefixes=dict(PREFIXES),
            use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in (substitutions or {}).items()},
        )
        if form == "AskQuery":
            return QueryResult("ask", (), (), bool(result), (), time.perf_counter() - started)
        if form in ("ConstructQuery", "DescribeQuery"):
            triples = tuple(result)
            return QueryResult("graph", (), (), None, triples, time.perf_counter() - started)
        columns = tuple(v.value for v in result.variables)
        rows = tuple(tuple(sol[c] for c in columns) for sol in result)
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


def to_csv(columns: tuple[str, ...] | list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
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
