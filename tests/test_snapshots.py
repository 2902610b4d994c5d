"""Snapshots: create/list/show/diff/verify/trend, explained diffs, reports, and storage that
never loses a snapshot (kill -9 mid-write, two processes racing, path traversal)."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import copy_workspace, run_cli
from mvkg import pipeline
from mvkg.history.diff import diff, explain
from mvkg.history.snapshots import SnapshotStore
from mvkg.kernel.errors import InputError

MVKG = str(Path(sys.executable).parent / "mvkg")
OB = "ecp-mv/instructs-sg16/para_2/item_ii"
R2 = "ecp-mv/resolves/para_2"


def _cli(ws, *args):
    result = run_cli("--workspace", str(ws.root), *args)
    return result


def _set_status(ws, entry_id, status):
    path = ws.data / "catalogue" / "catalogue.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for r in rows:
        if r["id"] == entry_id:
            r["status"] = status
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _set_assessments(ws, rows):
    path = ws.data / "coverage" / "assessments.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["obligation", "entry", "relation", "rationale", "evidence", "evidence_url", "assessor", "date",
                    "confidence", "method"])
        for ob, entry, rel in rows:
            w.writerow([ob, entry, rel, "test", "", "", "tester", "2026-11-22", "0.5", "manual"])


@pytest.fixture(scope="module")
def history(tmp_path_factory, resources, lexicon):
    """Three snapshots with known changes between them."""
    ws = copy_workspace(tmp_path_factory.mktemp("history"))
    ids = []
    # 1: OB covered by a draft only (in-progress Q.FITSM) in 'in-force-and-drafts'
    _set_assessments(ws, [(OB, "ITU-T Q.FITSM", "full"), ("atu-mv/resolves/para_g", "ISO/IEC 27701:2019", "partial"),
                          (R2, "ITU-T Y.4240", "partial")])
    pipeline.build(ws, resources, lexicon)
    ids.append(_cli(ws, "snapshot", "create", "-p", "in-force-and-drafts", "--label", "baseline").output.strip())
    # 2: the draft is published (status change); a new assessment for ATU g
    _set_status(ws, "ITU-T Q.FITSM", "published")
    _set_assessments(ws, [(OB, "ITU-T Q.FITSM", "full"), ("atu-mv/resolves/para_g", "ISO/IEC 27701:2019", "full"),
                          (R2, "ITU-T Y.4240", "full")])
    pipeline.build(ws, resources, lexicon)
    ids.append(_cli(ws, "snapshot", "create", "-p", "in-force-and-drafts", "--label", "after publication").output.strip())
    # 3: the entry leaves the portfolio; the text of ECP resolves 3 changes; ATU g's item label changes
    pf = ws.data / "portfolios" / "in-force-and-drafts.json"
    body = json.loads(pf.read_text())
    body["exclude"] = ["ITU-T Q.FITSM"]
    pf.write_text(json.dumps(body))
    ecp = ws.resolutions_dir / "ecp-mv.txt"
    ecp.write_text(ecp.read_text(encoding="utf-8").replace("for sustainable and accessible development",
                                                            "for sustainable, accessible and inclusive development"),
                   encoding="utf-8")
    atu = ws.resolutions_dir / "atu-mv.txt"
    atu.write_text(atu.read_text(encoding="utf-8").replace("\ng)\tto ensure data privacy", "\nh)\tto ensure data privacy"),
                   encoding="utf-8")
    _set_assessments(ws, [(OB, "ITU-T Q.FITSM", "full"), ("atu-mv/resolves/para_h", "ISO/IEC 27701:2019", "full"),
                          (R2, "ITU-T Y.4240", "full")])
    pipeline.build(ws, resources, lexicon)
    ids.append(_cli(ws, "snapshot", "create", "-p", "in-force-and-drafts", "--label", "excluded").output.strip())
    return ws, ids


def test_create_list_verify(history):
    ws, ids = history
    assert len(set(ids)) == 3 and all(len(i) == 29 for i in ids)
    listing = json.loads(_cli(ws, "snapshot", "list", "--format", "json").output)
    assert [s["id"] for s in listing] == ids
    assert [s["label"] for s in listing] == ["baseline", "after publication", "excluded"]
    verify = _cli(ws, "snapshot", "verify")
    assert verify.exit_code == 0 and verify.output.count(": ok") == 3


def test_snapshot_records_inputs_versions_and_verdicts(history):
    ws, ids = history
    snap = json.loads(_cli(ws, "snapshot", "show", ids[0], "--format", "json").output)
    assert snap["id"] == ids[0] and snap["portfolio"]["name"] == "in-force-and-drafts"
    for needed in ("data/resolutions/ecp-mv.txt", "ontology/mvkg.ttl", "shapes/compliance.ttl",
                   "data/catalogue/catalogue.csv", "data/coverage/assessments.csv", "data/portfolios/in-force-and-drafts.json"):
        assert len(snap["inputs"][needed]) == 64
    assert {"mvkg", "python", "rdflib", "pyoxigraph", "pyshacl", "ontology", "shapes"} <= set(snap["versions"])
    assert snap["obligations"][OB]["verdict"] == "proposed-only"
    assert len(snap["obligations"]) == 27


def test_diff_explains_status_change_assessment_change_and_portfolio_removal(history):
    ws, ids = history
    first = json.loads(_cli(ws, "snapshot", "diff", ids[0], ids[1], "--format", "json").output)
    assert set(first) == {"from", "to", "changes", "summary"}
    by_ob = {c["obligation"].split("/id/")[1].removesuffix("/obligation"): c for c in first["changes"]}
    change = by_ob[OB]
    assert set(change) == {"obligation", "resolution", "section", "item", "from_verdict", "to_verdict", "causes"}
    assert (change["from_verdict"], change["to_verdict"]) == ("proposed-only", "covered")
    assert {"kind": "status-changed", "detail": "ITU-T Q.FITSM: in-progress → published"} in change["causes"]
    r2 = by_ob[R2]
    assert (r2["from_verdict"], r2["to_verdict"]) == ("partial", "covered")
    assert {"kind": "assessment-changed", "detail": "ITU-T Y.4240: partial → full"} in r2["causes"]
    assert "atu-mv/resolves/para_g" not in by_ob  # still partial (PETs and user control missing)
    second = json.loads(_cli(ws, "snapshot", "diff", ids[1], ids[2], "--format", "json").output)
    by_ob = {c["obligation"].split("/id/")[1].removesuffix("/obligation"): c for c in second["changes"]}
    assert by_ob[OB]["to_verdict"] == "not-covered"
    assert {"kind": "portfolio-removed", "detail": "ITU-T Q.FITSM was removed from the portfolio"} in by_ob[OB]["causes"]


def test_diff_follows_an_obligation_whose_id_changed(history):
    ws, ids = history
    d = json.loads(_cli(ws, "snapshot", "diff", ids[1], ids[2], "--format", "json").output)
    moved = [c for c in d["changes"] if any(x["kind"] == "obligation-id-changed" for x in c["causes"])]
    assert len(moved) == 1 and moved[0]["item"] == "h"
    assert moved[0]["from_verdict"] == moved[0]["to_verdict"] == "partial"  # same verdict, id followed
    assert not [c for c in d["changes"] if c["from_verdict"] is None or c["to_verdict"] is None]


def test_diff_reports_text_change_and_shape_change():
    ob = {"id": "x", "resolution": "R", "section": "resolves", "item": "1", "verdict": "covered", "text_sha256": "a",
          "themes": ["t"], "assessments": {}}
    a = {"id": "A", "obligations": {"r/1": ob}, "portfolio": {"name": "p", "members": []}, "entries": {},
         "inputs": {"shapes/compliance.ttl": "1"}, "summary": {}}
    b = {**a, "id": "B", "obligations": {"r/1": {**ob, "text_sha256": "b", "verdict": "partial"}},
         "inputs": {"shapes/compliance.ttl": "2"}}
    kinds = {c.kind for c in explain("r/1", "r/1", a, b)}
    assert {"obligation-text-changed", "shape-changed"} <= kinds
    summary = {"coverage_percent": 1, "binding": {"coverage_percent": 1}, "counts": {}, "formula": "f"}
    d = diff({**a, "summary": summary}, {**b, "summary": summary})
    assert [(c.from_verdict, c.to_verdict) for c in d.changes] == [("covered", "partial")]


def test_text_change_is_a_cause_in_a_real_diff(history):
    ws, ids = history
    snap2 = json.loads(_cli(ws, "snapshot", "show", ids[1], "--format", "json").output)
    snap3 = json.loads(_cli(ws, "snapshot", "show", ids[2], "--format", "json").output)
    key = "ecp-mv/resolves/para_3"
    kinds = {c.kind for c in explain(key, key, snap2, snap3)}
    assert "obligation-text-changed" in kinds and "obligation-themes-changed" in kinds


def test_reports_say_id_date_portfolio_and_formula(history):
    ws, ids = history
    for fmt in ("md", "html", "csv"):
        out = _cli(ws, "snapshot", "show", ids[2], "--format", fmt).output
        assert ids[2] in out and "in-force-and-drafts" in out
        if fmt != "csv":
            assert "0.5 × partial" in out and "2026-" in out
    html = _cli(ws, "snapshot", "show", ids[2], "--format", "html").output
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    for external in ("<script", "<link", "src=", "@import", "url("):
        assert external not in html
    trig = _cli(ws, "snapshot", "show", ids[2], "--format", "trig").output
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(data=trig, format="trig")
    assert len(list(ds.graphs())) >= 4  # metadata, verdicts, report (+ default)


def test_trend(history):
    ws, ids = history
    table = _cli(ws, "snapshot", "trend", "--portfolio", "in-force-and-drafts").output
    assert all(i in table for i in ids)
    rows = list(csv.reader(_cli(ws, "snapshot", "trend", "--format", "csv").output.splitlines()))
    assert rows[0][:5] == ["created", "id", "label", "portfolio", "coverage %"] and len(rows) == 4
    assert _cli(ws, "snapshot", "trend", "--format", "svg").output.startswith("<svg")


def test_verify_detects_damage(history, tmp_path):
    ws, ids = history
    import shutil

    folder = tmp_path / "snaps"
    shutil.copytree(ws.data / "snapshots", folder)
    path = folder / ids[1] / "snapshot.json"
    path.write_text(path.read_text().replace('"covered"', '"partial"', 1))
    result = run_cli("--workspace", str(ws.root), "snapshot", "--dir", str(folder), "verify")
    assert result.exit_code == 1
    assert f"{ids[1]}: DAMAGED" in result.output and f"{ids[0]}: ok" in result.output


@pytest.mark.parametrize("bad", ["../../etc/passwd", "..", "20261122T055845Z-a17c885f2a2c/../x", "/etc/passwd"])
def test_ids_cannot_escape_the_folder(history, bad):
    ws, _ = history
    store = SnapshotStore(ws.data / "snapshots")
    with pytest.raises(InputError):
        store.path(bad)
    result = _cli(ws, "snapshot", "show", bad)
    assert result.exit_code == 2


def test_labels_are_data_not_paths(history):
    ws, _ = history
    before = set((ws.data / "snapshots").iterdir())
    result = _cli(ws, "snapshot", "create", "-p", "fgmv", "--label", "../../etc/passwd")
    assert result.exit_code == 0
    new = set((ws.data / "snapshots").iterdir()) - before
    assert len(new) == 1 and next(iter(new)).parent == ws.data / "snapshots"
    assert json.loads((next(iter(new)) / "snapshot.json").read_text())["label"] == "../../etc/passwd"


def test_stale_build_is_refused(history):
    ws, _ = history
    meta = ws.resolutions_dir / "ecp-mv.json"
    original = meta.read_bytes()
    meta.write_bytes(original.replace(b'"draft"', b'"adopted"'))
    try:
        result = _cli(ws, "snapshot", "create")
        assert result.exit_code == 2 and "out of date" in result.output and "ecp-mv.json" in result.output
    finally:
        meta.write_bytes(original)


def _snapshot_proc(ws, label):
    return subprocess.Popen([MVKG, "--workspace", str(ws.root), "snapshot", "create", "-p", "fgmv", "--label", label],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_processes_racing_both_succeed(history):
    ws, _ = history
    before = set(SnapshotStore(ws.data / "snapshots").ids())
    procs = [_snapshot_proc(ws, "race") for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    ids = {o[0].strip() for o in outs}
    store = SnapshotStore(ws.data / "snapshots")
    assert ids <= set(store.ids()) and len(set(store.ids()) - before) == len(ids) == 2
    assert all(r.ok for r in store.verify())


def test_kill_9_mid_write_never_damages_or_half_writes(history):
    ws, _ = history
    store = SnapshotStore(ws.data / "snapshots")
    before = {i: (store.path(i) / "manifest.json").read_bytes() for i in store.ids()}
    rng = random.Random(7)
    for attempt in range(8):
        proc = _snapshot_proc(ws, f"killed {attempt}")
        time.sleep(rng.uniform(0.3, 2.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for i, manifest in before.items():  # every earlier snapshot intact
            assert (store.path(i) / "manifest.json").read_bytes() == manifest
        assert all(r.ok for r in store.verify()), "a visible snapshot is damaged"
    assert set(before) <= set(store.ids())


SLOW_WRITER = """
import os, sys, time
real_fsync = os.fsync
def slow_fsync(fd):
    time.sleep(0.4)  # widen the write window so the test can kill inside it
    real_fsync(fd)
