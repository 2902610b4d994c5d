"""Snapshots: take one (label, the session's portfolio) with progress, the history with a
trend chart, open one and download its reports, and diff any two with the causes of each
change. A snapshot that cannot be taken says why in plain sight."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import streamlit as st

from mvkg import pipeline
from mvkg.compliance.coverage import FORMULA
from mvkg.exchange.spreadsheet import MEDIA_TYPE as XLSX
from mvkg.exchange.spreadsheet import snapshot_sheet, workbook_bytes
from mvkg.history.diff import diff as diff_snapshots
from mvkg.history.snapshots import SnapshotInfo, SnapshotStore
from mvkg.kernel.errors import MvkgError
from mvkg.render import snapshot_reports
from mvkg.ui import data
from mvkg.ui.identity import current_actor
from mvkg.ui.pages.shared import context, pct, portfolio_picker, show_error, shown_as
from mvkg.ui.pages.tables import light_table


def when(created: str) -> str:
    """"2026-12-05 02:37 UTC" from an ISO timestamp."""
    return created[:16].replace("T", " ") + " UTC" if created else ""


def snapshots() -> None:
    st.title("Snapshots")
    ws, key = context()
    store = data.snapshot_store(ws)
    portfolio = portfolio_picker(ws, key)
    with st.form("take"):
        label = st.text_input("Label", value="")
        take = st.form_submit_button("Take snapshot")
    if take:
        failed = None
        with st.status("Taking a snapshot…", expanded=True) as status:
            try:
                new = pipeline.take_snapshot(ws, data.resources(), store, portfolio, label, actor=current_actor())
                status.update(label=f"Snapshot {new} taken", state="complete")
            except MvkgError as exc:
                status.update(label="Snapshot failed", state="error")
                failed = exc
        if failed is not None:
            show_error(failed)  # outside the status box, which folds away
    infos = store.infos()
    readable = [i for i in infos if not getattr(i, "damaged", None)]
    if not infos:
        st.info("No snapshots yet.")
        return
    history(infos)
    if not readable:
        return
    names = {i.id: f"{i.label or '(no label)'} · {i.portfolio} · {when(i.created)}" for i in readable}
    ids = list(names)
    st.subheader("Open")
    chosen = st.selectbox("Snapshot", ids, index=len(ids) - 1, format_func=shown_as(names), key="snapshot-open")
    snap = store.load(chosen)
    c1, c2, c3, c4, _ = st.columns([2, 2, 2, 2, 1])
    c1.download_button("Report (HTML)", snapshot_reports.snapshot_html(snap, store.infos(snap["portfolio"]["name"])),
                       f"{chosen}.html", "text/html", on_click="ignore")
    c2.download_button("Report (Markdown)", snapshot_reports.snapshot_md(snap), f"{chosen}.md", "text/markdown",
                       on_click="ignore")
    c3.download_button("Verdicts (CSV)", snapshot_reports.snapshot_csv(snap), f"{chosen}.csv", "text/csv",
                       on_click="ignore")
    c4.download_button("Verdicts (xlsx)", lambda: workbook_bytes(snapshot_sheet(snap)), f"{chosen}.xlsx", XLSX,
                       on_click="ignore")  # the same rows as the CSV, with the snapshot id and formula on the sheet
    with st.expander("Report"):
        st.code(snapshot_reports.snapshot_md(snap), language="markdown", wrap_lines=True)  # as text, never rendered
    if len(ids) > 1:
        compare_two(store, ids, names)


def history(infos: list[SnapshotInfo]) -> None:
    st.subheader("History")
    light_table([{"label": i.label or "(no label)", "taken": when(i.created), "portfolio": i.portfolio,
                 "coverage": pct(i.coverage_percent), "binding": pct(i.binding_percent),
                 "id": i.id + (f" (damaged: {i.damaged})" if getattr(i, "damaged", None) else "")} for i in infos])
    st.caption(f"Formula: {FORMULA}")
    trend = pd.DataFrame([{"taken": i.created, "coverage %": i.coverage_percent, "portfolio": i.portfolio}
                          for i in infos if i.coverage_percent is not None])
    if len(trend):
        chart = alt.Chart(trend).mark_line(point=True).encode(
            x=alt.X("taken:T", axis=alt.Axis(format="%Y-%m-%d %H:%M")), y="coverage %:Q",
            color=alt.Color("portfolio:N", scale=alt.Scale(scheme="tableau10")),
            tooltip=["portfolio", "taken:T", "coverage %"])
        st.altair_chart(chart, width="stretch")


def compare_two(store: SnapshotStore, ids: list[str], names: dict[str, str]) -> None:
    st.subheader("Compare two snapshots")
    c1, c2 = st.columns(2)
    a = c1.selectbox("From", ids, index=len(ids) - 2, format_func=shown_as(names), key="snapshot-from")
    b = c2.selectbox("To", ids, index=len(ids) - 1, format_func=shown_as(names), key="snapshot-to")
    d = diff_snapshots(store.load(a), store.load(b))
    st.write(f"{d.summary['changed']} obligation(s) changed; coverage {pct(d.summary['coverage_percent']['from'])} → "
             f"{pct(d.summary['coverage_percent']['to'])}")
    light_table([{"obligation": f"{c.resolution} {c.section} {c.item}", "from": c.from_verdict or "(absent)",
                 "to": c.to_verdict or "(absent)", "why": [f"{x.kind}: {x.detail}" for x in c.causes]}
                for c in d.changes])
    st.download_button("Diff (JSON)", json.dumps(d.to_json(), indent=2), f"diff-{a}-{b}.json", "application/json",
                       on_click="ignore")
