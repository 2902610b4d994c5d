"""Standards & portfolios: browse the catalogue, tick a portfolio's entries, add hypothetical
standards, see current and projected verdicts side by side, and save the ticked set with its
hypothetical standards as a portfolio (judged as projected)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from mvkg import pipeline
from mvkg.analysis.views import catalogue_rows, search_catalogue
from mvkg.compliance import whatif
from mvkg.compliance.coverage import FORMULA
from mvkg.inputs.catalogue_freshness import freshness_by_id, stale_after_days
from mvkg.inputs.portfolios import portfolio_version
from mvkg.inputs.versions import StaleEditError
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.namespaces import short_id
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.ui import data
from mvkg.ui.conflict import show_conflict
from mvkg.ui.identity import current_actor
from mvkg.ui.pages.shared import context, flash, mark, md_escape, pct, portfolio_picker, say, show_error, shown_as
from mvkg.ui.pages.tables import light_table

SESSION_KEY = "hypotheticals"  # the session's hypothetical entries (saved only with a portfolio)
READ_VERSION = "portfolio-version-{}"  # the version of the base portfolio when this session's what-if started from it
CATALOGUE_SHOWN = 50  # catalogue rows on screen at once
SAVE_NAME, SAVE_DESCRIPTION, SAVE_REPLACE = "save-name", "save-description", "save-replace"  # the save form's fields
OUTCOME = "save-outcome"  # session: what became of the last save (its message or refusal), until the page shows it


def standards() -> None:
    st.title("Standards & portfolios (what-if)")
    flash()
    ws, key = context()
    root = str(ws.root)
    entries = data.catalogue(root, key)
    labels = data.lexicon_labels(key)
    portfolios = data.portfolios(root, key)
    fresh = freshness_by_id(entries, date.today(), stale_after_days(ws))
    catalogue([{**r, "checked": fresh[r["id"]].note} for r in catalogue_rows(entries, labels)])

    st.subheader("Build a portfolio")
    base = portfolio_picker(ws, key)
    st.caption("The what-if starts from this portfolio's entries.")
    st.session_state.setdefault(READ_VERSION.format(base), portfolio_version(ws, base))
    ticked = st.multiselect("Entries in the portfolio", [e.id for e in entries], default=list(portfolios[base][1]),
                            key=f"ticked-{base}")
    st.subheader("Add a hypothetical proposed standard")
    cov_now = data.whatif_start(root, key, base)[0]  # the what-if's own start: one validation of the base, not two
    names = {r.id: f"{r.resolution} {r.section} {r.item}" for r in cov_now.rows}
    hypos = hypotheticals(labels["themes"], names)

    st.subheader("Current vs projected")
    member_iris, extra = whatif.whatif_state(ticked, hypos)
    with st.spinner("Judging the projected portfolio…"):
        projected, per_theme = data.run_whatif(root, base, member_iris, extra)
    c1, c2 = st.columns(2)
    c1.metric(f"Current ({md_escape(base)})", pct(cov_now.summary.coverage_percent))
    c2.metric("Projected", pct(projected.summary.coverage_percent), delta=whatif.coverage_delta(cov_now, projected))
    st.caption(f"Formula: {FORMULA} Proposed and in-progress entries never count as coverage.")
    changes = sorted(whatif.projections(cov_now, projected), key=lambda p: not p.changed)  # changed rows first
    light_table([{"obligation": p.obligation, "current": mark(p.current), "projected": mark(p.projected),
                 "changed": "yes" if p.changed else ""} for p in changes])
    st.caption("Projected verdicts per theme (obligations tagged with the theme)")
    light_table([{"theme": labels["themes"].get(t, t), **{v.mark: c.get(v.notation, 0) for v in VOCABULARY.verdicts}}
                for t, c in per_theme.items()])
    save(ws, base, tuple(ticked), tuple(hypos))


def save(ws, base: str, ticked: tuple[str, ...], hypos: tuple[whatif.Hypothetical, ...]) -> None:
    st.subheader("Save the ticked entries as a portfolio")
    if hypos:
        st.caption("The hypothetical entries are saved with it (in data/catalogue/hypothetical.csv, with the "
                   "coverage they were assumed to give), and count in this portfolio only.")
    with st.form("save"):
        st.text_input("Name (lower-case letters, digits, '-')", key=SAVE_NAME)
        st.text_input("Description", key=SAVE_DESCRIPTION)
        st.checkbox(f"Replace the portfolio '{base}' this what-if started from (the name above is then not used)",
                    key=SAVE_REPLACE, help="Refused, with the difference shown, if someone changed it since you opened it.")
        # saved in the button's callback, before the page runs: the page then runs once, reading the new build
        # (a save from the page's body ran it twice, the first time only to be cut short by the rerun)
        st.form_submit_button("Save portfolio", on_click=_save, args=(ws, base, ticked, hypos))
    # what became of the save, under the form: a message at the top of the page would move everything below
    # it, which the browser then draws again (0.5-1 s after each save, measured under load)
    said = st.session_state.pop(OUTCOME, None)
    if isinstance(said, StaleEditError):
        show_conflict(said)
    elif isinstance(said, MvkgError):
        show_error(said)
    elif said:
        say("success", said)


def _save(ws, base: str, ticked: tuple[str, ...], hypos: tuple[whatif.Hypothetical, ...]) -> None:
    """The form's values, as submitted, saved (a callback: it runs before the page); its message
    or refusal is kept for the page to show under the form."""
    read = READ_VERSION.format(base)
    replace = bool(st.session_state.get(SAVE_REPLACE))
    try:
        saved = pipeline.save_whatif(ws, data.resources(), base if replace else st.session_state.get(SAVE_NAME) or "",
                                     description=st.session_state.get(SAVE_DESCRIPTION) or "", entries=ticked,
                                     hypotheticals=hypos, actor=current_actor(),
                                     replace_version=st.session_state.get(read) if replace else None)
    except StaleEditError as exc:
        st.session_state[OUTCOME] = exc
        st.session_state.pop(read, None)  # saving again replaces what is stored now, which the analyst has seen
        return
    except MvkgError as exc:
        st.session_state[OUTCOME] = exc
        return
    st.session_state.pop(read, None)
    kept = f", with the hypothetical {', '.join(h.id for h in hypos)}" if hypos else ""
    st.session_state[SESSION_KEY] = []
    # the page runs next, and reads the new build (every cached read is keyed by it)
    st.session_state[OUTCOME] = f"Saved {ws.relative(saved.path)} ({saved.size} entries{kept})."


def catalogue(rows: list[dict[str, str]]) -> None:
    st.subheader("Catalogue")
    c1, c2, c3 = st.columns(3)
    pub = c1.multiselect("Publisher", sorted({r["publisher"] for r in rows}), key="cat-publisher")
    status = c2.multiselect("Status", sorted({r["status"] for r in rows}), key="cat-status")
    text = c3.text_input("Search in id or title", key="cat-search")
    found = search_catalogue(rows, pub, status, text)
    st.caption(f"{len(found)} of {len(rows)} entries" + (f"; the first {CATALOGUE_SHOWN} are shown, narrow the search "
                                                          "to see others" if len(found) > CATALOGUE_SHOWN else ""))
    stale = sum(1 for r in rows if r["checked"].startswith("stale"))
    if stale:
        st.caption(f"{stale} of {len(rows)} entries are stale: their status, date and URL were not checked on the "
                   "publisher's own page within the window of data/catalogue/freshness.toml (or never).")
    light_table([{k: r[k] for k in ("id", "title", "publisher", "kind", "status", "date", "checked", "themes")}
                for r in found[:CATALOGUE_SHOWN]])


def hypotheticals(theme_labels: dict[str, str], obligations: dict[str, str]) -> list[whatif.Hypothetical]:
    """The form for a hypothetical entry, and the session's list of them."""
    shorts = {short_id(iri): label for iri, label in obligations.items()}
    with st.form("hypothetical"):
        hid = st.text_input("Identifier", value=whatif.EXAMPLE_ID)
        title = st.text_input("Title", value=whatif.EXAMPLE_TITLE)
        theme_iris = sorted(theme_labels, key=lambda t: theme_labels[t])
        theme_choice = st.multiselect("Themes", theme_iris, default=[], format_func=shown_as(theme_labels))
        covers = st.multiselect("Obligations it would cover", list(shorts), format_func=shown_as(shorts))
        relation = st.radio("Coverage", list(whatif.RELATIONS), horizontal=True)
        status = st.radio("Status", list(whatif.STATUSES), horizontal=True,
                          help="Only published and approved entries count as coverage; a proposed one shows as "
                               "'proposed-only'.")
        add = st.form_submit_button("Add to what-if")
    hypos = st.session_state.setdefault(SESSION_KEY, [])
    if add:
        try:
            hypos.append(whatif.hypothetical(hid, title, status, theme_choice, covers, relation))
        except MvkgError as exc:
            show_error(exc)
    if hypos:
        st.write("Hypothetical entries in this session: " + md_escape(", ".join(h.id for h in hypos)))
        if st.button("Clear hypothetical entries"):
            hypos.clear()
            st.rerun()
    return hypos
