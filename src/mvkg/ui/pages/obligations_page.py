"""Obligations as a worklist: upload a resolution; filter the obligations (by facet and by what
is to be done: needs assessment, needs review, needs a standard, has extraction warnings); the
list shows each one's own words whole, its verdict, what is missing and the next action, and
opens its detail by name. The detail (obligation_detail.py) says why, and assesses it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from mvkg import pipeline
from mvkg.analysis.views import ObligationsView, ObligationView, filter_obligations
from mvkg.analysis.why import Why, with_action
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.workspace import Workspace
from mvkg.query.sparql import to_csv
from mvkg.ui import data
from mvkg.ui.identity import current_actor
from mvkg.ui.pages.obligation_detail import detail
from mvkg.ui.pages.shared import (
    after_write,
    context,
    flash,
    mark,
    md_escape,
    portfolio_picker,
    show_error,
    url_choice,
    verdict_of,
)
from mvkg.ui.pages.tables import markdown_table
from mvkg.ui.pages.why_panel import NEXT_FILTERS, whys

ANY = "(any)"
SHOWN_AT_MOST = 200  # rows of the list on screen (all of them in the CSV download)
UPLOADS = "upload-count"  # a new file picker after each resolution added


def table(items: list[ObligationView], work: dict[str, Why], portfolio: str) -> pd.DataFrame:
    """The worklist: the verdict first (it stays in view at any width), the obligation by name
    (a link that opens its detail), its own words whole, what is missing and what to do next.
    Every cell from data is escaped; the link's words are too, and its address is built here."""
    return pd.DataFrame([{
        "verdict": md_escape(mark(o.verdict.verdict)), "obligation": _link(o, portfolio),
        "words": md_escape(o.detail.text), "missing themes": md_escape(o.verdict.missing_themes or "—"),
        "next": md_escape(work[o.id].brief or "—")} for o in items])


def _link(o: ObligationView, portfolio: str) -> str:
    address = "?" + urlencode({"ob": o.short, "portfolio": portfolio})
    return f"[{md_escape(f'{o.label} ({o.verdict.strength})')}]({address})"


DOWNLOAD = ("verdict", "obligation", "id", "strength", "words", "covering", "missing themes", "next", "reason",
            "bearers", "themes")


def download(items: list[ObligationView], work: dict[str, Why]) -> str:
    """The CSV of the obligations shown (plain values, lists joined with '; ', cells that a
    spreadsheet would read as a formula neutralised)."""
    return to_csv(DOWNLOAD, [[o.verdict.verdict, o.label, o.short, o.verdict.strength, o.detail.text,
                              "; ".join(c.entry for c in o.verdict.covering), "; ".join(o.verdict.missing_themes),
                              work[o.id].next, work[o.id].reason, "; ".join(o.detail.bearers), "; ".join(o.themes)]
                             for o in items])


def obligations() -> None:
    st.title("Obligations")
    flash()
    ws, key = context()
    add_resolution(ws)
    portfolio = portfolio_picker(ws, key)
    view = data.obligations_view(str(ws.root), key, portfolio)
    work = whys(str(ws.root), key, portfolio)
    facets, wanted = filters(view)
    shown = [o for o in filter_obligations(view.obligations, facets) if o.id in wanted(work)]
    st.caption(f"{len(shown)} of {len(view.obligations)} obligations")
    if shown:
        frame = table(shown[:SHOWN_AT_MOST], work, portfolio)  # every cell escaped or built here
        st.markdown(markdown_table(list(frame.columns), list(frame.itertuples(index=False, name=None))))
        st.caption("Open an obligation by its name (a new tab), or choose it under 'Obligation detail' below.")
    else:
        st.caption("(none)")
    if len(shown) > SHOWN_AT_MOST:
        st.caption(f"The first {SHOWN_AT_MOST} are shown; narrow the filters, or download them all.")
    st.download_button("These obligations (CSV)", download(shown, work), "obligations.csv", "text/csv", on_click="ignore")
    chosen = choose(view, shown)
    if chosen is not None:
        detail(ws, key, chosen, work[chosen.id], portfolio)


def filters(view: ObligationsView) -> tuple[dict[str, list[str]], Callable[[dict[str, Why]], set[str]]]:
    """The facets chosen (kept in the URL for the multi-choice ones), and the obligations the
    chosen next actions leave (by IRI, from the worklist)."""
    with st.expander("Filters", expanded=True):
        cols = st.columns(5)
        picks = {}
        for i, (facet, label) in enumerate((("resolution", "Resolution"), ("section", "Section"),
                                            ("modality", "Modality"), ("verdict", "Verdict"), ("next", "Next action"))):
            options = list(NEXT_FILTERS) if facet == "next" else view.values(facet)
            if facet == "verdict":
                options = [mark(v) for v in options]
            if f"f-{facet}" not in st.session_state:
                st.session_state[f"f-{facet}"] = [v for v in st.query_params.get_all(facet) if v in options]
            picks[facet] = cols[i].multiselect(label, options, key=f"f-{facet}")
        row = st.columns(3)
        singles = {facet: col.selectbox(label, [ANY] + view.values(facet), key=f"f-{facet}")
                   for col, (facet, label) in zip(row, (("bearers", "Bearer"), ("themes", "Theme"), ("sdgs", "SDG")))}
    for facet, values in picks.items():
        st.query_params[facet] = values
    kinds = [k for name in picks.pop("next") for k in NEXT_FILTERS[name]]

    def wanted(work: dict[str, Why]) -> set[str]:
        return {w.id for w in with_action(work.values(), kinds)}

    return ({**picks, "verdict": [verdict_of(v) for v in picks["verdict"]],
             **{facet: [value] for facet, value in singles.items() if value != ANY}}, wanted)


def choose(view: ObligationsView, shown: list[ObligationView]) -> ObligationView | None:
    """The obligation read in detail: chosen by name, kept in the URL (`?ob=`, its id; a link
    may name it as analysts do, `?ob=ATU-MV resolves b`); a link to one that does not exist, or
    that the filters leave out, says so and shows no other."""
    names = {o.short: o.label for o in shown}
    asked = st.query_params.get("ob")
    if asked and view.find(asked) is None:  # a name rather than an id
        named = {" ".join(o.label.split()).casefold(): o.short for o in view.obligations}
        st.query_params["ob"] = named.get(" ".join(asked.split()).casefold(), asked)

    def missing(asked: str) -> str:
        known = view.find(asked)
        if known is not None:
            return f"{known.label} ({asked}) is not among the {len(shown)} obligations the filters leave; clear them to read it."
        return f"Obligation '{asked}' not found in this workspace."

    if not names:
        return None
    picked = url_choice("Obligation detail", list(names), "ob-detail", "ob", default=next(iter(names)),
                        format_func=lambda k: names[k], missing=missing)
    return view.find(picked) if picked else None


def add_resolution(ws: Workspace) -> None:
    """Upload a resolution: parsed by the same pipeline as the CLI; saved only on request."""
    kinds = sorted({s.lstrip(".") for s in pipeline.READABLE})
    box = st.expander(f"Add a resolution ({', '.join('.' + k for k in kinds)}; at most 5 MB)", key="add-resolution",
                      on_change="rerun")
    with box:
        if not box.open:  # made when opened: every browser drew the file picker, hidden, on every visit
            return
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
                    pipeline.add_resolution(ws, data.resources(), ingested, actor=current_actor())
            except MvkgError as exc:
                show_error(exc)
                return
            st.session_state[UPLOADS] = n + 1
            after_write(f"{rec.meta.code} added: {len(rec.obligations)} obligations.")
