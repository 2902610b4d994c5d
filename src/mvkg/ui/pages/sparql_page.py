"""SPARQL: the canned queries of queries/ with a widget per parameter, the analysts' saved
queries, and an editor (Ace, SPARQL highlighting, Ctrl+Enter runs, the workspace's prefixes
offered as you type and declared where a query uses them). Results show IRIs short with their
labels beside them (full IRIs on a toggle); read-only, the limits on screen. The last result
is kept in the session, so downloading it (CSV, then JSON …) never needs a re-run. "Save and
share" keeps the query in the workspace under a short id and gives its link (`?q=ID`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st
from code_editor import code_editor

from mvkg.analysis.console import ConsoleRun, console_table, run_console_query
from mvkg.analysis.views import console_example, parameter_values
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.workspace import Workspace
from mvkg.query.prefixes import Prefix, workspace_prefixes
from mvkg.query.saved import SavedQuery, list_saved, normalise, save_query
from mvkg.query.sparql import QueryLimits, format_result
from mvkg.query.store import store_location
from mvkg.ui import data
from mvkg.ui.pages.shared import context, md_escape, show_error, shown_as, url_choice

FREE = "(free query)"
DEFAULT = "(default)"
RESULT = "sparql-result"  # the session's last result
CHOICE = "canned-query"  # the dropdown's key
HANDLED = "sparql-submit-handled"  # the editor's last Ctrl+Enter already run
SHARED = "sparql-shared"  # the id just saved, or the error saving it
FULL_IRIS = "sparql-full-iris"


@dataclass(frozen=True)
class Ran:
    """A query as it was run and what it gave, kept in the session."""

    source: str  # the dropdown's choice it was run from
    subs: tuple[tuple[str, str], ...]
    name: str  # file name stem for the downloads
    run: ConsoleRun
    elapsed: float


@st.cache_data(max_entries=4)
def prefixes(key: str) -> tuple[Prefix, ...]:
    return workspace_prefixes(data.resources())


@st.cache_data(max_entries=32, show_spinner=False)
def values_of(root: str, key: str, location: str, values_query: str) -> dict[str, str]:
    """A parameter's values (value → label), listed once per build (each listing is a query
    in its own process: 0.5-1 s on every pick otherwise)."""
    return dict(parameter_values(location, values_query, QueryLimits(), data.query_worker(root, key)))


def sparql() -> None:
    st.title("SPARQL")
    ws, key = context()
    root, location, limits = str(ws.root), store_location(ws), QueryLimits()
    known = prefixes(key)
    st.caption(f"Read-only. Limits: {limits.seconds:.0f} s, {limits.rows} rows, {limits.memory_mb} MB; "
               "updates, SERVICE and unknown FROM graphs are refused. Ctrl+Enter in the editor runs the query.")
    queries = {q.name: q for q in data.canned(key)}
    saved = {s.id: s for s in list_saved(ws)}
    names = [FREE] + sorted(queries) + list(saved)
    choice = url_choice("Canned query", names, CHOICE, "q", default=FREE, format_func=lambda n: shown_name(n, queries, saved),
                        missing=lambda n: f"No canned or saved query named '{n}'; choose one below.") or FREE
    subs: dict[str, str] = {}
    if choice in queries:
        q = queries[choice]
        st.write(md_escape(q.description))
        text = q.text
        for p in q.params:
            values = values_of(root, key, location, p.values_query) if p.values_query else {}
            options: list[str] = [DEFAULT, *values]
            value = st.selectbox(f"{p.name}: {p.description}", options, key=f"param-{choice}-{p.name}",
                                 format_func=shown_as(values))
            if value is not None and value != DEFAULT:
                subs[p.name] = value
    elif choice in saved:
        st.caption(md_escape(f"Saved query {choice}: open it again with ?q={choice}"))
        text = saved[choice].text
    else:
        text = console_example()
    query = editor(text, choice, known)
    prefix_list(known)
    c1, c2, c3 = st.columns([1, 1, 3])
    run_now = c1.button("Run query", type="primary")
    c2.button("Save and share", on_click=save_and_share, args=(ws, f"editor-{choice}", text, known),
              help="Keep this query in the workspace under a short id, and give its link.")
    c3.toggle("Full IRIs", key=FULL_IRIS, help="Show IRIs in full instead of prefix:local.")
    share_link()
    if submitted(f"editor-{choice}") or run_now:
        run(root, key, location, limits, query, subs, choice, known)
    ran = st.session_state.get(RESULT)
    if isinstance(ran, Ran) and ran.subs == tuple(sorted(subs.items())) and (
            ran.source == choice or normalise(ran.run.query) == normalise(query)):
        show(ran, known, query)


def shown_name(name: str, queries: dict, saved: dict[str, SavedQuery]) -> str:
    if name in queries:
        return f"{queries[name].title} ({name})"
    if name in saved:
        return f"Saved: {saved[name].title} ({name})"
    return name


def editor(text: str, choice: str, known: tuple[Prefix, ...]) -> str:
    """The Ace editor (SPARQL mode); the text it holds (sent on Ctrl+Enter and when it loses
    focus, so a button clicked next sees what was typed)."""
    st.markdown("**Query**")
    completions = [{"caption": p.declaration, "value": p.declaration, "meta": "prefix", "name": p.name, "score": 1000}
                   for p in known]
    response = code_editor(text, lang="sparql", key=f"editor-{choice}", height=[10, 30], completions=completions,
                           response_mode=["blur"], props={"theme": "chrome", "scrollMargin": [4, 4, 0, 0]},
                           options={"wrap": True, "showLineNumbers": True, "fontFamily": "monospace"})
    return response["text"] if response and response.get("id") else text


def prefix_list(known: tuple[Prefix, ...]) -> None:
    shown = st.expander("Prefixes", key="prefix-list", on_change="rerun")
    with shown:
        if not shown.open:  # made when opened: its table is a canvas grid each browser drew, hidden, on every visit
            return
        st.caption("Type a prefix name in the editor to insert its declaration. The predefined ones are declared for "
                   "every query; the others (from the ontology and shapes files) are declared for a query that uses them.")
        st.dataframe(pd.DataFrame([{"prefix": f"{p.name}:", "IRI": p.iri,
                                    "declared": "always" if p.predefined else "when used"} for p in known]),
                     hide_index=True)


def submitted(editor_key: str) -> bool:
    """Whether the editor's last event is a Ctrl+Enter not yet run."""
    response = st.session_state.get(editor_key)
    if not isinstance(response, dict) or response.get("type") != "submit" or not response.get("id"):
        return False
    if st.session_state.get(HANDLED) == response["id"]:
        return False
    st.session_state[HANDLED] = response["id"]
    return True


