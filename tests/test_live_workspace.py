"""A live workspace: every write (assessment, portfolio, catalogue import, alignment decision,
correction, new resolution, RDF import) updates the built graph and the manifest in the same
step, so the next command sees it without `mvkg build`; the result is what a full build gives;
a failed write leaves data/ and build/ byte for byte as they were; writers take turns."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF

from actors import ADMIN, OS_USER
from conftest import FIXTURES, run_cli, tree_hash
from mvkg import pipeline
from mvkg.analysis.align import record_decision
from mvkg.graph import commit, update
from mvkg.graph.state import image_current
from mvkg.history.snapshots import SnapshotStore
from mvkg.inputs.catalogue import entry_iri
from mvkg.inputs.corrections import add_correction
from mvkg.kernel.locking import WorkspaceLock
from mvkg.kernel.namespaces import GRAPH, MVKG, portfolio_graph_iri, portfolio_node
from mvkg.kernel.workspace import Workspace
from mvkg.query.store import canonical_nquads, load_image

CATALOGUE_HEAD = "id,title,publisher,kind,status,date,url,themes,topics,source_url,notes\n"


def full_rebuild(ws: Workspace, resources, tmp: Path) -> Workspace:
    """The same data/ built from scratch (the reasoner's cached answer reused: same key, same input)."""
    other = Workspace(tmp / "full")
    shutil.rmtree(other.root, ignore_errors=True)
    shutil.copytree(ws.data, other.data)
    other.build_dir.mkdir(parents=True)
    shutil.copy(ws.reasoning_file, other.reasoning_file)
    pipeline.build(other, resources)
    return other


def assert_same_as_full_build(ws: Workspace, resources, tmp: Path) -> None:
    full = full_rebuild(ws, resources, tmp)
    expected = full.image_file.read_bytes()
    store = ox.Store.read_only(str(ws.store_dir))
    assert canonical_nquads(store) == expected  # the store the commands read
    assert ws.image_file.read_bytes() == expected  # the canonical image
    mine, theirs = ws.built_manifest(), full.built_manifest()
    for key in ("inputs", "graphs", "summary", "triples"):
        assert mine[key] == theirs[key], key
    assert ws.changed_inputs(resources.ontology_files()) == []  # the manifest says current
    assert image_current(ws)


def coverage(ws: Workspace, portfolio: str = "itu-t-in-force") -> dict:
    result = run_cli("--workspace", str(ws.root), "coverage", "--portfolio", portfolio, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def verdict(body: dict, short: str) -> str:
    return next(o["verdict"] for o in body["obligations"] if o["id"].endswith(f"/id/{short}/obligation"))


def test_an_assessment_changes_the_next_coverage_and_equals_a_full_build(live, resources, tmp_path):
    assert verdict(coverage(live), "atu-mv/resolves/para_b") == "not-covered"
    change = pipeline.add_assessment(live, resources, "atu-mv/resolves/para_b", "ITU-T Y.4240", "partial",
                                     "covers the interoperability part", actor=ADMIN, today="2026-12-05")
    assert change.update.mode == "incremental" and not change.update.reasoned
    assert change.update.changed == ("https://w3id.org/mvkg/graph/coverage",)
    assert verdict(coverage(live), "atu-mv/resolves/para_b") == "partial"
    assert_same_as_full_build(live, resources, tmp_path)


def test_a_new_portfolio_can_be_used_at_once(live, resources, tmp_path):
    result = run_cli("--workspace", str(live.root), "portfolio", "create", "mine", "--from", "itu-t-in-force",
                     "--exclude", "ITU-T Y.4240")
    assert result.exit_code == 0 and "mvkg build" not in result.output
    body = coverage(live, "mine")
    assert body["portfolio"] == "mine"
    assert "ITU-T Y.4240" not in {e for o in body["obligations"] for e in o["covering"]}
    listed = run_cli("--workspace", str(live.root), "portfolio", "list", "--format", "json")
    assert "mine" in {p["name"] for p in json.loads(listed.output)}
    snap = run_cli("--workspace", str(live.root), "snapshot", "create", "--portfolio", "mine")
    assert snap.exit_code == 0, snap.output
    assert_same_as_full_build(live, resources, tmp_path)


def test_a_catalogue_import_reaches_portfolios_and_verdicts(live, resources, tmp_path):
    source = tmp_path / "new.csv"
    source.write_text(CATALOGUE_HEAD + "ITU-T Z.9999,A made-up ITU-T Recommendation,itu-t,recommendation,published,"
                      "2025,https://www.itu.int/rec/T-REC-Z.9999,privacy,,https://www.itu.int/rec/T-REC-Z.9999,\n")
    result = run_cli("--workspace", str(live.root), "catalogue", "import", str(source))
    assert result.exit_code == 0, result.output
    shown = run_cli("--workspace", str(live.root), "portfolio", "show", "itu-t-in-force")
    assert "ITU-T Z.9999" in shown.output  # selected by publisher and status
    member = ox.Quad(ox.NamedNode(portfolio_node("itu-t-in-force")), ox.NamedNode(str(MVKG.member)),
                     ox.NamedNode(entry_iri("ITU-T Z.9999")), ox.NamedNode(str(portfolio_graph_iri("itu-t-in-force"))))
    assert member in ox.Store.read_only(str(live.store_dir))  # what every command reads
    assert_same_as_full_build(live, resources, tmp_path)


def test_an_alignment_decision_reaches_the_alignments_graph(live, resources, tmp_path):
    done = pipeline.live_write(live, resources, lambda _: record_decision(
        live, "ecp-mv/resolves/para_3", "atu-mv/resolves/para_a", "rejected", "", "A. Analyst"), {"decisions"},
        actor=ADMIN, change="alignment-decide", key="ecp-mv/resolves/para_3 atu-mv/resolves/para_a")
    assert done.update.changed == ("https://w3id.org/mvkg/graph/alignments",)
    store = ox.Store.read_only(str(live.store_dir))
    decided = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(MVKG.decidedBy)), ox.Literal("A. Analyst"))}
    assert len(decided) == 1
    assert {q.object.value for q in store.quads_for_pattern(next(iter(decided)), ox.NamedNode(str(MVKG.hasReviewStatus)), None)} \
        == {"rejected"}
    assert_same_as_full_build(live, resources, tmp_path)


