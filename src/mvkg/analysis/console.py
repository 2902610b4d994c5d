"""The SPARQL console's results as analysts read them: IRIs written short (`theme:privacy`,
or in full on request) with their labels beside them, and the run of a query with the
workspace's prefixes declared where it uses them. The downloads keep the exact values
(`format_result`); only what is shown on screen is shortened."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from mvkg.analysis.explore import labels_for
from mvkg.analysis.views import Table
from mvkg.query.bounded import QueryWorker, run_query_bounded
from mvkg.query.graphstore import GraphStore
from mvkg.query.prefixes import Prefix, shorten, undeclared_used, with_declarations
from mvkg.query.sparql import QueryLimits, QueryResult, term_text


@dataclass(frozen=True)
class ConsoleRun:
    """A query as the analyst wrote it, what it gave, and the labels of the IRIs in it."""

    query: str
    declared: tuple[str, ...]  # the prefixes declared for it (used, known, not declared in the text)
    result: QueryResult
    labels: Mapping[str, str]


def run_console_query(location: str, store: GraphStore, query: str, prefixes: tuple[Prefix, ...],
                      limits: QueryLimits, subs: dict[str, str] | None = None,
                      worker: QueryWorker | None = None) -> ConsoleRun:
    """Run an analyst's query through the guard and limits of every query, with the known
    prefixes it uses declared for it, and look up the labels of the IRIs it returns."""
    declared = tuple(undeclared_used(query, prefixes))
    result = run_query_bounded(location, with_declarations(query, prefixes), limits, subs, worker=worker)
    iris = [t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)]
    return ConsoleRun(query, declared, result, labels_for(store, iris) if result.kind == "select" else {})


def console_table(run: ConsoleRun, prefixes: tuple[Prefix, ...], full_iris: bool = False) -> Table:
    """A SELECT result as text: IRIs short (prefix:local) unless `full_iris`, and a
    "COLUMN (label)" column after every column holding a labelled IRI."""
    result = run.result

    def shown(term: object) -> str:
        if isinstance(term, ox.NamedNode) and not full_iris:
            return shorten(term.value, prefixes)
        return term_text(term)

    columns: list[str] = []
    cells: list[list[str]] = [[] for _ in result.rows]
    for i, column in enumerate(result.columns):
        columns.append(column)
        for out, row in zip(cells, result.rows):
            out.append(shown(row[i]))
        values = [term.value if isinstance(term := row[i], ox.NamedNode) else None for row in result.rows]
        if any(v in run.labels for v in values if v):
            columns.append(f"{column} (label)")
            for out, v in zip(cells, values):
                out.append(run.labels.get(v, "") if v else "")
    return Table(tuple(columns), tuple(tuple(r) for r in cells))
