"""Cached access to the library for the pages. Caches are keyed on the build manifest's
sha256 (and the portfolio), so switching pages with unchanged data is instant and a rebuild
invalidates everything. Cached values are immutable results; per-user state (filters,
what-if changes) lives only in st.session_state."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from mvkg import pipeline
from mvkg.analysis.explore import obligation_sdgs, obligation_themes
from mvkg.analysis.views import ObligationsView, OverviewView, overview_view
from mvkg.analysis.views import obligations_view as build_obligations_view
from mvkg.compliance.coverage import Coverage, coverage
from mvkg.compliance.incremental import LiveValidation, Shapes, judge, shapes_key
from mvkg.compliance.validate import Result
from mvkg.graph.build import load_lexicon
from mvkg.graph.content_key import CATALOGUE, PORTFOLIOS, inputs_key, manifest_of, view_key
from mvkg.graph.lexicon_cache import lexicon_key
from mvkg.history.diff import VerdictChange, changed_since
from mvkg.history.snapshots import SnapshotStore, default_folder
from mvkg.inputs.catalogue import load_catalogue
from mvkg.inputs.portfolios import load_portfolios, members
from mvkg.kernel.files import sha256_file
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.resources import Resources, find_resources
from mvkg.kernel.workspace import Workspace
from mvkg.query.bounded import ProcessBudget, ProcessCaps, QueryWorker
from mvkg.query.named import canned_queries
from mvkg.query.store import open_read_only, portfolio_view
from mvkg.render.overview_charts import heatmap_spec, sdg_spec


def workspace() -> Workspace:
    return Workspace(Path(os.environ.get("MVKG_WORKSPACE", ".")).resolve())


def resources() -> Resources:
    return find_resources()


def build_key(ws: Workspace) -> str:
    manifest = ws.manifest_file
    return sha256_file(manifest) if manifest.is_file() else ""


def ensure_built(ws: Workspace) -> str:
    key = build_key(ws)
    if not key:
        with st.status("Building the knowledge graph (first start)…", expanded=True) as status:
            report = pipeline.build(ws, resources())
            status.update(label=f"Built {report.triples} triples, {report.obligations} obligations", state="complete")
        key = build_key(ws)
    return key


@st.cache_resource(max_entries=2, show_spinner="Opening the graph…")
def _opened(root: str, key: str) -> tuple[object, QueryWorker]:
    """The built graph, opened once per build and shared by every session (read-only: a
    'memory' store is loaded once, not on every page), and the worker that runs the
    analysts' queries on it: for an in-memory graph, one forked child kept between queries
    and sessions, so only the first query pays for forking a loaded graph. Cached together,
    so a worker never keeps a graph the cache has let go."""
    store = open_read_only(Workspace(Path(root)))
    return store, QueryWorker(store)


@st.cache_resource
def query_budget() -> ProcessBudget:
    """The caps on the analysts' query processes, per session and in total ($MVKG_QUERY_PROCESSES_PER_SESSION,
    $MVKG_QUERY_PROCESSES): one budget shared by every session of this server, however often Run is clicked."""
    return ProcessBudget(ProcessCaps.from_environment())


def session_id() -> str:
    """This browser session's id (its share of the query budget)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def graph(root: str, key: str):
    return _opened(root, key)[0]


def query_worker(root: str, key: str) -> QueryWorker:
    return _opened(root, key)[1]


@st.cache_data(show_spinner=False, max_entries=64)
def judged(root: str, key: str, portfolio: str) -> str:
    """What a judgement of the portfolio reads from the build `key`, as a key (graph/content_key.py):
    the caches of verdicts and what is worked out from them are keyed by it, so a write that leaves
    them as they were (saving another portfolio, a what-if) does not make the next page judge again."""
    manifest = manifest_of(Workspace(Path(root)), key)
    return key if manifest is None else view_key(manifest, graph(root, key), portfolio)


@st.cache_data(show_spinner=False, max_entries=16)
def inputs(root: str, key: str, prefixes: tuple[str, ...]) -> str:
    """The key of the inputs under `prefixes` in the build `key` (graph/content_key.py)."""
    manifest = manifest_of(Workspace(Path(root)), key)
    return key if manifest is None else inputs_key(manifest, prefixes)


def run(root: str, key: str, portfolio: str) -> tuple[Coverage, tuple[Result, ...]]:
    return _run(root, judged(root, key, portfolio), portfolio, key)


@st.cache_data(show_spinner="Validating…", max_entries=32)
def _run(root: str, judged_key: str, portfolio: str, _key: str) -> tuple[Coverage, tuple[Result, ...]]:
    """Cached by what the judgement reads (`judged_key`); worked out on the build `_key`."""
    v = judge(graph(root, _key), shapes(), portfolio)  # validate(), with the shapes kept between builds
    return coverage(resources(), v), v.results


def obligations_view(root: str, key: str, portfolio: str) -> ObligationsView:
    """Every obligation with its verdict, source text, bearers, evidence, themes and results."""
    return _obligations_view(root, judged(root, key, portfolio), portfolio, key)


@st.cache_data(show_spinner="Reading the obligations…", max_entries=32)
def _obligations_view(root: str, judged_key: str, portfolio: str, _key: str) -> ObligationsView:
    cov, results = run(root, _key, portfolio)
    return build_obligations_view(graph(root, _key), cov, results)


