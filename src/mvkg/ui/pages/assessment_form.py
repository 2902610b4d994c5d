"""Assessing an obligation from its detail: the candidate entries (the suggest ranking, with its
reasons), a form to record an assessment of one of them or of any catalogue entry, and the
obligation's assessments with edit, mark reviewed and remove. Every write is a pipeline call
(a live write: the graph and the verdicts follow before the page is read again) made by
`current_actor()` in a button's callback, so the page runs once after it; its message, or its
refusal (one line; nothing written), is shown under what made it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from mvkg import pipeline
from mvkg.analysis.why import Why
from mvkg.inputs.assessments import DRAFT, RELATIONS, REVIEWED, Stored
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.namespaces import slugify
from mvkg.kernel.workspace import Workspace
from mvkg.ui import data
from mvkg.ui.identity import current_actor
from mvkg.ui.pages.shared import md_escape, say, show_error
from mvkg.ui.pages.tables import light_table
from mvkg.ui.pages.why_panel import FOCUS_NEW, focus, suggestion_rows, suggestions_for

NOT_APPLICABLE = "not-applicable"
NO_ENTRY = ""  # the entry of a not-applicable finding
OUTCOME = "outcome-"  # session: what became of a write a form's callback made, until the page shows it


def assess(ws: Workspace, key: str, w: Why, portfolio: str) -> None:
    """Suggestions, the form, and the assessments on record, for one obligation."""
    st.markdown("#### Candidate entries")
    whole = st.toggle("Suggest from the whole catalogue (not only this portfolio)", key=f"whole-{w.short}",
                      help="An entry outside the portfolio does not change this portfolio's verdict.")
    found = suggestions_for(ws.root, key, w, portfolio, whole)
    theme = focus(w)
    if theme:
        st.caption(md_escape(f"Entries that address {theme} first."))
    light_table(suggestion_rows(found))
    if st.session_state.pop(FOCUS_NEW, False) and found:  # a gap was just chosen: start the form from its best entry
        st.session_state[f"assess-entry-{w.short}"] = found[0].entry
    record_form(ws, key, w, [s.entry for s in found])
    on_record(ws, w)


def _entry_options(ws: Workspace, key: str, suggested: list[str]) -> tuple[list[str], dict[str, str]]:
    """The entries the form offers, suggested ones first, then the whole catalogue by id; and
    how each is named in the dropdown."""
    catalogue = {e.id: e.title for e in data.catalogue(str(ws.root), key)}
    names = {i: f"{i}: {catalogue.get(i, '')}" + (" (suggested)" if i in suggested else "") for i in catalogue}
    names[NO_ENTRY] = "(no entry: not applicable)"
    ordered = [i for i in suggested if i in catalogue] + sorted(i for i in catalogue if i not in suggested)
    return [*ordered, NO_ENTRY], names


def record_form(ws: Workspace, key: str, w: Why, suggested: list[str]) -> None:
    """Record an assessment: entry, relation, rationale, evidence, evidence URL, confidence."""
    actor = current_actor()
    options, names = _entry_options(ws, key, suggested)
    st.markdown("#### Record an assessment")
    with st.form(f"assess-{w.short}", clear_on_submit=False):
        st.selectbox("Entry", options, format_func=lambda k: names[k], key=f"assess-entry-{w.short}", index=None,
                     placeholder="Choose an entry (the suggested ones come first)",
                     help="The suggested entries come first; any catalogue entry can be chosen.")
        st.radio("Relation", RELATIONS, horizontal=True, key=f"assess-relation-{w.short}", index=None)
        st.text_area("Rationale", key=f"assess-rationale-{w.short}",
                     help="Why the entry covers the obligation this far (for not-applicable: why "
                          "standards are not judged against it).")
        cols = st.columns([2, 2, 1])
        cols[0].text_input("Evidence", key=f"assess-evidence-{w.short}",
                           help="The clause or section of the entry that supports it.")
        cols[1].text_input("Evidence URL", key=f"assess-url-{w.short}", help="http or https.")
        cols[2].text_input("Confidence", key=f"assess-confidence-{w.short}", help="From 0 to 1 (optional).")
        st.caption(md_escape(f"Recorded as a draft by {actor.name}, today."))
        # saved in the button's callback, before the page runs: the page then runs once, reading the new build (a
        # write from the page's body made it run twice, the first time only to be cut short by `after_write`'s rerun)
        st.form_submit_button("Save assessment", on_click=_record, args=(ws, w, tuple(suggested)))
    outcome(f"assess-{w.short}")


def _record(ws: Workspace, w: Why, suggested: tuple[str, ...]) -> None:
    """The form's values, as submitted, recorded (a callback: it runs before the page)."""
    actor = current_actor()

    def value(field: str) -> str:
        return st.session_state.get(f"assess-{field}-{w.short}") or ""

    entry, relation = value("entry"), value("relation")
    method = "machine-suggested" if entry in suggested else "manual"
    _write(lambda: pipeline.add_assessment(ws, data.resources(), w.short, entry or NO_ENTRY, relation, value("rationale"),
                                           actor=actor, evidence=value("evidence"), evidence_url=value("url"),
                                           confidence=value("confidence"), method=method),
           f"Assessment of {w.label} ← {entry or 'not applicable'} ({relation}) recorded as a draft by {actor.name}.",
           f"assess-{w.short}")