def save_and_share(ws: Workspace, editor_key: str, text: str, known: tuple[Prefix, ...]) -> None:
    """Before the page is read again: save the editor's text and open the saved query."""
    response = st.session_state.get(editor_key)
    current = response["text"] if isinstance(response, dict) and response.get("id") else text
    try:
        saved = save_query(ws, current, known)
    except MvkgError as exc:
        st.session_state[SHARED] = exc
        return
    st.session_state[CHOICE] = saved.id
    st.query_params["q"] = saved.id
    st.session_state[SHARED] = saved.id


def share_link() -> None:
    shared = st.session_state.pop(SHARED, None)
    if isinstance(shared, MvkgError):
        show_error(shared)
    elif shared:
        parts = urlsplit(st.context.url or "")
        base = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else "/sparql"
        st.success(f"Saved as {shared}. Share this link:")
        st.code(f"{base}?q={shared}", language=None)


def run(root: str, key: str, location: str, limits: QueryLimits, query: str, subs: dict[str, str], choice: str,
        known: tuple[Prefix, ...]) -> None:
    st.session_state.pop(RESULT, None)
    started = time.perf_counter()
    try:
        with data.query_budget().slot(data.session_id()):  # at most N query processes per session and in total
            ran = run_console_query(location, data.graph(root, key), query, known, limits, subs,
                                    worker=data.query_worker(root, key))
    except MvkgError as exc:
        show_error(exc)
        return
    elapsed = time.perf_counter() - started
    name = "query" if choice == FREE else choice
    st.session_state[RESULT] = Ran(choice, tuple(sorted(subs.items())), name, ran, elapsed)


def show(ran: Ran, known: tuple[Prefix, ...], query: str) -> None:
    """The kept result with its downloads (a download changes nothing on the page)."""
    result = ran.run.result
    if normalise(ran.run.query) != normalise(query):
        st.caption("These results are of the query as it was run; the editor has changed since.")
    if ran.run.declared:
        st.caption(md_escape("Declared for this query: " + ", ".join(f"{p}:" for p in ran.run.declared)))
    if result.limit_hit:
        st.warning(f"Stopped: the {result.limit_hit} limit was hit; results are incomplete.")
    if result.kind == "select":
        table = console_table(ran.run, known, bool(st.session_state.get(FULL_IRIS)))
        frame = pd.DataFrame([list(r) for r in table.rows], columns=list(table.columns))
        st.write(f"{len(frame)} rows in {ran.elapsed:.2f} s")
        st.dataframe(frame, hide_index=True)
        c1, c2, _ = st.columns([1, 1, 6])
        c1.download_button("CSV", format_result(result, "csv"), f"{ran.name}.csv", "text/csv", on_click="ignore")
        c2.download_button("JSON", format_result(result, "json"), f"{ran.name}.json", "application/json",
                           on_click="ignore")
    elif result.kind == "ask":
        st.write(f"Answer: **{result.boolean}** ({ran.elapsed:.2f} s)")
    else:
        st.write(f"{len(result.triples)} triples in {ran.elapsed:.2f} s")
        st.code(format_result(result, "table")[:20000])
        st.download_button("Turtle / N-Triples", format_result(result, "table"), f"{ran.name}.nt",
                           "application/n-triples", on_click="ignore")
