"""Obligations: upload a resolution, filter the obligations, and read one in detail (its
source text highlighted, bearers, triggers, covering entries and SHACL messages)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from mvkg import pipeline
from mvkg.analysis.views import ObligationView, filter_obligations
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.workspace import Workspace
from mvkg.ui import data
from mvkg.ui.pages.shared import context, mark, md_escape, portfolio_picker, verdict_of

ANY = "(any)"
COLUMNS = ("resolution", "section", "item", "modality", "bearers", "verdict", "covering", "missing themes", "themes",
           "sdgs")


def table(items: list[ObligationView]) -> pd.DataFrame:
    return pd.DataFrame([{
        "resolution": o.verdict.resolution, "section": o.verdict.section, "item": o.verdict.item,
        "strength": o.verdict.strength, "verdict": mark(o.verdict.verdict),
        "covering": ", ".join(c.entry for c in o.verdict.covering), "missing themes": ", ".join(o.verdict.missing_themes),
        "id": o.short, "bearers": ", ".join(o.detail.bearers), "modality": o.detail.modality,
        "themes": ", ".join(o.themes), "sdgs": ", ".join(o.sdgs)} for o in items], columns=[*COLUMNS, "strength", "id"])


def obligations() -> None:
    st.title("Obligations")
    ws, key = context()
    add_resolution(ws)
    portfolio = portfolio_picker(ws, key, "obligations")
    view = data.obligations_view(str(ws.root), key, portfolio)
    with st.expander("Filters", expanded=True):
        cols = st.columns(4)
        picks = {}
        for i, (facet, label) in enumerate((("resolution", "Resolution"), ("section", "Section"),
                                            ("modality", "Modality"), ("verdict", "Verdict"))):
            options = view.values(facet)
            if facet == "verdict":
                options = [mark(v) for v in options]
            default = [v for v in st.query_params.get_all(facet) if v in options]
            picks[facet] = cols[i % 4].multiselect(label, options, default=default, key=f"f-{facet}")
        cols = st.columns(3)
        singles = {facet: col.selectbox(label, [ANY] + view.values(facet))
                   for col, (facet, label) in zip(cols, (("bearers", "Bearer"), ("themes", "Theme"), ("sdgs", "SDG")))}
    for facet, values in picks.items():
        st.query_params[facet] = values
    wanted = {**picks, "verdict": [verdict_of(v) for v in picks["verdict"]],
              **{facet: [value] for facet, value in singles.items() if value != ANY}}
    shown = filter_obligations(view.obligations, wanted)
    st.caption(f"{len(shown)} of {len(view.obligations)} obligations")
    st.dataframe(table(shown), hide_index=True, column_order=list(COLUMNS))
    ids = [o.short for o in shown]
    if not ids:
        return
    asked = st.query_params.get("ob")
    chosen = st.selectbox("Obligation detail", ids, index=ids.index(asked) if asked in ids else 0)
    st.query_params["ob"] = chosen
    detail(view.find(chosen))


def add_resolution(ws: Workspace) -> None:
    """Upload a resolution: parsed by the same pipeline as the CLI; saved only on request."""
    kinds = sorted({s.lstrip(".") for s in pipeline.READABLE})
    with st.expander(f"Add a resolution ({', '.join('.' + k for k in kinds)}; at most 5 MB)"):
        upload = st.file_uploader("Resolution file", type=kinds, key="upload-resolution")
        code = st.text_input("Code (when the text has none in [brackets])", key="upload-code")
        if upload is None:
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            try:
                ingested = pipeline.read_resolution(ws, data.resources(), path, code=code or None)
            except MvkgError as exc:
                st.error(exc.describe())
                return
        rec = ingested.record
        st.write(f"{md_escape(rec.meta.code)}: {len(rec.sections)} sections, {len(rec.obligations)} obligations")
        warnings = pipeline.ingest_warnings(ingested, upload.name)
        if warnings:
            st.warning(f"{len(warnings)} thing(s) to check in what was read:")
            st.text("\n".join(w.describe() for w in warnings))  # shown as text, never as Markdown
        if st.button("Add to the workspace and rebuild"):
            try:
                with st.status("Rebuilding…"):
                    pipeline.add_resolution(ws, data.resources(), ingested)
                st.success(f"{rec.meta.code} added.")
            except MvkgError as exc:
                st.error(exc.describe())


def detail(o: ObligationView) -> None:
    d, row = o.detail, o.verdict
    st.subheader(f"{row.resolution} {row.section} {row.item}")
    st.write(f"**Verdict:** {mark(row.verdict)}  ·  **Modality:** {md_escape(d.modality)} ({md_escape(d.strength)})")
    st.write("**Source text** (" + md_escape(f"{d.file}, code points {d.start}–{d.end}") + "); the obligation is highlighted:")
    lead = d.paragraph[: len(d.paragraph) - len(d.text)]
    st.markdown(md_escape(lead) + ":orange-background[" + md_escape(d.text) + "]")
    st.write("**Bearers:** " + md_escape(", ".join(d.bearers) or "—") + "  ·  **Collaborators:** "
             + md_escape(", ".join(d.collaborators) or "—"))
    if d.condition or d.deadline:
        st.write("**Condition:** " + md_escape(d.condition or "—") + "  ·  **Deadline:** " + md_escape(d.deadline or "—"))
    st.write("**Themes and topics, with the words that triggered them**")
    st.dataframe(pd.DataFrame([{"kind": e.kind, "concept": e.label, "words": e.words} for e in d.evidence]), hide_index=True)
    st.write("**Covering entries**")
    if row.covering:
        st.dataframe(pd.DataFrame([{"entry": c.entry, "relation": c.relation, "status": c.status, "rationale": c.rationale}
                                   for c in row.covering]), hide_index=True)
    else:
        st.write("None in this portfolio.")
    st.write("**SHACL messages**")
    for r in o.results:
        st.write(f"- {r.severity}: " + md_escape(r.message))
    if not o.results:
        st.write("None (covered).")