def _write(call: Callable[[], object], message: str, where: str) -> None:
    """Run a pipeline write from a callback (it runs before the page, which then runs once and
    reads the new build): its message, or its refusal (nothing written), is kept for
    `outcome(where)` to show once under the form or buttons that made it. A message at the top
    of the page would move everything below it, which the browser then draws again (0.5 s and more)."""
    try:
        call()
    except MvkgError as exc:
        st.session_state[OUTCOME + where] = exc
        return
    st.session_state[OUTCOME + where] = ("success", message)


def outcome(where: str) -> None:
    """What became of the write a callback made from `where` (its message, or its refusal), once."""
    said = st.session_state.pop(OUTCOME + where, None)
    if isinstance(said, MvkgError):
        show_error(said)
    elif said:
        say(*said)


def on_record(ws: Workspace, w: Why) -> None:
    """The obligation's assessments as stored, each with mark reviewed, edit and remove."""
    stored = pipeline.list_assessments(ws, obligation=w.short)
    st.markdown(f"#### Assessments ({len(stored)})")
    if not stored:
        st.write("None yet.")
        outcome(f"actions-{w.short}")  # the last one removed: said here
        return
    light_table([{"entry": s.row["entry"] or "(not applicable)", "relation": s.row["relation"],
                 "review": _review(s), "assessor": s.row["assessor"], "date": s.row["date"],
                 "confidence": s.row["confidence"] or "—", "rationale": s.row["rationale"],
                 "evidence": " ".join(x for x in (s.row["evidence"], s.row["evidence_url"]) if x) or "—"} for s in stored])
    names = {_key(s): s.row["entry"] or "(not applicable)" for s in stored}
    chosen = st.selectbox("Assessment to change", list(names), format_func=lambda k: names[k],
                          key=f"assessment-pick-{w.short}")
    current = next(s for s in stored if _key(s) == chosen)
    actions(ws, w, current)


def _key(s: Stored) -> str:
    return slugify(s.row["entry"]) or NOT_APPLICABLE


def _review(s: Stored) -> str:
    if (s.row.get("review") or DRAFT) == REVIEWED:
        return f"reviewed by {s.row.get('reviewed_by', '')} on {s.row.get('reviewed_on', '')}"
    return DRAFT


