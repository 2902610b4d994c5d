"""The pages of the analyst workspace. Each page reads library results (through ui.data)
and renders them; none computes a verdict or a figure itself."""

from __future__ import annotations

import json
import re
import time

import altair as alt
import pandas as pd
import pyoxigraph as ox
import streamlit as st

from mvkg.render import snapshot_reports
from mvkg.analysis.align import align, load_decisions, merged_view, record_decision
from mvkg.inputs.assessments import obligation_iri, short_id
from mvkg.compliance.coverage import FORMULA
from mvkg.history.diff import diff as diff_snapshots
from mvkg.kernel.errors import MvkgError
from mvkg.analysis.explore import (
    breakdown,
    by_resolution,
    labels_for,
    neighbourhood_dot,
    obligation_detail,
    resolution_codes,
)
from mvkg.inputs.portfolios import Portfolio, check_name, save_portfolio
from mvkg.render.reports import VERDICT_MARK
from mvkg.history.snapshots import create_snapshot
from mvkg.query.bounded import run_query_bounded
from mvkg.query.sparql import QueryLimits, format_result, term_text
from mvkg.query.store import store_location
from mvkg.compliance.validate import VERDICTS
from mvkg.compliance.whatif import Hypothetical, hypothetical_graph
from mvkg.ui import data

DEFAULT_PORTFOLIO = "itu-t-in-force"
VERDICT_COLOURS = ["#1b7f3b", "#b58900", "#6c71c4", "#c0392b", "#7f8c8d", "#95a5a6"]


