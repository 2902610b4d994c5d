"""Corrections: the obligations ingest was unsure of (warnings, confidence), a form to correct
what the extractor got wrong, and the corrections on record with whether each still applies.
Every change goes through `pipeline.correct_obligation` / `withdraw_correction`, which bring
the graph up to date, so the other pages see it at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from mvkg import pipeline
from mvkg.analysis.obligations import list_obligations
from mvkg.inputs.assessments import ObligationRef, resolve_obligation
from mvkg.inputs.correction_reviews import review_key
from mvkg.inputs.corrections import KINDS
from mvkg.kernel.errors import InputError, MvkgError
from mvkg.kernel.namespaces import short_id
from mvkg.ui import data
from mvkg.ui.identity import current_actor
from mvkg.ui.pages.shared import context, md_escape, say, show_error, shown_as

_VALUE_HELP = {
    "bearers": "Actors separated by ';' (labels or notations from the ontology), e.g. Director of TSB; Member States",
    "strength": "binding or recommendation",
    "modality": "An operative verb, e.g. invites",
    "themes": "Themes separated by ';' (labels or notations); empty removes every theme",
    "item": "The item label as printed",
    "split": "The words the second part starts with",
    "merge": "Pick the obligation to join below",
    "not-obligation": "No value",
}


def corrections() -> None:
    st.title("Corrections")
    ws, key = context()
    rows = list_obligations(data.graph(str(ws.root), key), data.resources())
    label = {r.id: f"{r.resolution} {r.section} {r.item}".strip() for r in rows}
    unsure = [r for r in rows if r.warnings or r.corrected]
    st.subheader("To check")
    if unsure:
        st.dataframe(pd.DataFrame([{"obligation": label[r.id], "confidence": r.confidence,
                                    "warnings": "\n".join(r.warnings), "corrected": ", ".join(r.corrected),
                                    "text": r.text} for r in unsure]),
                     hide_index=True, column_config={"text": st.column_config.TextColumn(width="large")})
    else:
        st.success(f"Ingest raised no doubt about any of the {len(rows)} obligations.")
    st.subheader("Correct an obligation")
    ids = [r.id for r in rows]
    _follow_link(rows)
    chosen = st.selectbox("Obligation", ids, format_func=shown_as(label), key="correct-obligation")
    kind = st.selectbox("What is wrong", KINDS, key="correct-kind")
    current = next((r for r in rows if r.id == chosen), None)
    if current is not None:
        st.text(current.text)  # shown as text, never as markdown
        st.caption(md_escape(f"bearers: {', '.join(current.bearers) or '—'} · themes: {', '.join(current.themes) or '—'} · "
                             f"item: {current.item or '—'} · modality: {current.modality}"))
    with st.form("correct"):
        if kind == "merge":
            value = st.selectbox("Join with", [i for i in ids if i != chosen], format_func=shown_as(label))
            value = short_id(value) if value else ""
        else:
            value = st.text_input("Corrected value", help=_VALUE_HELP[kind], disabled=kind == "not-obligation")
        why = st.text_area("Why (kept with the correction)")
        submitted = st.form_submit_button("Record correction")
    if submitted and chosen:
        try:
            change = pipeline.correct_obligation(ws, data.resources(), short_id(chosen), kind, value or "", why=why,
                                                 actor=current_actor(), at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
            st.cache_data.clear()
            say("success", f"Corrected {label[chosen]} ({kind}); the graph is up to date with "
                           f"{change.report.obligations} obligations.")
        except MvkgError as exc:
            show_error(exc)
    _on_record(ws)


def _follow_link(rows) -> None:
    """A link's `?ob=` (a short id, or a name as analysts write it: "ATU-MV resolves b")
    picks the obligation the first time the page opens in a session; an unknown one is named."""
    asked = st.query_params.get("ob")
    if not asked or "correct-obligation" in st.session_state:
        return
    try:
        short = resolve_obligation(asked, [ObligationRef(r.id, r.resolution, r.section, r.item) for r in rows])
    except InputError:
        short = None
    found = next((r.id for r in rows if short_id(r.id) == short), None)
    if found is None:
        st.warning(md_escape(f"Obligation '{asked}' not found in this workspace."))
    else:
        st.session_state["correct-obligation"] = found


def _on_record(ws) -> None:
    st.subheader("On record")
    stored = pipeline.corrections(ws, data.resources())
    if not stored:
        st.info("No corrections yet.")
        return
    reviews = pipeline.correction_reviews(ws)
    st.dataframe(pd.DataFrame([{"line": c.line, "obligation": f"{c.resolution} {c.obligation}", "kind": c.kind,
                                "value": c.value, "by": c.by, "at": c.at, "why": c.why,
                                "applied": "yes" if ok else "no: its words are no longer in the resolution",
                                "reviewed": _reviewed(reviews.get(review_key(c)))}
                               for c, ok in stored]), hide_index=True)
    line = st.selectbox("Correction on line", [c.line for c, _ in stored], key="remove-line")
    confirm, remove = st.columns(2)
    if confirm.button("Confirm correction (reviewer)"):
        _act(lambda: pipeline.review_correction(ws, data.resources(), int(line), actor=current_actor(),
                                                at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))
    if remove.button("Remove correction"):
        _act(lambda: pipeline.withdraw_correction(ws, data.resources(), int(line), actor=current_actor()))


def _reviewed(review) -> str:
    return f"{review.by}, {review.at}" if review else "not yet"


def _act(write) -> None:
    """Run a write; refusals (a missing role, a stale line) are shown, nothing else changes."""
    try:
        write()
    except MvkgError as exc:
        show_error(exc)
        return
    st.cache_data.clear()
    st.rerun()
