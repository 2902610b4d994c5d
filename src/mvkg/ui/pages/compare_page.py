"""Compare drafts: two drafts clause by clause (typed pairs with score and evidence), the
merged view, and a review form (confirm, change, reject; who and when are kept)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mvkg import pipeline
from mvkg.analysis.align import DECISIONS, RELATIONS, align, load_decisions, merged_view
from mvkg.analysis.explore import resolution_codes
from mvkg.analysis.views import default_drafts
from mvkg.kernel.errors import MvkgError
from mvkg.ui import data
from mvkg.ui.pages.shared import context


def compare() -> None:
    st.title("Compare drafts")
    ws, key = context()
    store = data.graph(str(ws.root), key)
    codes = resolution_codes(store)
    first, second = default_drafts(codes)
    c1, c2 = st.columns(2)
    a = c1.selectbox("Draft A", codes, index=first)
    b = c2.selectbox("Draft B", codes, index=second)
    if a == b:
        st.info("Pick two different drafts.")
        return
    pairs = align(store, a, b, load_decisions(ws))
    st.caption("Relations: equivalent; broader = A asks for more than B; narrower = B asks for more; overlapping; "
               "unmatched = only one draft asks for it. Suggestions combine text similarity with shared themes, "
               "bearers and action; an analyst's review wins.")
    st.subheader("Clause by clause")
    st.dataframe(pd.DataFrame([{
        a: f"{p.a.section} {p.a.item}" if p.a else "—", "relation": p.relation, b: f"{p.b.section} {p.b.item}" if p.b else "—",
        "score": round(p.score, 2), "status": p.status + (f" by {p.decided_by} on {p.decided_on}" if p.decided_by else ""),
        "shared themes": ", ".join(p.evidence.get("shared_themes", [])),
        "key phrases": ", ".join(p.evidence.get("key_phrases", []))} for p in pairs]), hide_index=True)
    st.subheader("Merged view (for a compromise text)")
    st.dataframe(pd.DataFrame(merged_view(pairs)).rename(columns={"a": a, "b": b}), hide_index=True)
    st.subheader("Review a pair")
    matched = {f"{p.a.section} {p.a.item} ~ {p.b.section} {p.b.item} ({p.relation}, {p.status})": p
               for p in pairs if p.a and p.b}
    with st.form("review"):
        choice = st.selectbox("Pair", list(matched))
        decision = st.radio("Decision", list(DECISIONS), horizontal=True)
        relation = st.selectbox("Relation (when changed)", list(RELATIONS))
        by = st.text_input("Your name")
        submitted = st.form_submit_button("Record decision")
    if submitted and choice:
        p = matched[choice]
        try:
            path = pipeline.review_pair(ws, p.a.key, p.b.key, decision, relation if decision == "changed" else "", by)
            st.success(f"Decision recorded in {ws.relative(path)}.")
        except MvkgError as exc:
            st.error(exc.describe())
