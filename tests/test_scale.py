"""Scale features on real engines: a real Oxigraph SPARQL server (`oxigraph serve`, started
here on 127.0.0.1) gives the same verdicts as the embedded store; the in-memory store
location gives the same graph; the synthetic workspace generator is deterministic and its
10k workspace validates identically in the fast engine and in pyshacl; re-validation after
a change equals a full validation. Timings are measured by `make bench`, never here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import copy_workspace, free_port, oxigraph_serve, run_cli, tree_hash
from mvkg import pipeline
from mvkg.compliance.incremental import LiveValidation, Tally
from mvkg.compliance.validate import shapes_for, validate, validate_view
from mvkg.compliance.whatif import Hypothetical, hypothetical_graph
from mvkg.inputs.catalogue import entry_iri
from mvkg.inputs.synth import generate
from mvkg.kernel.namespaces import ID, MVKG, short_id
from mvkg.kernel.workspace import Workspace
from mvkg.query.store import open_read_only, portfolio_view


@pytest.fixture
def oxigraph_server(tmp_path):
    with oxigraph_serve(tmp_path / "server") as url:
        yield url


def _key(run):
    return sorted((r.focus, r.severity, r.message, r.verdict or "") for r in run.results)


def test_remote_sparql_endpoint_gives_the_same_verdicts(oxigraph_server, tmp_path, resources, built):
    local_ws, _ = built
    ws = copy_workspace(tmp_path / "remote")
    (ws.root / "mvkg.toml").write_text(f'[store]\nlocation = "sparql+{oxigraph_server}/query"\n', encoding="utf-8")
    pipeline.build(ws, resources)  # publishes every graph with the graph store protocol
    remote_graphs = {g.value for g in open_read_only(ws).named_graphs()}
    assert remote_graphs == {g.value for g in open_read_only(local_ws).named_graphs()}
    for portfolio in ("itu-t-in-force", "in-force-and-drafts"):
        remote, local = validate(ws, resources, portfolio), validate(local_ws, resources, portfolio)
        assert remote.verdicts == local.verdicts and _key(remote) == _key(local)
    result = run_cli("-w", str(ws.root), "query", "-q", "SELECT (COUNT(*) AS ?n) WHERE { ?o a mvkg:Obligation }",
                     "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"n": 27' in result.output


def test_unreachable_endpoint_is_a_clear_error(workspace):
    port = free_port()  # nothing listens there
    result = run_cli("-w", str(workspace.root), "--store", f"sparql+http://127.0.0.1:{port}/query",
                     "validate", "-p", "in-force")
    assert result.exit_code == 2
    assert "cannot reach the SPARQL endpoint" in result.output and "Traceback" not in result.output


def test_bad_settings_file_names_the_file(workspace):
    (workspace.root / "mvkg.toml").write_text("[store\nlocation = 1\n", encoding="utf-8")
    result = run_cli("-w", str(workspace.root), "obligations")
    assert result.exit_code == 2 and "mvkg.toml" in result.output


def test_memory_location_holds_the_same_graph(tmp_path, resources, built):
    local_ws, _ = built
    ws = copy_workspace(tmp_path / "mem")
    (ws.root / "mvkg.toml").write_text('[store]\nlocation = "memory"\n', encoding="utf-8")
    pipeline.build(ws, resources)
    assert not ws.store_dir.exists()  # nothing on disk but the image
    assert (ws.build_dir / "mvkg.nq").read_bytes() == (local_ws.build_dir / "mvkg.nq").read_bytes()
    assert validate(ws, resources, "in-force").verdicts == validate(local_ws, resources, "in-force").verdicts


def test_synthetic_workspace_is_deterministic(tmp_path, lexicon):
    a, b = Workspace(tmp_path / "a"), Workspace(tmp_path / "b")
    ra, rb = generate(a, lexicon, 10_000, seed=7), generate(b, lexicon, 10_000, seed=7)
    assert tree_hash(a.data) == tree_hash(b.data) and ra == rb
    assert 8_000 <= ra.triples <= 12_000 and ra.obligations > 100 and ra.assessments > ra.obligations
    other = Workspace(tmp_path / "c")
    generate(other, lexicon, 10_000, seed=8)
    assert tree_hash(other.data) != tree_hash(a.data)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, resources, lexicon):
    ws = Workspace(tmp_path_factory.mktemp("synth"))
    generate(ws, lexicon, 10_000, seed=1)
    report = pipeline.build(ws, resources, lexicon)
    return ws, report


def test_synthetic_10k_fast_engine_agrees_with_pyshacl(synthetic, resources):
    ws, report = synthetic
    assert report.triples > 10_000
    for portfolio in ("in-force", "all"):
        fast, reference = validate(ws, resources, portfolio), validate(ws, resources, portfolio, "pyshacl")
        assert fast.verdicts == reference.verdicts
        assert sorted((r.focus, r.severity, r.verdict or "") for r in fast.results) == \
            sorted((r.focus, r.severity, r.verdict or "") for r in reference.results)
        assert fast.counts()["violation"] > 0  # the generator's deliberate defects are found
        assert len(set(fast.verdicts.values())) >= 4


def test_revalidation_after_a_change_equals_full_validation(synthetic, resources):
    ws, _ = synthetic
    store = open_read_only(ws)
    shapes = shapes_for(resources)
    live = LiveValidation.start(portfolio_view(store, "half"), shapes, "half")
    not_assessed = [o for o, v in live.run.verdicts.items() if v == "not-assessed"]
    member = next(iter(live.view.query(f"SELECT ?e WHERE {{ ?p <{MVKG.member}> ?e }} ORDER BY ?e LIMIT 1")))["e"]
    outsider = next(iter(live.view.query(
        f"SELECT ?e WHERE {{ ?e a <{MVKG.Standard}> ; <{MVKG.hasEntryStatus}> <{MVKG['status-published']}> "
        f"MINUS {{ ?p <{MVKG.member}> ?e }} }} ORDER BY ?e LIMIT 1")))["e"]
    n = ox.NamedNode
    a = n(str(ID["assessment/test/new"]))
    xsd_date = n("http://www.w3.org/2001/XMLSchema#date")
    changes = [
        ([ox.Triple(a, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(str(MVKG.CoverageAssessment))),
          ox.Triple(a, n(str(MVKG.assessedObligation)), n(not_assessed[0])),
          ox.Triple(a, n(str(MVKG.hasRelation)), n(str(MVKG["relation-full"]))),
          ox.Triple(a, n(str(MVKG.coveredBy)), member),
          ox.Triple(a, n(str(MVKG.rationale)), ox.Literal("covers it")),
          ox.Triple(a, n(str(MVKG.assessor)), ox.Literal("test")),
          ox.Triple(a, n(str(MVKG.assessedOn)), ox.Literal("2026-11-22", datatype=xsd_date))], []),
        ([ox.Triple(n(str(ID["portfolio/half"])), n(str(MVKG.member)), outsider)], []),  # a portfolio change
        ([], [ox.Triple(member, n(str(MVKG.hasEntryStatus)), n(str(MVKG["status-published"]))),
              ox.Triple(member, n(str(MVKG.hasEntryStatus)), n(str(MVKG["status-approved"])))]),  # a broken entry
    ]
    for added, removed in changes:
        before = dict(live.run.verdicts)
        run = live.apply(added, removed)
        full = validate_view(live.view, shapes, "half")
        assert run.verdicts == full.verdicts
        assert _key(run) == _key(full)
        assert Tally.of(live.view, full.verdicts).counts == {k: +v for k, v in live.tally.counts.items()}
    assert before != run.verdicts or live.run.verdicts[not_assessed[0]] != "not-assessed"
    assert live.run.verdicts[not_assessed[0]] != "not-assessed"


def test_whatif_moves_equal_a_full_validation_of_the_same_state(synthetic, resources):
    """The UI's what-if: members dropped, a hypothetical published entry covering three
    unassessed obligations, then back. After each move the live results equal a full
    validation of the moved data, and returning to the start restores every verdict."""
    ws, _ = synthetic
    shapes = shapes_for(resources)
    live = LiveValidation.start(portfolio_view(open_read_only(ws), "half"), shapes, "half")
    start, kept = dict(live.run.verdicts), tuple(sorted(live.members))
    targets = sorted(o for o, v in start.items() if v == "not-assessed")[:3]
    theme, publisher = (next(iter(live.view.query(q)))[0].value for q in (
        f"SELECT ?t WHERE {{ <{targets[0]}> <{MVKG.hasTheme}> ?t }} ORDER BY ?t LIMIT 1",
        f"SELECT ?a WHERE {{ ?e <{MVKG.publisher}> ?a }} ORDER BY ?a LIMIT 1"))
    hypo = Hypothetical("X.hypo", "A hypothetical", "published", (theme,), publisher,
                        tuple((short_id(o), "full") for o in targets))
    extra, hypo_iri = hypothetical_graph(hypo), entry_iri("X.hypo")
    for members, graph in ((kept[5:], None), (kept[5:] + (hypo_iri,), extra), (kept + (hypo_iri,), extra), (kept, None)):
        run = live.move_to(members, graph)
        full = validate_view(live.view, shapes, "half")
        assert run.verdicts == full.verdicts and _key(run) == _key(full)
        assert Tally.of(live.view, full.verdicts).counts == {k: +v for k, v in live.tally.counts.items()}
        assert all((run.verdicts[o] != "not-assessed") == (graph is not None) for o in targets)
    assert live.run.verdicts == start and live.members == frozenset(kept) and not live.added


def test_benchmark_scale_run_writes_the_record_schema(tmp_path):
    """The CI smoke of `make bench`: one run of every scale task on a 10k workspace (no
    timing is asserted; the numbers are only checked to be there and sane)."""
    import json
    import os
    import sys

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, MVKG_BENCH_RUNS="1", MVKG_BENCH_BASELINE_1M="0", TMPDIR=str(tmp_path))
    done = subprocess.run([sys.executable, str(root / "benchmarks" / "run.py"), "--scale", "10000"], env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    records = json.loads(done.stdout.strip().splitlines()[-1])
    keys = {"task", "size_triples", "engine", "runs", "median_s", "min_s", "max_s", "peak_mb", "baseline_median_s", "ratio"}
    assert all(keys <= set(r) for r in records)
    tasks = {r["task"] for r in records}
    assert {"build", "validate_full", "validate_incremental", "snapshot", "ui_load", "query_obligations",
            "query_obligations_all"} <= tasks
    full = next(r for r in records if r["task"] == "validate_full")
    assert full["baseline_median_s"] and full["ratio"] and full["size_triples"] > 9_000
    assert all(r["min_s"] <= r["median_s"] <= r["max_s"] and r["peak_mb"] > 0 for r in records)


def test_bad_store_location_and_bad_rdf_portfolio_are_clear_errors(workspace):
    result = run_cli("-w", str(workspace.root), "--store", "ftp://example.org/sparql", "obligations")
    assert result.exit_code == 2 and "sparql+http" in result.output and "Traceback" not in result.output
    bad = workspace.data / "portfolios" / "exported.nt"
    bad.write_text("<https://w3id.org/mvkg/id/portfolio/exported> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n"
                   "this is not N-Triples\n", encoding="utf-8")
    before = tree_hash(workspace.root)
    result = run_cli("-w", str(workspace.root), "build")
    assert result.exit_code == 2 and "exported.nt" in result.output and "Traceback" not in result.output
    assert tree_hash(workspace.root) == before  # nothing written, no half-built store
