"""One obligation in detail: its verdict and why, what to do next, the source text highlighted
in its paragraph, bearers, triggers, SHACL messages, and the assessing of it (candidate
entries, the form, the assessments on record)."""

from __future__ import annotations

import streamlit as st

from mvkg.analysis.views import ObligationView
from mvkg.analysis.why import Why
from mvkg.kernel.workspace import Workspace
from mvkg.ui.pages.assessment_form import assess
from mvkg.ui.pages.shared import mark, md_escape
from mvkg.ui.pages.tables import light_table
from mvkg.ui.pages.why_panel import why_panel


def detail(ws: Workspace, key: str, o: ObligationView, w: Why, portfolio: str) -> None:
    d, row = o.detail, o.verdict
    st.subheader(md_escape(o.label))
    st.write(f"**Verdict:** {md_escape(mark(row.verdict))}  ·  **Modality:** {md_escape(d.modality)} "
             f"({md_escape(d.strength)})")
    # each part in its own slot: when a write changes how much the why says, the parts below keep
    # their places in the page's element tree, and the browser moves them instead of drawing them anew
    with st.container():
        why_panel(ws, w)
    with st.container():
        source(o)
    with st.container():
        assess(ws, key, w, portfolio)


def source(o: ObligationView) -> None:
    d = o.detail
    st.markdown("#### The obligation")
    st.write("**Source text** (" + md_escape(f"{d.file}, code points {d.start}–{d.end}") + "); the obligation is highlighted:")
    lead = d.paragraph[: len(d.paragraph) - len(d.text)]
    st.markdown(md_escape(lead) + ":orange-background[**" + md_escape(d.text) + "**]")
    st.write("**Bearers:** " + md_escape(", ".join(d.bearers) or "—") + "  ·  **Collaborators:** "
             + md_escape(", ".join(d.collaborators) or "—"))
    if d.condition or d.deadline:
        st.write("**Condition:** " + md_escape(d.condition or "—") + "  ·  **Deadline:** " + md_escape(d.deadline or "—"))
    st.write("**Themes and topics, with the words that triggered them**")
    light_table([{"kind": e.kind, "concept": e.label, "words": e.words} for e in d.evidence])
    st.write("**SHACL messages**")
    for r in o.results:
        st.write("- " + md_escape(f"{r.severity}: {r.message}"))
    if not o.results:
        st.write("None (covered).")
