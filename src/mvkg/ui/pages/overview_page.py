"""Overview: coverage figures, verdict counts, coverage per resolution and per theme, the
obligations × themes heatmap, SDG references, and the latest snapshot with what changed since."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from mvkg.analysis.views import overview_view
from mvkg.compliance.coverage import FORMULA
from mvkg.history.diff import changed_since
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace
from mvkg.ui import data
from mvkg.ui.pages.shared import context, pct, portfolio_picker


def overview() -> None:
    st.title("Overview")
    ws, key = context()
    portfolio = portfolio_picker(ws, key, "overview")
    cov, _ = data.run(str(ws.root), key, portfolio)
    themes, sdgs = data.themes_and_sdgs(str(ws.root), key)
    view = overview_view(cov, themes, sdgs)
    verdicts = VOCABULARY.verdicts
    c1, c2, c3 = st.columns(3)
    c1.metric("Coverage, all obligations", pct(cov.summary.coverage_percent))
    c2.metric("Coverage, binding obligations", pct(cov.binding.coverage_percent))
    c3.metric("Obligations", len(cov.rows))
    st.caption(f"Formula: {FORMULA}")
    st.subheader("Verdicts")
    st.dataframe(pd.DataFrame([{"verdict": v.mark, "obligations": cov.summary.counts[v.notation]} for v in verdicts]),
                 hide_index=True)
    st.subheader("Coverage per resolution")
    st.dataframe(pd.DataFrame([{"resolution": k, "obligations": v["n"], "coverage": pct(v["coverage_percent"]),
                                **{x.mark: v["counts"][x.notation] for x in verdicts}}
                               for k, v in view.per_resolution.items()]), hide_index=True)
    st.subheader("Coverage per theme (with broader themes)")
    st.dataframe(pd.DataFrame([{"theme": k, "obligations": v["n"], "coverage": pct(v["coverage_percent"])}
                               for k, v in view.per_theme.items()]), hide_index=True)
    st.caption(f"Formula: {FORMULA}")
    st.subheader("Obligations × themes")
    if view.cells:
        frame = pd.DataFrame([{"obligation": c.obligation, "theme": c.theme, "verdict": c.verdict,
                               "mark": verdicts.get(c.verdict).icon} for c in view.cells])
        scale = alt.Scale(domain=list(verdicts.notations), range=[v.colour for v in verdicts])
        base = alt.Chart(frame).encode(x=alt.X("theme:N", title=None), y=alt.Y("obligation:N", title=None, sort=None))
        chart = base.mark_rect().encode(color=alt.Color("verdict:N", scale=scale),
                                        tooltip=["obligation", "theme", "verdict"])
        st.altair_chart(chart + base.mark_text(color="white").encode(text="mark:N"), width="stretch")
    st.subheader("SDG references in operative text")
    if view.sdg_counts:
        st.bar_chart(pd.DataFrame({"obligations": view.sdg_counts}), horizontal=True)
    else:
        st.info("No obligation refers to an SDG.")
    latest_snapshot(ws, key, portfolio)


def latest_snapshot(ws: Workspace, key: str, portfolio: str) -> None:
    st.subheader("Latest snapshot")
    store = data.snapshot_store(ws)
    infos = store.infos(portfolio)
    if not infos:
        st.info(f"No snapshot of portfolio '{portfolio}' yet (take one on the Snapshots page).")
        return
    latest = infos[-1]
    st.write(f"{latest.id} ({latest.created}) {latest.label}: coverage {pct(latest.coverage_percent)}")
    cov, _ = data.run(str(ws.root), key, portfolio)
    changed = changed_since(store.load(latest.id), cov.rows)
    if changed:
        st.write(f"Changed since: {len(changed)} obligation(s)")
        st.dataframe(pd.DataFrame([{"obligation": f"{c.resolution} {c.section} {c.item}", "then": c.then or "(absent)",
                                    "now": c.now} for c in changed]), hide_index=True)
    else:
        st.write("No verdict changed since.")
