"""Two analysts changing the same assessment or portfolio never lose an update silently: each
record has a version (a hash of what is stored), a write names the version it started from,
and a write from an old version is refused with the difference, nothing written. Also with
real processes racing on one assessment: exactly one wins, the file is whole, the graph
holds the winner's change."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
from pathlib import Path

import pyoxigraph as ox
import pytest

from actors import actor
from conftest import REPO, run_cli, tree_hash
from mvkg import pipeline
from mvkg.inputs import assessments
from mvkg.inputs.portfolios import load_portfolios, portfolio_version
from mvkg.inputs.versions import StaleEditError
from mvkg.kernel.namespaces import ID, MVKG
from mvkg.kernel.resources import find_resources
from mvkg.kernel.workspace import Workspace

OB, ENTRY = "atu-mv/resolves/para_a", "ITU-T Y.4239"  # an assessment of the seed


def stored_row(ws: Workspace) -> dict[str, str]:
    """The assessment's row as the CSV file holds it (parsed from the bytes on disk)."""
    text = ws.coverage_file("assessments.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if (r["obligation"], r["entry"]) == (OB, ENTRY)]
    assert len(rows) == 1, rows
    return rows[0]


def graph_rationale(ws: Workspace) -> set[str]:
    node = ox.NamedNode(str(ID[f"assessment/{OB}/itu-t-y-4239"]))
    store = ox.Store.read_only(str(ws.store_dir))
    return {q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(str(MVKG.rationale)), None)}


def state(ws: Workspace) -> tuple[str, bytes]:
    return tree_hash(ws.root / "data"), ws.manifest_file.read_bytes()


def test_the_second_writer_from_the_same_version_is_refused_with_the_difference(live, resources):
    version = assessments.find(live, OB, ENTRY).version
    first = pipeline.edit_assessment(live, resources, OB, ENTRY, {"relation": "full"}, actor=actor("Alice"),
                                     expected_version=version)
    assert first.stored.version != version  # the stored row moved on
    before = state(live)
    with pytest.raises(StaleEditError) as refused:
        pipeline.edit_assessment(live, resources, OB, ENTRY, {"rationale": "Bob's reading"}, actor=actor("Bob"),
                                 expected_version=version)
    exc = refused.value
    assert exc.expected == version and exc.version == first.stored.version
    assert exc.current is not None and exc.current["relation"] == "full" and exc.current["assessor"] == "Alice"
    diff = {d.field: (d.current, d.yours) for d in exc.differences}
    assert diff["rationale"][1] == "Bob's reading" and diff["assessor"] == ("Alice", "Bob")
    assert "relation" not in diff  # Bob's row would have kept Alice's relation: no difference there
    assert "changed by someone else" in str(exc) and "nothing was written" in str(exc)
    assert state(live) == before  # nothing written: data/ and the build as they were
    assert stored_row(live)["relation"] == "full" and stored_row(live)["assessor"] == "Alice"


def test_a_write_from_the_current_version_goes_through_and_no_version_means_no_check(live, resources):
    v1 = assessments.find(live, OB, ENTRY).version
    pipeline.edit_assessment(live, resources, OB, ENTRY, {"evidence": "clause 7"}, actor=actor("Alice"))  # no version: as before
    v2 = assessments.find(live, OB, ENTRY).version
    assert v2 != v1
    pipeline.edit_assessment(live, resources, OB, ENTRY, {"rationale": "read again"}, actor=actor("Bob"), expected_version=v2)
    row = stored_row(live)
    assert (row["evidence"], row["rationale"], row["assessor"]) == ("clause 7", "read again", "Bob")
    assert graph_rationale(live) == {"read again"}


def test_remove_and_review_check_the_version_too(live, resources):
    v1 = assessments.find(live, OB, ENTRY).version
    pipeline.review_assessment(live, resources, OB, ENTRY, actor=actor("Rita"), expected_version=v1)
    before = state(live)
    with pytest.raises(StaleEditError) as refused:
        pipeline.remove_assessment(live, resources, OB, ENTRY, actor=actor("Bob"), expected_version=v1)
    diff = {d.field: (d.current, d.yours) for d in refused.value.differences}
    assert diff["review"] == ("reviewed", "") and diff["reviewed_by"] == ("Rita", "")
    assert state(live) == before
    v2 = assessments.find(live, OB, ENTRY).version
    pipeline.remove_assessment(live, resources, OB, ENTRY, actor=actor("Bob"), expected_version=v2)
    assert assessments.find(live, OB, ENTRY) is None
    with pytest.raises(StaleEditError) as gone:  # an edit of what someone removed meanwhile
        pipeline.edit_assessment(live, resources, OB, ENTRY, {"relation": "full"}, actor=actor("Bob"), expected_version=v2)
    assert gone.value.current is None and "was removed" in str(gone.value)