def test_a_correction_reasons_again_and_equals_a_full_build(live, resources, tmp_path):
    before = coverage(live)["obligations"]
    done = pipeline.live_write(live, resources, lambda lv: add_correction(
        live, lv.lexicon(), "atu-mv/resolves/para_b", "strength", "recommendation", why="an invitation in substance",
        by="tester", at="2026-12-05T00:00:00Z"), {"corrections"}, actor=ADMIN, change="correction-add",
        key="atu-mv/resolves/para_b strength")
    # committed at once with a provisional inferred graph; the reasoner follows in the background
    assert done.update.mode == "incremental" and not done.update.reasoned
    assert done.update.pending is not None and done.update.pending.write == "correction-add atu-mv/resolves/para_b strength"
    done.update.wait()
    assert "reasoning_pending" not in live.built_manifest()
    assert json.loads(live.reasoning_file.read_text())["key"] == done.update.pending.key  # the reasoner's answer kept
    assert "https://w3id.org/mvkg/graph/inferred" in done.update.changed
    row = next(o for o in coverage(live)["obligations"] if o["id"].endswith("/atu-mv/resolves/para_b/obligation"))
    old = next(o for o in before if o["id"] == row["id"])
    assert old["severity"] == "violation" and row["severity"] == "info"  # a recommendation is not a violation
    assert_same_as_full_build(live, resources, tmp_path)


def test_a_new_resolution_is_visibly_unassessed(live, resources, tmp_path):
    result = run_cli("--workspace", str(live.root), "ingest", str(FIXTURES / "resolutions" / "conditions.txt"),
                     "--code", "COND-X")
    assert result.exit_code == 0, result.output
    assert "mvkg build" not in result.output and "not assessed" in result.output
    body = coverage(live)
    new = [o for o in body["obligations"] if o["resolution"] == "COND-X"]
    assert new and all(o["verdict"] == "not-assessed" for o in new)
    assert body["summary"]["obligations"] == len(body["obligations"])
    assert body["summary"]["assessed"] == len(body["obligations"]) - len(new)
    table = run_cli("--workspace", str(live.root), "coverage")
    assert f"{body['summary']['assessed']} of {len(body['obligations'])} obligations assessed" in table.output
    assert f"COND-X 0 of {len(new)}" in table.output
    snap = run_cli("--workspace", str(live.root), "snapshot", "create")
    assert snap.exit_code == 0, snap.output
    assert_same_as_full_build(live, resources, tmp_path)