def md_escape(text: str) -> str:
    """Text from data shown through st.markdown: every markdown/HTML special escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1f} %"


def _context():
    ws = data.workspace()
    key = data.ensure_built(ws)
    return ws, key


def _portfolio_picker(ws, key, where: str) -> str:
    names = sorted(data.portfolios(str(ws.root), key))
    current = st.query_params.get("portfolio", DEFAULT_PORTFOLIO)
    index = names.index(current) if current in names else 0
    choice = st.selectbox("Portfolio", names, index=index, key=f"portfolio-{where}",
                          help="The set of catalogue entries whose coverage is judged.")
    st.query_params["portfolio"] = choice
    return choice


def _verdict_frame(cov) -> pd.DataFrame:
    return pd.DataFrame([{
        "resolution": r.resolution, "section": r.section, "item": r.item, "strength": r.strength,
        "verdict": VERDICT_MARK[r.verdict], "covering": ", ".join(c.entry for c in r.covering),
        "missing themes": ", ".join(r.missing_themes), "id": short_id(r.id),
    } for r in cov.rows])


# ------------------------------------------------------------------ Overview

def overview() -> None:
    st.title("Overview")
    ws, key = _context()
    portfolio = _portfolio_picker(ws, key, "overview")
    cov, _ = data.run(str(ws.root), key, portfolio)
    themes, sdgs = data.themes_and_sdgs(str(ws.root), key)
    c1, c2, c3 = st.columns(3)
    c1.metric("Coverage, all obligations", _pct(cov.summary.coverage_percent))
    c2.metric("Coverage, binding obligations", _pct(cov.binding.coverage_percent))
    c3.metric("Obligations", len(cov.rows))
    st.caption(f"Formula: {FORMULA}")
    st.subheader("Verdicts")
    counts = pd.DataFrame([{"verdict": VERDICT_MARK[v], "obligations": cov.summary.counts[v]} for v in VERDICTS])
    st.dataframe(counts, hide_index=True)
    st.subheader("Coverage per resolution")
    per_res = breakdown(cov, by_resolution(cov))
    st.dataframe(pd.DataFrame([{"resolution": k, "obligations": v["n"], "coverage": _pct(v["coverage_percent"]),
                                **{VERDICT_MARK[x]: v["counts"][x] for x in VERDICTS}} for k, v in per_res.items()]),
                 hide_index=True)
    st.subheader("Coverage per theme (with broader themes)")
    per_theme = breakdown(cov, themes)
    st.dataframe(pd.DataFrame([{"theme": k, "obligations": v["n"], "coverage": _pct(v["coverage_percent"])}
                               for k, v in per_theme.items()]), hide_index=True)
    st.caption(f"Formula: {FORMULA}")
    st.subheader("Obligations × themes")
    rows = [{"obligation": f"{r.resolution} {r.section[:40]} {r.item}", "theme": t, "verdict": r.verdict,
             "mark": VERDICT_MARK[r.verdict].split()[0]} for r in cov.rows for t in themes.get(r.id, [])]
    if rows:
        frame = pd.DataFrame(rows)
        scale = alt.Scale(domain=list(VERDICTS), range=VERDICT_COLOURS)
        base = alt.Chart(frame).encode(x=alt.X("theme:N", title=None), y=alt.Y("obligation:N", title=None, sort=None))
        chart = base.mark_rect().encode(color=alt.Color("verdict:N", scale=scale), tooltip=["obligation", "theme", "verdict"])
        st.altair_chart(chart + base.mark_text(color="white").encode(text="mark:N"), width="stretch")
    st.subheader("SDG references in operative text")
    sdg_counts: dict[str, int] = {}
    for refs in sdgs.values():
        for ref in refs:
            sdg_counts[ref] = sdg_counts.get(ref, 0) + 1
    if sdg_counts:
        st.bar_chart(pd.DataFrame({"obligations": sdg_counts}), horizontal=True)
    else:
        st.info("No obligation refers to an SDG.")
    _latest_snapshot_panel(ws, key, portfolio)


def _latest_snapshot_panel(ws, key, portfolio) -> None:
    st.subheader("Latest snapshot")
    store = data.snapshot_store(ws)
    infos = store.infos(portfolio)
    if not infos:
        st.info(f"No snapshot of portfolio '{portfolio}' yet (take one on the Snapshots page).")
        return
    latest = infos[-1]
    st.write(f"{latest.id} ({latest.created}) {latest.label}: coverage {_pct(latest.coverage_percent)}")
    cov, _ = data.run(str(ws.root), key, portfolio)
    before = store.load(latest.id)["obligations"]
    changed = [(r, before.get(short_id(r.id), {}).get("verdict"))
               for r in cov.rows]
    changed = [(r, old) for r, old in changed if old != r.verdict]
    if changed:
        st.write(f"Changed since: {len(changed)} obligation(s)")
        st.dataframe(pd.DataFrame([{"obligation": f"{r.resolution} {r.section} {r.item}", "then": old or "(absent)",
                                    "now": r.verdict} for r, old in changed]), hide_index=True)
    else:
        st.write("No verdict changed since.")


# ------------------------------------------------------------------ Obligations

def obligations() -> None:
    st.title("Obligations")
    ws, key = _context()
    _add_resolution(ws)
    portfolio = _portfolio_picker(ws, key, "obligations")
    cov, results = data.run(str(ws.root), key, portfolio)
    themes, sdgs = data.themes_and_sdgs(str(ws.root), key)
    frame = _verdict_frame(cov)
    store = data.graph(str(ws.root), key)
    extra = {r.id: obligation_detail(store, r.id) for r in cov.rows}
    frame["bearers"] = [", ".join(extra[r.id].bearers) for r in cov.rows]
    frame["modality"] = [extra[r.id].modality for r in cov.rows]
    frame["themes"] = [", ".join(themes.get(r.id, [])) for r in cov.rows]
    frame["sdgs"] = [", ".join(sdgs.get(r.id, [])) for r in cov.rows]
    with st.expander("Filters", expanded=True):
        cols = st.columns(4)
        picks = {}
        for i, (column, label) in enumerate((("resolution", "Resolution"), ("section", "Section"),
                                             ("modality", "Modality"), ("verdict", "Verdict"))):
            options = sorted(frame[column].unique())
            default = [v for v in st.query_params.get_all(column) if v in options]
            picks[column] = cols[i % 4].multiselect(label, options, default=default, key=f"f-{column}")
        cols = st.columns(3)
        bearer = cols[0].selectbox("Bearer", ["(any)"] + sorted({b for x in extra.values() for b in x.bearers}))
        theme = cols[1].selectbox("Theme", ["(any)"] + sorted({t for ts in themes.values() for t in ts}))
        sdg = cols[2].selectbox("SDG", ["(any)"] + sorted({s for ss in sdgs.values() for s in ss}))
    shown = frame
    for column, values in picks.items():
        if values:
            shown = shown[shown[column].isin(values)]
        st.query_params[column] = values
    for column, value in (("bearers", bearer), ("themes", theme), ("sdgs", sdg)):
        if value != "(any)":
            shown = shown[shown[column].str.split(", ").apply(lambda xs, v=value: v in xs)]
    st.caption(f"{len(shown)} of {len(frame)} obligations")
    st.dataframe(shown, hide_index=True, column_order=["resolution", "section", "item", "modality", "bearers",
                                                       "verdict", "covering", "missing themes", "themes", "sdgs"])
    ids = list(shown["id"])
    if not ids:
        return
    wanted = st.query_params.get("ob")
    chosen = st.selectbox("Obligation detail", ids, index=ids.index(wanted) if wanted in ids else 0)
    st.query_params["ob"] = chosen
    row = next(r for r in cov.rows if r.id == obligation_iri(chosen))
    _detail(extra[row.id], row, [r for r in results if r.focus == row.id])


def _add_resolution(ws) -> None:
    """Upload a resolution: parsed by the same ingest as the CLI; saved only on request."""
    with st.expander("Add a resolution (.txt or .docx, at most 5 MB)"):
        upload = st.file_uploader("Resolution file", type=["txt", "docx"], key="upload-resolution")
        code = st.text_input("Code (when the text has none in [brackets])", key="upload-code")
        if upload is None:
            return
        import tempfile
        from pathlib import Path

        from mvkg import pipeline
        from mvkg.graph.build import load_lexicon
        from mvkg.ingest.resolutions import ingest_file, save_to_workspace

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            try:
                ingested = ingest_file(path, load_lexicon(data.resources()), ws, code=code or None)
            except MvkgError as exc:
                st.error(exc.describe())
                return
        rec = ingested.record
        st.write(f"{md_escape(rec.meta.code)}: {len(rec.sections)} sections, {len(rec.obligations)} obligations")
        if st.button("Add to the workspace and rebuild"):
            try:
                save_to_workspace(ws, ingested)
                with st.status("Rebuilding…"):
                    pipeline.build(ws, data.resources())
                st.success(f"{rec.meta.code} added.")
            except MvkgError as exc:
                st.error(exc.describe())


def _detail(d, row, results) -> None:
    st.subheader(f"{row.resolution} {row.section} {row.item}")
    st.write(f"**Verdict:** {VERDICT_MARK[row.verdict]}  ·  **Modality:** {md_escape(d.modality)} ({md_escape(d.strength)})")
    st.write("**Source text** (" + md_escape(f"{d.file}, code points {d.start}–{d.end}") + "); the obligation is highlighted:")
    lead = d.paragraph[: len(d.paragraph) - len(d.text)]
    st.markdown(md_escape(lead) + ":orange-background[" + md_escape(d.text) + "]")
    st.write("**Bearers:** " + md_escape(", ".join(d.bearers) or "—") + "  ·  **Collaborators:** "
             + md_escape(", ".join(d.collaborators) or "—"))
    if d.condition or d.deadline:
        st.write("**Condition:** " + md_escape(d.condition or "—") + "  ·  **Deadline:** " + md_escape(d.deadline or "—"))
    st.write("**Themes and topics, with the words that triggered them**")
    st.dataframe(pd.DataFrame([{"kind": e.kind, "concept": e.label, "words": e.words} for e in d.evidence]), hide_index=True)
    st.write("**Covering entries**")
    if row.covering:
        st.dataframe(pd.DataFrame([{"entry": c.entry, "relation": c.relation, "status": c.status, "rationale": c.rationale}
                                   for c in row.covering]), hide_index=True)
    else:
        st.write("None in this portfolio.")
    st.write("**SHACL messages**")
    for r in results:
        st.write(f"- {r.severity}: " + md_escape(r.message))
    if not results:
        st.write("None (covered).")


# ------------------------------------------------------------------ Standards & portfolios

def standards() -> None:
    st.title("Standards & portfolios (what-if)")
    ws, key = _context()
    root = str(ws.root)
    entries = data.catalogue(root, key)
    labels = data.lexicon_labels(key)
    portfolios = data.portfolios(root, key)
    frame = pd.DataFrame([{"id": e.id, "title": e.title, "publisher": labels["actors"].get(e.publisher, e.publisher),
                           "kind": e.kind, "status": e.status, "date": e.date,
                           "themes": ", ".join(labels["themes"].get(t, t) for t in e.themes)} for e in entries])
    st.subheader("Catalogue")
    c1, c2, c3 = st.columns(3)
    pub = c1.multiselect("Publisher", sorted(frame["publisher"].unique()))
    status = c2.multiselect("Status", sorted(frame["status"].unique()))
    text = c3.text_input("Search in id or title")
    shown = frame
    if pub:
        shown = shown[shown["publisher"].isin(pub)]
    if status:
        shown = shown[shown["status"].isin(status)]
    if text:
        shown = shown[shown["id"].str.contains(text, case=False, regex=False) | shown["title"].str.contains(text, case=False, regex=False)]
    st.dataframe(shown, hide_index=True)

    st.subheader("Build a portfolio")
    base = st.selectbox("Start from", sorted(portfolios), index=sorted(portfolios).index(DEFAULT_PORTFOLIO)
                        if DEFAULT_PORTFOLIO in portfolios else 0)
    base_members = list(portfolios[base][1])
    ticked = st.multiselect("Entries in the portfolio", [e.id for e in entries], default=base_members,
                            key=f"ticked-{base}")
    st.subheader("Add a hypothetical proposed standard")
    cov_now, _ = data.run(root, key, base)
    obligation_ids = [short_id(r.id) for r in cov_now.rows]
    with st.form("hypothetical"):
        hid = st.text_input("Identifier", value="Draft X.meta-privacy")
        title = st.text_input("Title", value="Privacy-enhancing technologies for metaverse platforms")
        theme_choice = st.multiselect("Themes", sorted(labels["themes"].values()), default=[])
        covers = st.multiselect("Obligations it would cover", obligation_ids)
        relation = st.radio("Coverage", ["full", "partial"], horizontal=True)
        status_choice = st.radio("Status", ["proposed", "in-progress", "approved", "published"], horizontal=True)
        add = st.form_submit_button("Add to what-if")
    hypos = st.session_state.setdefault("hypotheticals", [])
    if add:
        by_label = {v: k for k, v in labels["themes"].items()}
        hypos.append(Hypothetical(hid, title, status_choice, tuple(by_label[t] for t in theme_choice),
                                  next(iri for iri, a in labels["actors"].items() if a == "ITU-T"),
                                  tuple((c, relation) for c in covers)))
    if hypos:
        st.write("Hypothetical entries in this session: " + md_escape(", ".join(h.id for h in hypos)))
        if st.button("Clear hypothetical entries"):
            hypos.clear()
            st.rerun()

    st.subheader("Current vs projected")
    from rdflib import Graph

    from mvkg.inputs.catalogue import entry_iri

    extra = Graph()
    for h in hypos:
        for t in hypothetical_graph(h):
            extra.add(t)
    member_iris = tuple(entry_iri(i) for i in ticked) + tuple(entry_iri(h.id) for h in hypos)
    with st.spinner("Judging the projected portfolio…"):
        projected, per_theme = data.run_whatif(root, base, member_iris, extra)
    c1, c2 = st.columns(2)
    c1.metric(f"Current ({base})", _pct(cov_now.summary.coverage_percent))
    c2.metric("Projected", _pct(projected.summary.coverage_percent),
              delta=None if cov_now.summary.coverage_percent is None or projected.summary.coverage_percent is None
              else round(projected.summary.coverage_percent - cov_now.summary.coverage_percent, 1))
    st.caption(f"Formula: {FORMULA}")
    now = {r.id: r.verdict for r in cov_now.rows}
    compare = pd.DataFrame([{"obligation": f"{r.resolution} {r.section} {r.item}", "current": VERDICT_MARK[now[r.id]],
                             "projected": VERDICT_MARK[r.verdict], "changed": "yes" if now[r.id] != r.verdict else ""}
                            for r in projected.rows])
    st.dataframe(compare, hide_index=True)
    st.caption("Projected verdicts per theme (obligations tagged with the theme)")
    st.dataframe(pd.DataFrame([{"theme": labels["themes"].get(t, t), **{VERDICT_MARK[v]: c.get(v, 0) for v in VERDICTS}}
                               for t, c in per_theme.items()]), hide_index=True)

    st.subheader("Save the ticked entries as a portfolio")
    with st.form("save"):
        name = st.text_input("Name (lower-case letters, digits, '-')", value="")
        description = st.text_input("Description", value="")
        save = st.form_submit_button("Save portfolio")
    if save:
        try:
            p = Portfolio(check_name(name), name, description, include=tuple(ticked))
            path = save_portfolio(ws, p)
            st.success(f"Saved {ws.relative(path)}; rebuild to validate against it.")
        except MvkgError as exc:
            st.error(exc.describe())


# ------------------------------------------------------------------ Validation

def validation() -> None:
    st.title("Validation")
    ws, key = _context()
    portfolio = _portfolio_picker(ws, key, "validation")
    _, results = data.run(str(ws.root), key, portfolio)
    themes, _ = data.themes_and_sdgs(str(ws.root), key)
    frame = pd.DataFrame([{"severity": r.severity, "resolution": r.resolution or "(data)", "section": r.section,
                           "item": r.item, "message": r.message, "verdict": r.verdict or "data quality",
                           "themes": ", ".join(themes.get(r.focus, []))} for r in results])
    if frame.empty:
        st.success("No results: everything conforms.")
        return
    cols = st.columns(3)
    for col, sev in zip(cols, ("violation", "warning", "info")):
        col.metric(sev.capitalize(), int((frame["severity"] == sev).sum()))
    st.subheader("By resolution and severity")
    st.dataframe(frame.groupby(["resolution", "severity"]).size().rename("results").reset_index(), hide_index=True)
    st.subheader("By theme")
    exploded = frame.assign(theme=frame["themes"].str.split(", ")).explode("theme")
    st.dataframe(exploded.groupby(["theme", "severity"]).size().rename("results").reset_index(), hide_index=True)
    st.subheader(f"All {len(frame)} results")
    for sev in ("violation", "warning", "info"):
        part = frame[frame["severity"] == sev]
        if len(part):
            st.write(f"**{sev.capitalize()}** ({len(part)})")
            st.dataframe(part.drop(columns=["severity"]), hide_index=True)


# ------------------------------------------------------------------ SPARQL

LIMITS = QueryLimits(seconds=10.0, rows=5000, memory_mb=1024)


def sparql() -> None:
    st.title("SPARQL")
    ws, key = _context()
    st.caption(f"Read-only. Limits: {LIMITS.seconds:.0f} s, {LIMITS.rows} rows, {LIMITS.memory_mb} MB; "
               "updates, SERVICE and unknown FROM graphs are refused. Prefixes mvkg:, theme:, topic:, actor:, skos: … are predefined.")
    queries = {q.name: q for q in data.canned(key)}
    names = ["(free query)"] + sorted(queries)
    wanted = st.query_params.get("q")
    choice = st.selectbox("Canned query", names, index=names.index(wanted) if wanted in names else 0,
                          format_func=lambda n: n if n not in queries else f"{queries[n].title} ({n})")
    st.query_params["q"] = choice
    subs = {}
    if choice in queries:
        q = queries[choice]
        st.write(md_escape(q.description))
        text = q.text
        for p in q.params:
            options = []
            if p.values_query:
                result = run_query_bounded(store_location(ws), p.values_query, LIMITS, worker=data.query_worker(str(ws.root), key))
                options = [term_text(r[0]) for r in result.rows]
            value = st.selectbox(f"{p.name}: {p.description}", ["(default)"] + options, key=f"param-{choice}-{p.name}")
            if value != "(default)":
                subs[p.name] = value
    else:
        text = "SELECT ?obligation ?text WHERE {\n  ?obligation a mvkg:Obligation ; mvkg:text ?text .\n} LIMIT 20"
    query = st.text_area("Query", value=text, height=220, key=f"editor-{choice}")
    if st.button("Run query", type="primary"):
        started = time.perf_counter()
        try:
            result = run_query_bounded(store_location(ws), query, LIMITS, subs, worker=data.query_worker(str(ws.root), key))
        except MvkgError as exc:
            st.error(exc.describe())
            return
        elapsed = time.perf_counter() - started
        if result.limit_hit:
            st.warning(f"Stopped: the {result.limit_hit} limit was hit; results are incomplete.")
        if result.kind == "select":
            frame = pd.DataFrame([[term_text(t) for t in row] for row in result.rows], columns=list(result.columns))
            iris = [t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)]
            names = labels_for(data.graph(str(ws.root), key), iris)
            for column in list(frame.columns):
                if frame[column].isin(names.keys()).any():
                    frame.insert(frame.columns.get_loc(column) + 1, f"{column} (label)", frame[column].map(names).fillna(""))
            st.write(f"{len(frame)} rows in {elapsed:.2f} s")
            st.dataframe(frame, hide_index=True)
            st.download_button("CSV", format_result(result, "csv"), "result.csv", "text/csv")
            st.download_button("JSON", format_result(result, "json"), "result.json", "application/json")
        elif result.kind == "ask":
            st.write(f"Answer: **{result.boolean}** ({elapsed:.2f} s)")
        else:
            st.write(f"{len(result.triples)} triples in {elapsed:.2f} s")
            st.code(format_result(result, "table")[:20000])
            st.download_button("Turtle / N-Triples", format_result(result, "table"), "result.nt", "application/n-triples")


# ------------------------------------------------------------------ Snapshots

def snapshots() -> None:
    st.title("Snapshots")
    ws, key = _context()
    store = data.snapshot_store(ws)
    with st.form("take"):
        portfolio = st.selectbox("Portfolio", sorted(data.portfolios(str(ws.root), key)))
        label = st.text_input("Label", value="")
        take = st.form_submit_button("Take snapshot")
    if take:
        with st.status("Taking a snapshot…", expanded=True) as status:
            try:
                new = create_snapshot(ws, data.resources(), store, portfolio, label)
                status.update(label=f"Snapshot {new} taken", state="complete")
            except MvkgError as exc:
                status.update(label="Snapshot failed", state="error")
                st.error(exc.describe())
    infos = store.infos()
    if not infos:
        st.info("No snapshots yet.")
        return
    st.subheader("History")
    st.dataframe(pd.DataFrame([{"id": i.id, "created": i.created, "label": i.label, "portfolio": i.portfolio,
                                "coverage": _pct(i.coverage_percent), "binding": _pct(i.binding_percent)} for i in infos]),
                 hide_index=True)
    st.caption(f"Formula: {FORMULA}")
    trend = pd.DataFrame([{"created": i.created, "coverage %": i.coverage_percent, "portfolio": i.portfolio}
                          for i in infos if i.coverage_percent is not None])
    if len(trend):
        st.altair_chart(alt.Chart(trend).mark_line(point=True).encode(x="created:T", y="coverage %:Q", color="portfolio:N"),
                        width="stretch")
    ids = [i.id for i in infos]
    st.subheader("Open")
    chosen = st.selectbox("Snapshot", ids, index=len(ids) - 1)
    snap = store.load(chosen)
    st.download_button("Report (HTML)", snapshot_reports.snapshot_html(snap, store.infos(snap["portfolio"]["name"])),
                       f"{chosen}.html", "text/html")
    st.download_button("Report (Markdown)", snapshot_reports.snapshot_md(snap), f"{chosen}.md", "text/markdown")
    st.download_button("Verdicts (CSV)", snapshot_reports.snapshot_csv(snap), f"{chosen}.csv", "text/csv")
    with st.expander("Report"):
        st.markdown(snapshot_reports.snapshot_md(snap))
    if len(ids) > 1:
        st.subheader("Compare two snapshots")
        c1, c2 = st.columns(2)
        a = c1.selectbox("From", ids, index=len(ids) - 2)
        b = c2.selectbox("To", ids, index=len(ids) - 1)
        d = diff_snapshots(store.load(a), store.load(b))
        st.write(f"{d.summary['changed']} obligation(s) changed; coverage {_pct(d.summary['coverage_percent']['from'])} → "
                 f"{_pct(d.summary['coverage_percent']['to'])}")
        st.dataframe(pd.DataFrame([{"obligation": f"{c.resolution} {c.section} {c.item}", "from": c.from_verdict or "(absent)",
                                    "to": c.to_verdict or "(absent)",
                                    "why": "; ".join(f"{x.kind}: {x.detail}" for x in c.causes)} for c in d.changes]),
                     hide_index=True)
        st.download_button("Diff (JSON)", json.dumps(d.to_json(), indent=2), f"diff-{a}-{b}.json", "application/json")


# ------------------------------------------------------------------ Compare drafts

def compare() -> None:
    st.title("Compare drafts")
    ws, key = _context()
    store = data.graph(str(ws.root), key)
    codes = resolution_codes(store)
    c1, c2 = st.columns(2)
    a = c1.selectbox("Draft A", codes, index=codes.index("ECP-MV") if "ECP-MV" in codes else 0)
    b = c2.selectbox("Draft B", codes, index=codes.index("ATU-MV") if "ATU-MV" in codes else min(1, len(codes) - 1))
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
    matched = [p for p in pairs if p.a and p.b]
    labels = {f"{p.a.section} {p.a.item} ~ {p.b.section} {p.b.item} ({p.relation}, {p.status})": p for p in matched}
    with st.form("review"):
        choice = st.selectbox("Pair", list(labels))
        decision = st.radio("Decision", ["confirmed", "changed", "rejected"], horizontal=True)
        relation = st.selectbox("Relation (when changed)", ["equivalent", "broader", "narrower", "overlapping"])
        by = st.text_input("Your name")
        submitted = st.form_submit_button("Record decision")
    if submitted and choice:
        p = labels[choice]
        try:
            record_decision(ws, p.a.key, p.b.key, decision, relation if decision == "changed" else "", by)
            st.success("Decision recorded in data/alignments/decisions.csv.")
        except MvkgError as exc:
            st.error(exc.describe())


# ------------------------------------------------------------------ Graph

def graph() -> None:
    st.title("Graph")
    ws, key = _context()
    portfolio = _portfolio_picker(ws, key, "graph")
    cov, _ = data.run(str(ws.root), key, portfolio)
    labels = data.lexicon_labels(key)
    mode = st.radio("Centre on", ["obligation", "theme"], horizontal=True)
    if mode == "obligation":
        options = {f"{r.resolution} {r.section} {r.item}": r.id for r in cov.rows}
    else:
        options = {label: iri for iri, label in sorted(labels["themes"].items(), key=lambda x: x[1])}
    chosen = st.selectbox(mode.capitalize(), list(options))
    st.graphviz_chart(neighbourhood_dot(data.graph(str(ws.root), key), cov, options[chosen]))