os.fsync = slow_fsync
from mvkg.cli import main
sys.exit(main())
"""


def test_kill_9_inside_the_write_window_leaves_no_visible_snapshot(history):
    ws, _ = history
    store = SnapshotStore(ws.data / "snapshots")
    before = set(store.ids())
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, "--workspace", str(ws.root), "snapshot", "create",
                             "-p", "fgmv", "--label", "killed while writing"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while not store.leftovers() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert store.leftovers(), "the writer never reached the write phase"
    time.sleep(0.3)  # inside the slowed fsync of the first files
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert set(store.ids()) == before  # no half snapshot became visible
    assert all(r.ok for r in store.verify())
    verify = run_cli("--workspace", str(ws.root), "snapshot", "verify")
    assert "interrupted write" in verify.output and verify.exit_code == 0


def test_trig_links_each_verdict_to_the_covering_entries_as_built(history):
    """The verdict records point at the covering entries' own IRIs, as the built graph has
    them (read from the store, never rebuilt from the identifier)."""
    import pyoxigraph as ox

    from mvkg.query.store import open_read_only

    ws, ids = history
    trig = (SnapshotStore(ws.data / "snapshots").path(ids[0]) / "snapshot.trig").read_bytes()
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    covering = "https://w3id.org/mvkg/ontology#coveringEntry"
    linked = {q.object.value for q in quads if q.predicate.value == covering}
    snap = json.loads(_cli(ws, "snapshot", "show", ids[0], "--format", "json").output)
    named = {c["entry"] for ob in snap["obligations"].values() for c in ob["covering"]}
    built = {r["e"].value: r["id"].value for r in open_read_only(ws).query(
        "SELECT ?e ?id WHERE { GRAPH ?g { ?e <https://w3id.org/mvkg/ontology#identifier> ?id } }")}
    assert linked and linked <= set(built) and {built[e] for e in linked} == named
