"""Obligations: upload a resolution, filter the obligations, and read one in detail (its
source text highlighted, bearers, triggers, covering entries and SHACL messages)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from mvkg import pipeline
from mvkg.analysis.views import ObligationsView, ObligationView, filter_obligations
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.workspace import Workspace
from mvkg.ui import data
from mvkg.ui.pages.shared import (
    after_write,
    context,
    flash,
    mark,
    md_escape,
    portfolio_picker,
    show_error,
    text_table,
    url_choice,
    verdict_of,
)

ANY = "(any)"
SHOWN_AT_MOST = 200  # rows of the list on screen (all of them in the CSV download)
UPLOADS = "upload-count"  # a new file picker after each resolution added


def table(items: list[ObligationView]) -> pd.DataFrame:
    """The list: the verdict first (it stays in view at any width), the obligation (and its
    strength), its own words whole, what covers it and what is missing, who bears it."""
    return pd.DataFrame([{
        "verdict": mark(o.verdict.verdict), "obligation": f"{o.label} ({o.verdict.strength})", "words": o.detail.text,
        "covering": tuple(c.entry for c in o.verdict.covering), "missing themes": o.verdict.missing_themes,
        "bearers": o.detail.bearers, "themes": o.themes} for o in items])


def obligations() -> None:
    st.title("Obligations")
    flash()
    ws, key = context()
    add_resolution(ws)
    portfolio = portfolio_picker(ws, key)
    view = data.obligations_view(str(ws.root), key, portfolio)
    shown = filter_obligations(view.obligations, filters(view))
    st.caption(f"{len(shown)} of {len(view.obligations)} obligations")
    text_table(table(shown[:SHOWN_AT_MOST]))
    if len(shown) > SHOWN_AT_MOST:
        st.caption(f"The first {SHOWN_AT_MOST} are shown; narrow the filters, or download them all.")
    st.download_button("These obligations (CSV)", table(shown).map(md_list).to_csv(index=False), "obligations.csv",
                       "text/csv", on_click="ignore")
    chosen = choose(view, shown)
    if chosen is not None:
        detail(chosen)


def md_list(value: object) -> object:
    return "; ".join(value) if isinstance(value, tuple) else value


def filters(view: ObligationsView) -> dict[str, list[str]]:
    """The facets chosen (kept in the URL for the multi-choice ones)."""
    with st.expander("Filters", expanded=True):
        cols = st.columns(4)
        picks = {}
        for i, (facet, label) in enumerate((("resolution", "Resolution"), ("section", "Section"),
                                            ("modality", "Modality"), ("verdict", "Verdict"))):
            options = view.values(facet)
            if facet == "verdict":
                options = [mark(v) for v in options]
            if f"f-{facet}" not in st.session_state:
                st.session_state[f"f-{facet}"] = [v for v in st.query_params.get_all(facet) if v in options]
            picks[facet] = cols[i % 4].multiselect(label, options, key=f"f-{facet}")
        cols = st.columns(3)
        singles = {facet: col.selectbox(label, [ANY] + view.values(facet), key=f"f-{facet}")
                   for col, (facet, label) in zip(cols, (("bearers", "Bearer"), ("themes", "Theme"), ("sdgs", "SDG")))}
    for facet, values in picks.items():
        st.query_params[facet] = values
    return {**picks, "verdict": [verdict_of(v) for v in picks["verdict"]],
            **{facet: [value] for facet, value in singles.items() if value != ANY}}


def choose(view: ObligationsView, shown: list[ObligationView]) -> ObligationView | None:
    """The obligation read in detail: chosen by name, kept in the URL (`?ob=`); a link to one
    that does not exist, or that the filters leave out, says so and shows no other."""
    names = {o.short: o.label for o in shown}

    def missing(asked: str) -> str:
        known = view.find(asked)
        if known is not None:
            return f"{known.label} ({asked}) is not among the {len(shown)} obligations the filters leave; clear them to read it."
        return f"Obligation '{asked}' not found in this workspace."

    if not names:
        return None
    picked = url_choice("Obligation detail", list(names), "ob-detail", "ob", default=next(iter(names)),
                        format_func=names.get, missing=missing)
    return view.find(picked) if picked else None


def add_resolution(ws: Workspace) -> None:
    """Upload a resolution: parsed by the same pipeline as the CLI; saved only on request."""
    kinds = sorted({s.lstrip(".") for s in pipeline.READABLE})
    with st.expander(f"Add a resolution ({', '.join('.' + k for k in kinds)}; at most 5 MB)"):
        n = st.session_state.setdefault(UPLOADS, 0)
        upload = st.file_uploader("Resolution file", type=kinds, key=f"upload-resolution-{n}")
        code = st.text_input("Code (when the text has none in [brackets])", key="upload-code")
        if upload is None:
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            try:
                ingested = pipeline.read_resolution(ws, data.resources(), path, code=code or None)
            except MvkgError as exc:
                show_error(exc)
                return
        rec = ingested.record
        st.write(md_escape(f"{rec.meta.code}: {len(rec.sections)} sections, {len(rec.obligations)} obligations"))
        warnings = pipeline.ingest_warnings(ingested, upload.name)
        if warnings:
            st.warning(f"{len(warnings)} thing(s) to check in what was read:")
            st.text("\n".join(w.describe() for w in warnings))  # shown as text, never as Markdown
        if st.button("Add to the workspace"):
            try:
                with st.spinner("Adding it to the graph…"):
                    pipeline.add_resolution(ws, data.resources(), ingested)
            except MvkgError as exc:
                show_error(exc)
                return
            st.session_state[UPLOADS] = n + 1
            after_write(f"{rec.meta.code} added: {len(rec.obligations)} obligations.")


def detail(o: ObligationView) -> None:
    d, row = o.detail, o.verdict
    st.subheader(md_escape(o.label))
    st.write(f"**Verdict:** {md_escape(mark(row.verdict))}  ·  **Modality:** {md_escape(d.modality)} "
             f"({md_escape(d.strength)})")
    st.write("**Source text** (" + md_escape(f"{d.file}, code points {d.start}–{d.end}") + "); the obligation is highlighted:")
    lead = d.paragraph[: len(d.paragraph) - len(d.text)]
    st.markdown(md_escape(lead) + ":orange-background[**" + md_escape(d.text) + "**]")
    st.write("**Bearers:** " + md_escape(", ".join(d.bearers) or "—") + "  ·  **Collaborators:** "
             + md_escape(", ".join(d.collaborators) or "—"))
    if d.condition or d.deadline:
        st.write("**Condition:** " + md_escape(d.condition or "—") + "  ·  **Deadline:** " + md_escape(d.deadline or "—"))
    st.write("**Themes and topics, with the words that triggered them**")
    text_table([{"kind": e.kind, "concept": e.label, "words": e.words} for e in d.evidence])
    st.write("**Covering entries**")
    if row.covering:
        text_table([{"entry": c.entry, "relation": c.relation, "status": c.status, "rationale": c.rationale}
                    for c in row.covering])
    else:
        st.write("None in this portfolio.")
    st.write("**SHACL messages**")
    for r in o.results:
        st.write("- " + md_escape(f"{r.severity}: {r.message}"))
    if not o.results:
        st.write("None (covered).")
