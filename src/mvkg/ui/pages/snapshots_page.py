"""Snapshots: take one (label, portfolio) with progress, the history with a trend chart, open
one and download its reports, and diff any two with the causes of each change."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import streamlit as st

from mvkg import pipeline
from mvkg.compliance.coverage import FORMULA
from mvkg.history.diff import diff as diff_snapshots
from mvkg.history.snapshots import SnapshotStore
from mvkg.kernel.errors import MvkgError
from mvkg.render import snapshot_reports
from mvkg.ui import data
from mvkg.ui.pages.shared import context, pct


def snapshots() -> None:
    st.title("Snapshots")
    ws, key = context()
    store = data.snapshot_store(ws)
    with st.form("take"):
        portfolio = st.selectbox("Portfolio", sorted(data.portfolios(str(ws.root), key)))
        label = st.text_input("Label", value="")
        take = st.form_submit_button("Take snapshot")
    if take:
        with st.status("Taking a snapshot…", expanded=True) as status:
            try:
                new = pipeline.take_snapshot(ws, data.resources(), store, portfolio, label)
                status.update(label=f"Snapshot {new} taken", state="complete")
            except MvkgError as exc:
                status.update(label="Snapshot failed", state="error")
                st.error(exc.describe())
    infos = store.infos()
    if not infos:
        st.info("No snapshots yet.")
        return
    st.subheader("History")
    st.dataframe(pd.DataFrame([{"id": i.id, "created": i.created, "label": i.label, "portfolio": i.portfolio,
                                "coverage": pct(i.coverage_percent), "binding": pct(i.binding_percent)} for i in infos]),
                 hide_index=True)
    st.caption(f"Formula: {FORMULA}")
    trend = pd.DataFrame([{"created": i.created, "coverage %": i.coverage_percent, "portfolio": i.portfolio}
                          for i in infos if i.coverage_percent is not None])
    if len(trend):
        st.altair_chart(alt.Chart(trend).mark_line(point=True).encode(x="created:T", y="coverage %:Q", color="portfolio:N"),
                        width="stretch")
    ids = [i.id for i in infos]
    st.subheader("Open")
    chosen = st.selectbox("Snapshot", ids, index=len(ids) - 1)
    snap = store.load(chosen)
    st.download_button("Report (HTML)", snapshot_reports.snapshot_html(snap, store.infos(snap["portfolio"]["name"])),
                       f"{chosen}.html", "text/html")
    st.download_button("Report (Markdown)", snapshot_reports.snapshot_md(snap), f"{chosen}.md", "text/markdown")
    st.download_button("Verdicts (CSV)", snapshot_reports.snapshot_csv(snap), f"{chosen}.csv", "text/csv")
    with st.expander("Report"):
        st.markdown(snapshot_reports.snapshot_md(snap))
    if len(ids) > 1:
        compare_two(store, ids)


def compare_two(store: SnapshotStore, ids: list[str]) -> None:
    st.subheader("Compare two snapshots")
    c1, c2 = st.columns(2)
    a = c1.selectbox("From", ids, index=len(ids) - 2)
    b = c2.selectbox("To", ids, index=len(ids) - 1)
    d = diff_snapshots(store.load(a), store.load(b))
    st.write(f"{d.summary['changed']} obligation(s) changed; coverage {pct(d.summary['coverage_percent']['from'])} → "
             f"{pct(d.summary['coverage_percent']['to'])}")
    st.dataframe(pd.DataFrame([{"obligation": f"{c.resolution} {c.section} {c.item}", "from": c.from_verdict or "(absent)",
                                "to": c.to_verdict or "(absent)",
                                "why": "; ".join(f"{x.kind}: {x.detail}" for x in c.causes)} for c in d.changes]),
                 hide_index=True)
    st.download_button("Diff (JSON)", json.dumps(d.to_json(), indent=2), f"diff-{a}-{b}.json", "application/json")
