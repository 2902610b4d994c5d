"""Standards & portfolios: browse the catalogue, tick a portfolio's entries, add hypothetical
standards, see current and projected verdicts side by side, and save the ticked set."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mvkg import pipeline
from mvkg.analysis.views import catalogue_rows, search_catalogue
from mvkg.compliance import whatif
from mvkg.compliance.coverage import FORMULA
from mvkg.inputs.portfolios import DEFAULT_PORTFOLIO
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.namespaces import short_id
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.ui import data
from mvkg.ui.pages.shared import context, mark, md_escape, pct

SESSION_KEY = "hypotheticals"  # the session's hypothetical entries (never saved)


def standards() -> None:
    st.title("Standards & portfolios (what-if)")
    ws, key = context()
    root = str(ws.root)
    entries = data.catalogue(root, key)
    labels = data.lexicon_labels(key)
    portfolios = data.portfolios(root, key)
    catalogue(catalogue_rows(entries, labels))

    st.subheader("Build a portfolio")
    names = sorted(portfolios)
    base = st.selectbox("Start from", names, index=names.index(DEFAULT_PORTFOLIO) if DEFAULT_PORTFOLIO in names else 0)
    ticked = st.multiselect("Entries in the portfolio", [e.id for e in entries], default=list(portfolios[base][1]),
                            key=f"ticked-{base}")
    st.subheader("Add a hypothetical proposed standard")
    cov_now, _ = data.run(root, key, base)
    hypos = hypotheticals(labels["themes"], [short_id(r.id) for r in cov_now.rows])

    st.subheader("Current vs projected")
    member_iris, extra = whatif.whatif_state(ticked, hypos)
    with st.spinner("Judging the projected portfolio…"):
        projected, per_theme = data.run_whatif(root, base, member_iris, extra)
    c1, c2 = st.columns(2)
    c1.metric(f"Current ({base})", pct(cov_now.summary.coverage_percent))
    c2.metric("Projected", pct(projected.summary.coverage_percent), delta=whatif.coverage_delta(cov_now, projected))
    st.caption(f"Formula: {FORMULA}")
    st.dataframe(pd.DataFrame([{"obligation": p.obligation, "current": mark(p.current), "projected": mark(p.projected),
                                "changed": "yes" if p.changed else ""} for p in whatif.projections(cov_now, projected)]),
                 hide_index=True)
    st.caption("Projected verdicts per theme (obligations tagged with the theme)")
    st.dataframe(pd.DataFrame([{"theme": labels["themes"].get(t, t),
                                **{v.mark: c.get(v.notation, 0) for v in VOCABULARY.verdicts}}
                               for t, c in per_theme.items()]), hide_index=True)

    st.subheader("Save the ticked entries as a portfolio")
    with st.form("save"):
        name = st.text_input("Name (lower-case letters, digits, '-')", value="")
        description = st.text_input("Description", value="")
        save = st.form_submit_button("Save portfolio")
    if save:
        try:
            created = pipeline.create_portfolio(ws, data.resources(), name, description=description, include=tuple(ticked))
            st.success(f"Saved {ws.relative(created.path)} ({created.size} entries); rebuild to validate against it.")
        except MvkgError as exc:
            st.error(exc.describe())


def catalogue(rows: list[dict[str, str]]) -> None:
    st.subheader("Catalogue")
    c1, c2, c3 = st.columns(3)
    pub = c1.multiselect("Publisher", sorted({r["publisher"] for r in rows}))
    status = c2.multiselect("Status", sorted({r["status"] for r in rows}))
    text = c3.text_input("Search in id or title")
    st.dataframe(pd.DataFrame(search_catalogue(rows, pub, status, text),
                              columns=["id", "title", "publisher", "kind", "status", "date", "themes"]), hide_index=True)


def hypotheticals(theme_labels: dict[str, str], obligation_ids: list[str]) -> list[whatif.Hypothetical]:
    """The form for a hypothetical entry, and the session's list of them."""
    with st.form("hypothetical"):
        hid = st.text_input("Identifier", value=whatif.EXAMPLE_ID)
        title = st.text_input("Title", value=whatif.EXAMPLE_TITLE)
        theme_choice = st.multiselect("Themes", sorted(theme_labels.values()), default=[])
        covers = st.multiselect("Obligations it would cover", obligation_ids)
        relation = st.radio("Coverage", list(whatif.RELATIONS), horizontal=True)
        status = st.radio("Status", list(whatif.STATUSES), horizontal=True)
        add = st.form_submit_button("Add to what-if")
    hypos = st.session_state.setdefault(SESSION_KEY, [])
    if add:
        by_label = {label: iri for iri, label in theme_labels.items()}
        try:
            hypos.append(whatif.hypothetical(hid, title, status, [by_label[t] for t in theme_choice], covers, relation))
        except MvkgError as exc:
            st.error(exc.describe())
    if hypos:
        st.write("Hypothetical entries in this session: " + md_escape(", ".join(h.id for h in hypos)))
        if st.button("Clear hypothetical entries"):
            hypos.clear()
            st.rerun()
    return hypos
