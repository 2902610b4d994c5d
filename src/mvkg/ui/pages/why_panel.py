"""The "why" of an obligation's verdict and what to do next (analysis/why.py), as the obligation
detail shows it: the reason, the missing themes and the entries that come closest, the entries
examined and judged none, the extraction warnings, and the next actions. Each gap leads to the
suggestions for it and to the assessment form below it. Also the cached worklist and
suggestions the Obligations page reads."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import streamlit as st

from mvkg.analysis.suggest import Suggestion, suggest
from mvkg.analysis.why import ADD_STANDARD, CHECK_EXTRACTION, NEEDS_ASSESSMENT, NEEDS_REVIEW, Examined, Why, explain_all
from mvkg.kernel.workspace import Workspace
from mvkg.ui import data
from mvkg.ui.pages.shared import mark, md_escape
from mvkg.ui.pages.tables import light_table

FOCUS = "why-focus"  # session state: the gap (theme, or "" for any) whose suggestions the form offers first
FOCUS_NEW = "why-focus-new"  # set when a gap was just chosen: the form starts from its best suggestion
SUGGESTED = 12  # suggestions shown for an obligation

# The worklist filters, as the page names them, and the next actions each stands for.
NEXT_FILTERS = {"needs assessment": (NEEDS_ASSESSMENT,), "needs review": (NEEDS_REVIEW,),
                "needs a standard": (ADD_STANDARD,), "has extraction warnings": (CHECK_EXTRACTION,)}


def whys(root: str, key: str, portfolio: str) -> dict[str, Why]:
    """Every obligation's why and next actions against the portfolio, by IRI (once per what
    the portfolio's judgement reads: data.judged)."""
    return _whys(root, data.judged(root, key, portfolio), portfolio, key)


@st.cache_data(show_spinner="Working out what to do next…", max_entries=32)
def _whys(root: str, judged_key: str, portfolio: str, _key: str) -> dict[str, Why]:
    view = data.obligations_view(root, _key, portfolio)
    cov, _ = data.run(root, _key, portfolio)
    texts = {o.id: o.detail.text for o in view.obligations}
    return {w.id: w for w in explain_all(data.graph(root, _key), cov, texts)}


def suggestions(root: str, key: str, obligation: str, portfolio: str | None) -> tuple[Suggestion, ...]:
    """The suggest ranking for an obligation (entries not yet assessed for it), with reasons;
    from a portfolio's members, once per what its judgement reads (data.judged)."""
    return _suggestions(root, key if portfolio is None else data.judged(root, key, portfolio), obligation, portfolio, key)


@st.cache_data(show_spinner="Ranking the catalogue…", max_entries=64)
def _suggestions(root: str, reads: str, obligation: str, portfolio: str | None, _key: str) -> tuple[Suggestion, ...]:
    return tuple(suggest(data.graph(root, _key), obligation, portfolio=portfolio, top=SUGGESTED))


def _entries_table(entries: tuple[Examined, ...], closest_first: bool = False) -> None:
    light_table([{"entry": e.entry, "status": e.status, "relation": e.relation, "review": e.review,
                 "its themes that count": e.themes or "—", "rationale": e.rationale} for e in entries])
    if closest_first:
        st.caption("Closest first: full before partial, in force before drafts, more of the obligation's themes first.")


def why_panel(ws: Workspace, w: Why) -> None:
    """The why of the verdict and the next actions, each gap with a way to its suggestions."""
    st.markdown("#### Why " + md_escape(mark(w.verdict)))
    st.write(md_escape(w.reason))
    if w.missing_themes:
        st.write("**Missing themes:** " + md_escape(", ".join(w.missing_themes)))
    if w.covering:
        st.write("**Covering entries of this portfolio**" + (" (the closest first)" if w.verdict == "partial" else ""))
        _entries_table(w.covering, closest_first=w.verdict == "partial")
    if w.verdict == "not-covered":
        st.write("**Examined and judged not to cover it**")
        if w.judged_none:
            _entries_table(w.judged_none)
        else:
            st.write("No entry of this portfolio has been examined for it.")
    if w.outside:
        st.write("**Covering it from outside this portfolio**")
        _entries_table(w.outside)
    if w.warnings:
        st.write("**Extraction warnings**")
        st.text("\n".join(w.warnings))  # as text, never as Markdown
    next_actions(ws, w)


def next_actions(ws: Workspace, w: Why) -> None:
    st.markdown("#### What to do next")
    if not w.actions:
        st.write("Nothing: it is covered and every assessment is reviewed.")
        return
    for i, a in enumerate(w.actions):
        cols = st.columns([3, 1])
        cols[0].write("- " + md_escape(a.text))
        if a.kind in (ADD_STANDARD, NEEDS_ASSESSMENT):
            label = f"Suggestions for {a.theme}" if a.theme else "Suggestions"
            if cols[1].button(label, key=f"why-gap-{w.short}-{i}", help="Show the entries that could fill this gap, "
                              "then record an assessment in the form below"):
                st.session_state[FOCUS] = (w.id, a.theme)
                st.session_state[FOCUS_NEW] = True
        elif a.kind == NEEDS_REVIEW:
            cols[1].caption("Mark them reviewed under 'Assessments' below.")
        elif a.kind == CHECK_EXTRACTION:
            cols[1].markdown(f"[Correct it](corrections?ob={quote(w.short, safe='')}) on the Corrections page")


def focus(w: Why) -> str | None:
    """The gap the analyst asked suggestions for (a theme, "" for any), or None."""
    asked = st.session_state.get(FOCUS)
    return asked[1] if asked and asked[0] == w.id else None


def suggestion_rows(items: tuple[Suggestion, ...]) -> list[dict[str, object]]:
    return [{"entry": s.entry, "score": f"{s.score:.2f}", "title": s.title, "status": s.status,
             "why suggested": s.reasons} for s in items]


def suggestions_for(root: Path, key: str, w: Why, portfolio: str, whole_catalogue: bool) -> tuple[Suggestion, ...]:
    """The suggestions shown for an obligation; with a gap in focus, those that address its theme first."""
    found = suggestions(str(root), key, w.id, None if whole_catalogue else portfolio)
    theme = focus(w)
    if theme:
        found = tuple(sorted(found, key=lambda s: theme not in s.themes_addressed))
    return found