def actions(ws: Workspace, w: Why, s: Stored) -> None:
    """Mark reviewed (or reopen), edit, remove: each with the version read, so a row someone
    changed meanwhile is not overwritten. Each writes in its button's callback, before the page
    runs (the page then runs once, reading the new build)."""
    entry, tag, where = s.row["entry"], f"{w.short}-{_key(s)}", f"actions-{w.short}"
    name = f"{w.label} ← {entry or 'not applicable'}"
    cols = st.columns(3)
    if (s.row.get("review") or DRAFT) == DRAFT:
        cols[0].button("Mark reviewed", key=f"review-{tag}", on_click=_set_review, args=(ws, w, s, REVIEWED, name))
    else:
        cols[0].button("Back to draft", key=f"reopen-{tag}", on_click=_set_review, args=(ws, w, s, DRAFT, name))
    editing = cols[1].toggle("Edit", key=f"edit-{tag}")
    if cols[2].button("Remove", key=f"remove-{tag}"):
        st.session_state[f"confirm-{tag}"] = True
    if st.session_state.get(f"confirm-{tag}"):
        st.warning(md_escape(f"Remove the assessment {name}? The verdict follows at once."))
        st.button("Yes, remove it", key=f"really-remove-{tag}", on_click=_remove, args=(ws, w, s, tag, name))
    outcome(where)
    if editing:
        edit_form(ws, w, s, tag, name)


def _set_review(ws: Workspace, w: Why, s: Stored, state: str, name: str) -> None:
    actor = current_actor()
    said = f"{name} marked reviewed by {actor.name}." if state == REVIEWED else f"{name} is a draft again."
    _write(lambda: pipeline.review_assessment(ws, data.resources(), w.short, s.row["entry"], actor=actor, state=state,
                                              expected_version=s.version), said, f"actions-{w.short}")


def _remove(ws: Workspace, w: Why, s: Stored, tag: str, name: str) -> None:
    st.session_state.pop(f"confirm-{tag}", None)
    _write(lambda: pipeline.remove_assessment(ws, data.resources(), w.short, s.row["entry"], actor=current_actor(),
                                              expected_version=s.version), f"{name} removed.", f"actions-{w.short}")


EDITED = ("relation", "rationale", "evidence", "evidence_url", "confidence")  # the edit form's fields, as the row names them


def edit_form(ws: Workspace, w: Why, s: Stored, tag: str, name: str) -> None:
    actor = current_actor()
    row = s.row
    with st.form(f"edit-form-{tag}"):
        st.radio("Relation", RELATIONS, index=RELATIONS.index(row["relation"]), horizontal=True,
                 key=f"edit-relation-{tag}")
        st.text_area("Rationale", value=row["rationale"], key=f"edit-rationale-{tag}")
        cols = st.columns([2, 2, 1])
        cols[0].text_input("Evidence", value=row["evidence"], key=f"edit-evidence-{tag}")
        cols[1].text_input("Evidence URL", value=row["evidence_url"], key=f"edit-evidence_url-{tag}")
        cols[2].text_input("Confidence", value=row["confidence"], key=f"edit-confidence-{tag}")
        st.caption(md_escape(f"Saving makes {actor.name} its assessor and a reviewed assessment a draft again."))
        st.form_submit_button("Save changes", on_click=_edit, args=(ws, w, s, tag, name))
    outcome(f"edit-{tag}")


def _edit(ws: Workspace, w: Why, s: Stored, tag: str, name: str) -> None:
    """The edit form's values, as submitted, saved (a callback); only the fields that changed."""
    changes = {k: v for k in EDITED if (v := st.session_state.get(f"edit-{k}-{tag}") or "") != s.row[k]}
    if not changes:
        st.session_state[OUTCOME + f"edit-{tag}"] = ("info", "Nothing changed.")
        return
    actor = current_actor()
    _write(lambda: pipeline.edit_assessment(ws, data.resources(), w.short, s.row["entry"], changes, actor=actor,
                                            expected_version=s.version), f"{name} changed by {actor.name}.",
           f"edit-{tag}")