def test_cli_if_version(live):
    listed = run_cli("--workspace", str(live.root), "assessment", "list", "--obligation", OB, "--entry", ENTRY,
                     "--format", "json")
    version = json.loads(listed.output)[0]["version"]
    ok = run_cli("--workspace", str(live.root), "assessment", "edit", OB, ENTRY, "--relation", "full",
                 "--if-version", version)
    assert ok.exit_code == 0, ok.output
    before = state(live)
    stale = run_cli("--workspace", str(live.root), "assessment", "remove", OB, ENTRY, "--if-version", version)
    assert stale.exit_code == 2
    assert stale.output.startswith("mvkg: error:") and "changed by someone else" in stale.output
    assert "Traceback" not in stale.output and state(live) == before


def test_a_portfolio_is_replaced_only_from_the_version_its_editor_read(live, resources):
    read = portfolio_version(live, "fgmv")
    assert read is not None
    pipeline.save_whatif(live, resources, "fgmv", description="Alice's set", entries=("ITU-T Y.4239",), actor=actor("Alice"),
                         replace_version=read)
    alice = live.portfolio_file("fgmv").read_bytes()
    before = state(live)
    with pytest.raises(StaleEditError) as refused:
        pipeline.save_whatif(live, resources, "fgmv", description="Bob's set", entries=("ITU-T Q6/17",), actor=actor("Bob"),
                             replace_version=read)
    exc = refused.value
    assert exc.current is not None and exc.current["description"] == "Alice's set"
    diff = {d.field: (d.current, d.yours) for d in exc.differences}
    assert diff["include"] == ('["ITU-T Y.4239"]', '["ITU-T Q6/17"]')
    assert state(live) == before and live.portfolio_file("fgmv").read_bytes() == alice
    assert load_portfolios(live)["fgmv"].include == ("ITU-T Y.4239",)
    with pytest.raises(Exception, match="already exists"):  # no version: an existing portfolio is never replaced
        pipeline.save_whatif(live, resources, "fgmv", entries=(), actor=actor("Bob"))


# ------------------------------------------------------------------ real processes racing


def _racer(root: str, version: str, rationale: str, barrier, results) -> None:
    ws = Workspace(Path(root))
    barrier.wait()
    try:
        pipeline.edit_assessment(ws, find_resources(), OB, ENTRY, {"rationale": rationale}, actor=actor(rationale),
                                 expected_version=version)
        results.put(("won", rationale))
    except StaleEditError as exc:
        results.put(("refused", exc.current["rationale"] if exc.current else None))


def _unversioned(root: str, field: str, value: str, barrier, results) -> None:
    ws = Workspace(Path(root))
    barrier.wait()
    pipeline.edit_assessment(ws, find_resources(), OB, ENTRY, {field: value}, actor=actor("racer"))
    results.put(("done", field))


def _race(target, args_list) -> list[tuple]:
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters: a forked child inherits the parent's open stores
    barrier, results = ctx.Barrier(len(args_list)), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, results)) for args in args_list]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    return [results.get(timeout=5) for _ in procs]


def test_processes_racing_from_one_version_exactly_one_wins(live):
    version = assessments.find(live, OB, ENTRY).version
    outcome = _race(_racer, [(str(live.root), version, f"racer {n}") for n in range(3)])
    winners = [who for what, who in outcome if what == "won"]
    assert len(winners) == 1, outcome
    assert all(seen == winners[0] for what, seen in outcome if what == "refused")  # each loser was shown the winner
    row = stored_row(live)  # the file parses whole: one row for the assessment
    assert row["rationale"] == winners[0] and row["assessor"] == winners[0]
    assert len(assessments.stored_assessments(live)) == len(assessments.stored_assessments(Workspace(REPO)))
    assert graph_rationale(live) == {winners[0]}


def test_processes_editing_different_fields_without_versions_both_land(live):
    outcome = _race(_unversioned, [(str(live.root), "evidence", "clause 9"), (str(live.root), "confidence", "0.4")])
    assert sorted(outcome) == [("done", "confidence"), ("done", "evidence")]
    row = stored_row(live)
    assert (row["evidence"], row["confidence"]) == ("clause 9", "0.4")  # no lost update
