"""Compare drafts: two drafts clause by clause (typed pairs with score and evidence), the
merged view, and a review form (confirm, change, reject; who and when are kept). A decision
is shown at once: the page is read again after it."""

from __future__ import annotations

import streamlit as st

from mvkg import pipeline
from mvkg.analysis.align import DECISIONS, RELATIONS, align, load_decisions, merged_view
from mvkg.analysis.explore import resolution_codes
from mvkg.analysis.views import default_drafts
from mvkg.kernel.errors import MvkgError
from mvkg.ui import data
from mvkg.ui.identity import current_actor
from mvkg.ui.pages.shared import after_write, context, flash, show_error
from mvkg.ui.pages.tables import light_table


def compare() -> None:
    st.title("Compare drafts")
    flash()
    ws, key = context()
    store = data.graph(str(ws.root), key)
    codes = resolution_codes(store)
    first, second = default_drafts(codes)
    c1, c2 = st.columns(2)
    a = c1.selectbox("Draft A", codes, index=first, key="draft-a")
    b = c2.selectbox("Draft B", codes, index=second, key="draft-b")
    if a == b:
        st.info("Pick two different drafts.")
        return
    pairs = align(store, a, b, load_decisions(ws))
    st.caption("Relations: equivalent; broader = A asks for more than B; narrower = B asks for more; overlapping; "
               "unmatched = only one draft asks for it. Suggestions combine text similarity with shared themes, "
               "bearers and action; an analyst's review wins.")
    st.subheader("Clause by clause")
    light_table([{
        a: f"{p.a.section} {p.a.item}" if p.a else "—", "relation": p.relation, b: f"{p.b.section} {p.b.item}" if p.b else "—",
        "score": round(p.score, 2), "status": p.status + (f" by {p.decided_by} on {p.decided_on}" if p.decided_by else ""),
        "shared themes": tuple(p.evidence.get("shared_themes", [])),
        "key phrases": tuple(p.evidence.get("key_phrases", []))} for p in pairs])
    st.subheader("Merged view (for a compromise text)")
    merged = merged_view(pairs)
    light_table([{a if k == "a" else b if k == "b" else k: v for k, v in row.items()} for row in merged])
    st.subheader("Review a pair")
    matched = {(p.a.key, p.b.key): p for p in pairs if p.a and p.b}

    def named(k: tuple[str, str]) -> str:
        p = matched[k]
        assert p.a and p.b  # matched holds only pairs with both sides
        return f"{p.a.section} {p.a.item} ~ {p.b.section} {p.b.item} ({p.relation}, {p.status})"

    with st.form("review"):
        choice = st.selectbox("Pair", list(matched), format_func=named, key="review-pair")
        decision = st.radio("Decision", list(DECISIONS), horizontal=True)
        relation = st.selectbox("Relation (when changed)", list(RELATIONS))
        submitted = st.form_submit_button("Record decision")
    if submitted and choice:
        p = matched[choice]
        assert p.a and p.b
        try:
            path = pipeline.review_pair(ws, p.a.key, p.b.key, decision, relation if decision == "changed" else "",
                                       current_actor())
        except MvkgError as exc:
            show_error(exc)
            return
        after_write(f"Decision recorded in {ws.relative(path)}.")
