"""SPARQL: the canned queries of queries/ with a widget per parameter, an editor for free
queries, and results with labels beside IRIs; read-only, with the limits on screen."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from mvkg.analysis.views import console_example, labelled_table, parameter_values
from mvkg.kernel.errors import MvkgError
from mvkg.query.bounded import run_query_bounded
from mvkg.query.sparql import QueryLimits, format_result
from mvkg.query.store import store_location
from mvkg.ui import data
from mvkg.ui.pages.shared import context, md_escape

FREE = "(free query)"
DEFAULT = "(default)"


def sparql() -> None:
    st.title("SPARQL")
    ws, key = context()
    root, location, limits = str(ws.root), store_location(ws), QueryLimits()
    st.caption(f"Read-only. Limits: {limits.seconds:.0f} s, {limits.rows} rows, {limits.memory_mb} MB; "
               "updates, SERVICE and unknown FROM graphs are refused. "
               "Prefixes mvkg:, theme:, topic:, actor:, skos: … are predefined.")
    queries = {q.name: q for q in data.canned(key)}
    names = [FREE] + sorted(queries)
    wanted = st.query_params.get("q")
    choice = st.selectbox("Canned query", names, index=names.index(wanted) if wanted in names else 0,
                          format_func=lambda n: n if n not in queries else f"{queries[n].title} ({n})")
    st.query_params["q"] = choice
    subs = {}
    if choice in queries:
        q = queries[choice]
        st.write(md_escape(q.description))
        text = q.text
        for p in q.params:
            options = (parameter_values(location, p.values_query, limits, data.query_worker(root, key))
                       if p.values_query else [])
            value = st.selectbox(f"{p.name}: {p.description}", [DEFAULT] + options, key=f"param-{choice}-{p.name}")
            if value != DEFAULT:
                subs[p.name] = value
    else:
        text = console_example()
    query = st.text_area("Query", value=text, height=220, key=f"editor-{choice}")
    if st.button("Run query", type="primary"):
        started = time.perf_counter()
        try:
            result = run_query_bounded(location, query, limits, subs, worker=data.query_worker(root, key))
        except MvkgError as exc:
            st.error(exc.describe())
            return
        elapsed = time.perf_counter() - started
        if result.limit_hit:
            st.warning(f"Stopped: the {result.limit_hit} limit was hit; results are incomplete.")
        if result.kind == "select":
            table = labelled_table(data.graph(root, key), result)
            frame = pd.DataFrame([list(r) for r in table.rows], columns=list(table.columns))
            st.write(f"{len(frame)} rows in {elapsed:.2f} s")
            st.dataframe(frame, hide_index=True)
            st.download_button("CSV", format_result(result, "csv"), "result.csv", "text/csv")
            st.download_button("JSON", format_result(result, "json"), "result.json", "application/json")
        elif result.kind == "ask":
            st.write(f"Answer: **{result.boolean}** ({elapsed:.2f} s)")
        else:
            st.write(f"{len(result.triples)} triples in {elapsed:.2f} s")
            st.code(format_result(result, "table")[:20000])
            st.download_button("Turtle / N-Triples", format_result(result, "table"), "result.nt", "application/n-triples")
