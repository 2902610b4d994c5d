"""Overview: coverage figures, verdict counts, coverage per resolution and per theme, the
obligations × themes heatmap, SDG references, and the latest snapshot with what changed since."""

from __future__ import annotations

import streamlit as st

from mvkg.analysis.views import OverviewView
from mvkg.compliance.coverage import FORMULA
from mvkg.exchange.spreadsheet import MEDIA_TYPE as XLSX
from mvkg.exchange.spreadsheet import coverage_sheet, workbook_bytes
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace
from mvkg.ui import data
from mvkg.ui.pages.shared import context, md_escape, pct, portfolio_picker
from mvkg.ui.pages.tables import light_table


def overview() -> None:
    st.title("Overview")
    ws, key = context()
    portfolio = portfolio_picker(ws, key)
    cov, _ = data.run(str(ws.root), key, portfolio)
    view, heatmap_spec, sdg_spec = data.overview(str(ws.root), key, portfolio)  # once per build for every session
    verdicts = VOCABULARY.verdicts
    c1, c2, c3 = st.columns(3)
    c1.metric("Coverage, all obligations", pct(cov.summary.coverage_percent))
    c2.metric("Coverage, binding obligations", pct(cov.binding.coverage_percent))
    c3.metric("Obligations", len(cov.rows))
    st.caption(f"Formula: {FORMULA}")
    st.download_button("Coverage (xlsx)", lambda: workbook_bytes(coverage_sheet(cov)), f"coverage-{portfolio}.xlsx",
                       XLSX, on_click="ignore")  # the rows of `mvkg coverage --format xlsx`, made on click
    st.subheader("Verdicts")
    light_table([{"verdict": v.mark, "obligations": cov.summary.counts[v.notation]} for v in verdicts])
    st.subheader("Coverage per resolution")
    light_table([{"resolution": k, "obligations": v["n"], "coverage": pct(v["coverage_percent"]),
                 **{x.mark: v["counts"][x.notation] for x in verdicts}} for k, v in view.per_resolution.items()])
    st.subheader("Coverage per theme (with broader themes)")
    light_table([{"theme": k, "obligations": v["n"], "coverage": pct(v["coverage_percent"])}
                for k, v in view.per_theme.items()])
    st.caption(f"Formula: {FORMULA}")
    st.subheader("Obligations × themes")
    if view.cells:
        heatmap(view, heatmap_spec)
    st.subheader("SDG references in operative text")
    if view.sdg_counts:
        st.vega_lite_chart(spec=sdg_spec, width="stretch")
    else:
        st.info("No obligation refers to an SDG.")
    latest_snapshot(ws, key, portfolio)


def heatmap(view: OverviewView, spec: dict) -> None:
    """Cells in their verdict's colour, each marked with the verdict's icon in the colour that
    reads best on it; row and column labels whole (rows are short labels, the whole obligation
    is in the tooltip and in the table under the chart). The chart (render.overview_charts) is
    made once per build and portfolio."""
    verdicts = VOCABULARY.verdicts
    st.vega_lite_chart(spec=spec, width="stretch")
    table = st.expander("The heatmap as a table", key="heatmap-table", on_change="rerun")
    with table:
        if table.open:  # made when opened: every browser drew every cell of it, hidden, on every visit
            light_table([{"obligation": c.obligation, "theme": c.theme, "verdict": verdicts.get(c.verdict).mark}
                        for c in view.cells])


def latest_snapshot(ws: Workspace, key: str, portfolio: str) -> None:
    st.subheader("Latest snapshot")
    store = data.snapshot_store(ws)
    infos = store.infos(portfolio)
    if not infos:
        st.info(f"No snapshot of portfolio '{md_escape(portfolio)}' yet (take one on the Snapshots page).")
        return
    latest = infos[-1]
    st.write(md_escape(f"{latest.label or '(no label)'}: taken {latest.created[:16].replace('T', ' ')} UTC, "
                       f"coverage {pct(latest.coverage_percent)} (snapshot {latest.id})"))
    changed = data.changed_since_snapshot(str(ws.root), key, portfolio, latest.id)
    if changed:
        st.write(f"Changed since: {len(changed)} obligation(s)")
        light_table([{"obligation": f"{c.resolution} {c.section} {c.item}", "then": c.then or "(absent)", "now": c.now}
                    for c in changed])
    else:
        st.write("No verdict changed since.")
