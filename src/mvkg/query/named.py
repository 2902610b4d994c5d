"""Named queries: every SPARQL query mvkg runs lives in `queries/` as `NAME.rq`, with a header

  # title: ...
  # description: ...
  # param: name | what it is | SPARQL query listing its values (optional)

`queries/*.rq` are the analysts' canned queries (the UI offers them, the CLI runs them as
files); `queries/internal/*.rq` are the ones the library itself runs. Values reach a query
only as bindings: an inline-data block (`VALUES`) of RDF terms serialised by Oxigraph, put at
the head of the outermost WHERE group, so the same text runs alike on the embedded store, the
in-memory store and a remote endpoint. Query text is never assembled from values. Where a
query plans better with a variable fixed before planning, its value goes as a substitution
(`substitutions=`); `union=False` runs a query on the store's own dataset (GRAPH patterns)
instead of the union of its named graphs. Neither name can be a bound variable's."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mvkg.kernel.errors import WorkspaceError
from mvkg.kernel.namespaces import PREFIXES
from mvkg.kernel.resources import Resources, find_resources
from mvkg.query.graphstore import GraphStore
from mvkg.query.sparql import read_query_file

INTERNAL = "internal"
Term = ox.NamedNode | ox.Literal
Binding = str | Term | Sequence[str | Term]


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    values_query: str | None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str


def parse_named(path: Path) -> NamedQuery:
    text = read_query_file(path)
    title, description, params = path.stem, "", []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body.startswith("title:"):
            title = body[6:].strip()
        elif body.startswith("description:"):
            description = body[12:].strip()
        elif body.startswith("param:"):
            parts = [p.strip() for p in body[6:].split("|")]
            params.append(Param(parts[0], parts[1] if len(parts) > 1 else "",
                                parts[2] if len(parts) > 2 and parts[2] else None))
    return NamedQuery(path.stem, title, description, tuple(params), text)


def canned_queries(resources: Resources) -> list[NamedQuery]:
    """The analysts' queries, in name order."""
    return [parse_named(p) for p in sorted(resources.queries.glob("*.rq"))]


def named_query(name: str, resources: Resources | None = None) -> NamedQuery:
    """`queries/internal/NAME.rq`, else `queries/NAME.rq`."""
    root = (resources or find_resources()).queries
    for path in (root / INTERNAL / f"{name}.rq", root / f"{name}.rq"):
        if path.is_file():
            return parse_named(path)
    raise WorkspaceError(f"no query named {name!r} in {root}")


def term(value: str | Term) -> Term:
    """A binding value as an RDF term: strings are IRIs; literals are passed as ox.Literal."""
    return value if isinstance(value, (ox.NamedNode, ox.Literal)) else ox.NamedNode(value)


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_COMMENT = re.compile(r"(?m)^\s*#.*$")


def bind(text: str, bindings: Mapping[str, Binding]) -> str:
    """The query with one VALUES block for `bindings` at the head of its WHERE group. A
    variable bound to a sequence takes each of its values in turn."""
    if not bindings:
        return text
    body = _COMMENT.sub("", text)
    match = _WHERE.search(body)
    if match is None:
        raise WorkspaceError("a query with bindings needs a WHERE group")
    names = list(bindings)
    columns = [[term(v)] if isinstance(v, (str, ox.NamedNode, ox.Literal)) else [term(x) for x in v]
               for v in bindings.values()]
    rows = _product(columns)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ {' '.join('(' + ' '.join(map(str, r)) + ')' for r in rows)} }}"
    return body[: match.end()] + block + body[match.end():]


def _product(columns: list[list[Term]]) -> list[tuple[Term, ...]]:
    rows: list[tuple[Term, ...]] = [()]
    for column in columns:
        rows = [r + (v,) for r in rows for v in column]
    return rows


def _run(store: GraphStore, name: str, resources: Resources | None, bindings: Mapping[str, Binding],
         union: bool, substitutions: Mapping[str, Term] | None) -> Any:
    """`union`: the default graph is the union of the store's named graphs, else the store's
    own default graph (a `DataView` decides for itself). `substitutions`: variables the engine
    replaces by a value before it plans the query (pyoxigraph's `substitutions`; a remote
    store sends them as a trailing VALUES block), where that plans better than a join."""
    text = bind(named_query(name, resources).text, bindings)
    extra = {"substitutions": {ox.Variable(k): v for k, v in substitutions.items()}} if substitutions else {}
    return store.query(text, prefixes=dict(PREFIXES), use_default_graph_as_union=union, **extra)


def solutions(store: GraphStore, name: str, resources: Resources | None = None, *, union: bool = True,
              substitutions: Mapping[str, Term] | None = None,
              **bindings: Binding) -> tuple[tuple[str, ...], list[tuple[Term | None, ...]]]:
    """Run a named SELECT (by default over the union of the store's graphs): its columns and
    rows of terms."""
    result = _run(store, name, resources, bindings, union, substitutions)
    columns = tuple(v.value for v in result.variables)
    rows = [tuple(sol) for sol in result]
    del result
    return columns, rows


def select(store: GraphStore, name: str, resources: Resources | None = None, *, union: bool = True,
           substitutions: Mapping[str, Term] | None = None, **bindings: Binding) -> list[dict[str, str]]:
    """A named SELECT's rows as plain strings (an unbound value is '')."""
    columns, rows = solutions(store, name, resources, union=union, substitutions=substitutions, **bindings)
    return [{c: ("" if v is None else v.value) for c, v in zip(columns, row)} for row in rows]


def ask(store: GraphStore, name: str, resources: Resources | None = None, *, union: bool = True,
        substitutions: Mapping[str, Term] | None = None, **bindings: Binding) -> bool:
    return bool(_run(store, name, resources, bindings, union, substitutions))


def construct(store: GraphStore, name: str, resources: Resources | None = None, *, union: bool = True,
              substitutions: Mapping[str, Term] | None = None, **bindings: Binding) -> Iterable[ox.Triple]:
    return _run(store, name, resources, bindings, union, substitutions)