def test_an_rdf_import_is_its_own_graph_at_once(live, resources, tmp_path):
    source = tmp_path / "notes.ttl"
    source.write_text('<https://example.org/note/1> <http://www.w3.org/2000/01/rdf-schema#comment> "checked" .\n')
    result = run_cli("--workspace", str(live.root), "import-rdf", str(source))
    assert result.exit_code == 0 and "up to date" in result.output
    assert_same_as_full_build(live, resources, tmp_path)


@pytest.mark.parametrize("args", [
    ["assessment", "add", "atu-mv/resolves/para_b", "NO-SUCH-ENTRY", "--relation", "full", "--rationale", "x"],
    ["portfolio", "create", "bad", "--include", "NOPE-1"],
    ["align-review", "ecp-mv/resolves/para_3", "atu-mv/resolves/para_a", "--decision", "changed"],
])
def test_a_refused_write_leaves_data_and_build_byte_identical(live, args):
    before = tree_hash(live.root)
    result = run_cli("--workspace", str(live.root), *args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert tree_hash(live.root) == before


def test_a_failure_while_updating_the_graph_puts_everything_back(live, resources, monkeypatch):
    """The file was written, then the graph update failed: data/ and build/ as they were."""
    before = tree_hash(live.root)

    def broken(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(commit, "write_manifest", broken)
    with pytest.raises(OSError):
        pipeline.add_assessment(live, resources, "atu-mv/resolves/para_b", "ITU-T Y.4240", "full", "x", actor=ADMIN)
    assert tree_hash(live.root) == before
    monkeypatch.undo()
    assert verdict(coverage(live), "atu-mv/resolves/para_b") == "not-covered"  # and the store is as it was


def test_a_bad_catalogue_import_changes_nothing(live, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text(CATALOGUE_HEAD + "X-1,Bad,nobody,recommendation,published,2025,https://x.org,,,https://x.org,\n")
    before = tree_hash(live.root)
    result = run_cli("--workspace", str(live.root), "catalogue", "import", str(source))
    assert result.exit_code == 2 and "nothing was changed" in result.output
    assert tree_hash(live.root) == before


MVKG_CLI = str(Path(sys.executable).parent / "mvkg")


def test_two_concurrent_writers_both_land(live, resources, tmp_path):
    def add(short: str) -> subprocess.Popen:
        return subprocess.Popen([MVKG_CLI, "-w", str(live.root), "assessment", "add", short, "ITU-T Y.4240", "--relation",
                                 "partial", "--rationale", "race"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    procs = [add("atu-mv/resolves/para_b"), add("ecp-mv/resolves/para_2")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    listed = run_cli("--workspace", str(live.root), "assessment", "list", "--entry", "ITU-T Y.4240", "--format", "json")
    mine = {(r["obligation"], r["assessor"]) for r in json.loads(listed.output)}
    assert {("atu-mv/resolves/para_b", OS_USER), ("ecp-mv/resolves/para_2", OS_USER)} <= mine
    assert_same_as_full_build(live, resources, tmp_path)


def test_a_writer_that_cannot_get_the_lock_is_refused_clearly(live, monkeypatch):
    monkeypatch.setattr("mvkg.kernel.locking.LOCK_WAIT", 0.3)
    before = tree_hash(live.root)
    with WorkspaceLock(live.root):  # another writer holds the workspace
        result = run_cli("--workspace", str(live.root), "assessment", "add", "atu-mv/resolves/para_b", "ITU-T Y.4240",
                         "--relation", "full", "--rationale", "x")
    assert result.exit_code == 2 and "another command is still writing this workspace" in result.output
    assert tree_hash(live.root) == before


def test_a_large_image_follows_in_the_background(live, resources, tmp_path, monkeypatch):
    monkeypatch.setattr(commit, "IMAGE_BACKGROUND_BYTES", 0)  # every image counts as large
    change = pipeline.add_assessment(live, resources, "atu-mv/resolves/para_b", "ITU-T Y.4240", "partial", "x", actor=ADMIN)
    assert change.update.thread is not None
    assert verdict(coverage(live), "atu-mv/resolves/para_b") == "partial"  # the store is current at once
    change.update.wait()
    assert image_current(live)
    assert_same_as_full_build(live, resources, tmp_path)


def test_a_stale_image_is_written_whole(live, resources, tmp_path):
    live.image_state_file.unlink()  # as after a writer killed before its image was written
    pipeline.add_assessment(live, resources, "atu-mv/resolves/para_b", "ITU-T Y.4240", "partial", "x", actor=ADMIN)
    assert_same_as_full_build(live, resources, tmp_path)


def test_the_memory_location_writes_its_image_at_once(live, resources, tmp_path, monkeypatch):
    monkeypatch.setenv("MVKG_STORE", "memory")
    pipeline.build(live, resources)  # a build for that location (no on-disk store)
    change = pipeline.add_assessment(live, resources, "atu-mv/resolves/para_b", "ITU-T Y.4240", "partial", "x", actor=ADMIN)
    assert change.update.mode == "incremental" and change.update.thread is None
    assert verdict(coverage(live), "atu-mv/resolves/para_b") == "partial"
    full = full_rebuild(live, resources, tmp_path)
    assert canonical_nquads(load_image(live.image_file)) == full.image_file.read_bytes() == live.image_file.read_bytes()


def test_a_hand_edited_workspace_is_rebuilt_by_the_next_write(live, resources, tmp_path):
    meta = live.resolutions_dir / "ecp-mv.json"
    meta.write_bytes(meta.read_bytes().replace(b'"draft"', b'"adopted"'))  # edited outside mvkg
    change = pipeline.add_assessment(live, resources, "atu-mv/resolves/para_b", "ITU-T Y.4240", "partial", "x", actor=ADMIN)
    assert change.update.mode == "rebuild"
    assert_same_as_full_build(live, resources, tmp_path)


def test_the_obligations_a_write_may_name_are_the_builds(live, resources):
    current = update.Live(live, resources)
    assert current.current
    from_store = current.obligations()
    current.close()
    (live.build_dir / "manifest.json").unlink()
    from_text = update.Live(live, resources).obligations()
    assert from_store == from_text and len(from_text) == 27


def test_snapshots_wait_for_a_write(live, resources):
    """A snapshot reads the build shared: it starts only when the write holding the lock ends."""
    folder = SnapshotStore(live.snapshots_dir)
    started = threading.Event()
    ids: list[str] = []
    with WorkspaceLock(live.root):
        thread = threading.Thread(target=lambda: (started.set(), ids.append(
            pipeline.take_snapshot(live, resources, folder, "itu-t-in-force", "waited", actor=ADMIN))))
        thread.start()
        started.wait()
        thread.join(0.5)
        assert thread.is_alive() and not ids  # still waiting for the lock
    thread.join(120)
    assert len(ids) == 1


def test_the_inferred_types_of_the_touched_subjects_are_patched(live, resources):
    """Without a reasoner run, only the subjects a write touched are classified again (the
    value-defined classes), and the inferred graph gets just the difference."""
    from mvkg.graph.commit import WorkingStore
    from mvkg.graph.refresh import INFERRED, GraphEdit, reason

    work = WorkingStore.open(live)
    try:
        edit = GraphEdit(work.store)
        coverage = str(GRAPH["coverage"])
        old = work.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(coverage)) or b""
        x = "https://example.org/x"
        extra = (f"<{x}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{MVKG.Obligation}> .\n"
                 f"<{x}> <{MVKG.hasStrength}> <{MVKG.binding}> .\n").encode()
        edit.replace(coverage, old + extra)
        inputs = live.current_inputs(resources.ontology_files(), live.built_manifest())
        first = reason(edit, live, inputs, {"coverage"})
        assert first.patch == (frozenset({(x, str(MVKG.BindingObligation))}), frozenset())
        edit.patch(INFERRED, frozenset({ox.Triple(ox.NamedNode(x), ox.NamedNode(str(RDF.type)),
                                                  ox.NamedNode(str(MVKG.BindingObligation)))}), frozenset())
        again = GraphEdit(work.store)
        again.replace(coverage, old)  # the triples go: so does the type
        second = reason(again, live, inputs, {"coverage"})
        assert second.patch == (frozenset(), frozenset({(x, str(MVKG.BindingObligation))}))
    finally:
        work.discard()
    assert not (live.build_dir / "store.live.tmp").exists()


def test_an_accepted_suggestion_is_in_the_graph_at_once(live, resources, tmp_path):
    ob = "atu-mv/resolves/para_b"
    top = json.loads(run_cli("--workspace", str(live.root), "suggest", ob, "--format", "json").output)[0]["entry"]
    result = run_cli("--workspace", str(live.root), "suggest", ob, "--accept", top, "--relation", "none")
    assert result.exit_code == 0 and "mvkg build" not in result.output, result.output
    listed = run_cli("--workspace", str(live.root), "assessment", "list", "--obligation", ob, "--format", "json")
    assert {(r["entry"], r["method"]) for r in json.loads(listed.output)} >= {(top, "machine-suggested")}
    assert_same_as_full_build(live, resources, tmp_path)
