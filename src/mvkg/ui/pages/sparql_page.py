"""SPARQL: the canned queries of queries/ with a widget per parameter, an editor for free
queries, and results with labels beside IRIs; read-only, with the limits on screen. The last
result is kept in the session, so downloading it (CSV, then JSON …) never needs a re-run."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from mvkg.analysis.views import Table, console_example, labelled_table, parameter_values
from mvkg.kernel.errors import MvkgError
from mvkg.query.bounded import run_query_bounded
from mvkg.query.sparql import QueryLimits, QueryResult, format_result
from mvkg.query.store import store_location
from mvkg.ui import data
from mvkg.ui.pages.shared import context, md_escape, show_error, url_choice

FREE = "(free query)"
DEFAULT = "(default)"
RESULT = "sparql-result"  # the session's last result


@dataclass(frozen=True)
class Ran:
    """A query as it was run and what it gave, kept in the session."""

    query: str
    subs: tuple[tuple[str, str], ...]
    name: str  # file name stem for the downloads
    result: QueryResult
    table: Table | None
    elapsed: float


def sparql() -> None:
    st.title("SPARQL")
    ws, key = context()
    root, location, limits = str(ws.root), store_location(ws), QueryLimits()
    st.caption(f"Read-only. Limits: {limits.seconds:.0f} s, {limits.rows} rows, {limits.memory_mb} MB; "
               "updates, SERVICE and unknown FROM graphs are refused. "
               "Prefixes mvkg:, theme:, topic:, actor:, skos: … are predefined.")
    queries = {q.name: q for q in data.canned(key)}
    names = [FREE] + sorted(queries)
    choice = url_choice("Canned query", names, "canned-query", "q", default=FREE,
                        format_func=lambda n: n if n not in queries else f"{queries[n].title} ({n})",
                        missing=lambda n: f"No canned query named '{n}'; choose one below.") or FREE
    subs: dict[str, str] = {}
    if choice in queries:
        q = queries[choice]
        st.write(md_escape(q.description))
        text = q.text
        for p in q.params:
            values = (dict(parameter_values(location, p.values_query, limits, data.query_worker(root, key)))
                      if p.values_query else {})
            value = st.selectbox(f"{p.name}: {p.description}", [DEFAULT, *values], key=f"param-{choice}-{p.name}",
                                 format_func=lambda v, shown=values: shown.get(v, v))
            if value != DEFAULT:
                subs[p.name] = value
    else:
        text = console_example()
    query = st.text_area("Query", value=text, height=220, key=f"editor-{choice}")
    if st.button("Run query", type="primary"):
        run(root, key, location, limits, query, subs, choice)
    ran = st.session_state.get(RESULT)
    if isinstance(ran, Ran) and ran.query == query and ran.subs == tuple(sorted(subs.items())):
        show(ran)


def run(root: str, key: str, location: str, limits: QueryLimits, query: str, subs: dict[str, str], name: str) -> None:
    st.session_state.pop(RESULT, None)
    started = time.perf_counter()
    try:
        result = run_query_bounded(location, query, limits, subs, worker=data.query_worker(root, key))
    except MvkgError as exc:
        show_error(exc)
        return
    elapsed = time.perf_counter() - started
    table = labelled_table(data.graph(root, key), result) if result.kind == "select" else None
    st.session_state[RESULT] = Ran(query, tuple(sorted(subs.items())), "query" if name == FREE else name,
                                   result, table, elapsed)


def show(ran: Ran) -> None:
    """The kept result with its downloads (a download changes nothing on the page)."""
    result = ran.result
    if result.limit_hit:
        st.warning(f"Stopped: the {result.limit_hit} limit was hit; results are incomplete.")
    if ran.table is not None:
        frame = pd.DataFrame([list(r) for r in ran.table.rows], columns=list(ran.table.columns))
        st.write(f"{len(frame)} rows in {ran.elapsed:.2f} s")
        st.dataframe(frame, hide_index=True)
        c1, c2, _ = st.columns([1, 1, 6])
        c1.download_button("CSV", format_result(result, "csv"), f"{ran.name}.csv", "text/csv", on_click="ignore")
        c2.download_button("JSON", format_result(result, "json"), f"{ran.name}.json", "application/json",
                           on_click="ignore")
    elif result.kind == "ask":
        st.write(f"Answer: **{result.boolean}** ({ran.elapsed:.2f} s)")
    else:
        st.write(f"{len(result.triples)} triples in {ran.elapsed:.2f} s")
        st.code(format_result(result, "table")[:20000])
        st.download_button("Turtle / N-Triples", format_result(result, "table"), f"{ran.name}.nt",
                           "application/n-triples", on_click="ignore")
