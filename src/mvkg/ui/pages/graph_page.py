"""Graph: the subgraph around a chosen obligation or theme (computed by
mvkg.analysis.neighbourhood), drawn left to right: around a theme, its obligations in one box
per resolution, a few of each at first ("Show more" adds more), each with its verdict, and the
catalogue entries that cover them; around an obligation, its resolution, themes and entries."""

from __future__ import annotations

import streamlit as st

from mvkg.analysis.neighbourhood import DEFAULT_LIMIT, neighbourhood, obligation_name, to_dot
from mvkg.ui import data
from mvkg.ui.pages.shared import context, md_escape, portfolio_picker

CENTRES = ("theme", "obligation")
LIMIT = "graph-limit"  # obligations shown per resolution, per centre: {centre IRI: limit}


def graph() -> None:
    st.title("Graph")
    ws, key = context()
    portfolio = portfolio_picker(ws, key)
    cov, _ = data.run(str(ws.root), key, portfolio)
    mode = st.radio("Centre on", list(CENTRES), horizontal=True, key="graph-centre")
    if mode == "obligation":
        options = {obligation_name(r): r.id for r in cov.rows}
    else:
        themes = data.lexicon_labels(key)["themes"]
        options = {label: iri for iri, label in sorted(themes.items(), key=lambda x: x[1])}
    chosen = st.selectbox(mode.capitalize(), list(options), key=f"graph-{mode}")
    iri = options[chosen]
    limits: dict[str, int] = st.session_state.setdefault(LIMIT, {})
    limit = limits.get(iri, DEFAULT_LIMIT)
    sub = neighbourhood(data.graph(str(ws.root), key), cov, iri, limit)
    if mode == "theme":
        st.caption(md_escape(f"{sub.shown + sub.hidden} obligations have this theme or a narrower one; "
                             f"{sub.shown} shown, grouped by resolution, with the entries that cover them "
                             "(dashed: partial coverage). Hover a node for its whole name."))
        if sub.hidden:
            more = sum(min(g.hidden, DEFAULT_LIMIT) for g in sub.groups)
            st.button(f"Show {more} more", key="graph-more",
                      on_click=lambda: limits.__setitem__(iri, limit + DEFAULT_LIMIT))
    st.graphviz_chart(to_dot(sub))