@st.cache_data(max_entries=16)
def overview(root: str, key: str, portfolio: str) -> tuple[OverviewView, dict, dict]:
    """The Overview's figures and its two charts (Vega-Lite), once per build and portfolio for
    every session (building the charts on each page run of each session cost more than the rest)."""
    cov, _ = run(root, key, portfolio)
    view = overview_view(cov, *themes_and_sdgs(root, key))
    return view, heatmap_spec(view), sdg_spec(view.sdg_counts)


def run_whatif(root: str, portfolio: str, member_iris: tuple[str, ...], extra) -> tuple[Coverage, dict]:
    """Per session and unsaved: the session keeps its own live validation of the portfolio
    (a private in-memory copy) and moves it to the what-if state, so each change re-validates
    only what it can affect and the verdict tallies follow. Returns the projected coverage and
    the projected verdict counts per theme."""
    ws = Workspace(Path(root))
    key = build_key(ws)
    tag = (root, judged(root, key, portfolio), portfolio)  # a write that leaves the portfolio's judgement keeps the copy
    start = whatif_start(root, key, portfolio)
    if frozenset(member_iris) == start[2] and not len(extra or ()):  # nothing changed yet: no private copy
        return start[0], start[1]
    if st.session_state.get("whatif-of") != tag:  # one live copy per session: a new base replaces it
        store = graph(root, key)
        st.session_state["whatif-live"] = LiveValidation.start(portfolio_view(store, portfolio), shapes(), portfolio)
        st.session_state["whatif-of"] = tag
    live: LiveValidation = st.session_state["whatif-live"]
    v = live.move_to(member_iris, extra)
    return coverage(resources(), v), live.tally.by("theme")


def whatif_start(root: str, key: str, portfolio: str) -> tuple[Coverage, dict, frozenset[str]]:
    """A what-if before any change (the portfolio as saved), once per judgement for every session:
    its coverage, verdict counts per theme, and members. A session makes its private live copy
    (run_whatif) only when it changes something (20 sessions opening the page cost one validation)."""
    return _whatif_start(root, judged(root, key, portfolio), portfolio, key)


@st.cache_data(show_spinner="Judging the portfolio…", max_entries=8)
def _whatif_start(root: str, judged_key: str, portfolio: str, _key: str) -> tuple[Coverage, dict, frozenset[str]]:
    live = LiveValidation.start(portfolio_view(graph(root, _key), portfolio), shapes(), portfolio)
    return coverage(resources(), live.run), live.tally.by("theme"), live.members


@st.cache_resource(max_entries=2, show_spinner=False)
def _compiled_shapes(key: str) -> Shapes:
    return Shapes.of(resources())


def shapes() -> Shapes:
    """The bundled shapes, parsed and compiled once for every session and build (a what-if
    started after each write paid 0.1-0.2 s for them). Shared, so read-only."""
    return _compiled_shapes(shapes_key(resources()))


@st.cache_data(max_entries=8)
def themes_and_sdgs(root: str, key: str) -> tuple[dict, dict]:
    store = graph(root, key)
    return obligation_themes(store), obligation_sdgs(store)


@st.cache_resource(max_entries=2, show_spinner=False)
def _parsed_lexicon(ontology: str) -> Lexicon:
    return load_lexicon(resources())


def lexicon() -> Lexicon:
    """The lexicon of the ontology files as they are (never changed by a write), parsed once for
    every session and build: parsing the Turtle took 0.5-0.7 s, paid two or three times by the
    first page run after each write when it was read per build. Shared, so read-only."""
    return _parsed_lexicon(lexicon_key(resources()).decode())


def catalogue(root: str, key: str):
    """The catalogue's entries, once per content of its files (a write of assessments or
    portfolios leaves it)."""
    return _catalogue(root, inputs(root, key, CATALOGUE))


@st.cache_data(max_entries=8)
def _catalogue(root: str, inputs_key: str):
    return load_catalogue(Workspace(Path(root)), lexicon())


def portfolios(root: str, key: str) -> dict:
    """Every portfolio with its members, once per content of the catalogue and portfolio files."""
    return _portfolios(root, inputs(root, key, PORTFOLIOS))


@st.cache_data(max_entries=8)
def _portfolios(root: str, inputs_key: str) -> dict:
    ws = Workspace(Path(root))
    lex = lexicon()
    entries = load_catalogue(ws, lex)
    defs = load_portfolios(ws)
    return {name: (p, tuple(e.id for e in members(name, defs, entries, lex))) for name, p in defs.items()}


@st.cache_data(max_entries=4)
def lexicon_labels(key: str) -> dict:
    lex = lexicon()
    return {"themes": {iri: c.label for iri, c in lex.themes.items()},
            "actors": {iri: a.label for iri, a in lex.actors.items()}}


@st.cache_data(max_entries=4)
def canned(key: str):
    return canned_queries(resources())


def snapshot_store(ws: Workspace) -> SnapshotStore:
    return SnapshotStore(default_folder(ws))


@st.cache_data(max_entries=16)
def changed_since_snapshot(root: str, key: str, portfolio: str, snapshot: str) -> tuple[VerdictChange, ...]:
    """The obligations whose verdict is not the one the snapshot recorded, once per build and
    snapshot (snapshots are content-addressed: an id never names other content) for every
    session, instead of reading the snapshot on each Overview run."""
    store = snapshot_store(Workspace(Path(root)))
    cov, _ = run(root, key, portfolio)
    return changed_since(store.load(snapshot), cov.rows)
