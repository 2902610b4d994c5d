"""Graph: resolution → obligations → themes → covering entries around a chosen obligation
or theme."""

from __future__ import annotations

import streamlit as st

from mvkg.analysis.explore import neighbourhood_dot
from mvkg.ui import data
from mvkg.ui.pages.shared import context, portfolio_picker

CENTRES = ("obligation", "theme")


def graph() -> None:
    st.title("Graph")
    ws, key = context()
    portfolio = portfolio_picker(ws, key)
    cov, _ = data.run(str(ws.root), key, portfolio)
    mode = st.radio("Centre on", list(CENTRES), horizontal=True, key="graph-centre")
    if mode == "obligation":
        options = {f"{r.resolution} {r.section} {r.item}": r.id for r in cov.rows}
    else:
        themes = data.lexicon_labels(key)["themes"]
        options = {label: iri for iri, label in sorted(themes.items(), key=lambda x: x[1])}
    chosen = st.selectbox(mode.capitalize(), list(options), key=f"graph-{mode}")
    st.graphviz_chart(neighbourhood_dot(data.graph(str(ws.root), key), cov, options[chosen]))
