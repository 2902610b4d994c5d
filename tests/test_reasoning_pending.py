"""Reasoning that must run again runs after the write's commit (graph/pending.py): the write is
visible at once with a provisional inferred graph and `reasoning_pending` in the manifest; the
background step commits the reasoner's answer and clears the flag; a snapshot waits for it; a
worker killed mid-reasoning is repaired; the app says "Reasoning… N%" while it runs."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from streamlit.testing.v1 import AppTest

from actors import ADMIN
from conftest import REPO, run_cli
from mvkg import pipeline
from mvkg.graph import pending as pending_mod
from mvkg.graph.pending import reasoning_status, resume, settle
from mvkg.graph.reasoning import InconsistentOntology, Materialiser
from mvkg.graph.state import image_current, read_state, write_manifest
from mvkg.history.snapshots import SnapshotStore
from mvkg.inputs.corrections import add_correction
from mvkg.kernel.errors import WorkspaceError
from mvkg.kernel.locking import WorkspaceLock, is_held
from mvkg.kernel.namespaces import GRAPH, MVKG
from mvkg.kernel.workspace import Workspace
from mvkg.query.store import canonical_nquads

OBLIGATION = "atu-mv/resolves/para_b"
BINDING = ox.Quad(ox.NamedNode(f"https://w3id.org/mvkg/id/{OBLIGATION}/obligation"),
           ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(str(MVKG.BindingObligation)),
           ox.NamedNode(str(GRAPH["inferred"])))


class Gate:
    """The reasoner of graph/pending.py held back until `open()` (the real one runs then)."""

    def __init__(self, monkeypatch) -> None:
        self.event = threading.Event()
        gate = self.event

        class Held(Materialiser):
            def result(self):
                gate.wait(300)
                return super().result()

        monkeypatch.setattr(pending_mod, "Materialiser", Held)

    def open(self) -> None:
        self.event.set()


def correct(ws: Workspace, resources):
    """A write that changes the reasoner's input: the obligation becomes a recommendation."""
    return pipeline.live_write(ws, resources, lambda lv: add_correction(
        ws, lv.lexicon(), OBLIGATION, "strength", "recommendation", why="an invitation in substance", by="tester",
        at="2026-12-05T00:00:00Z"), {"corrections"}, actor=ADMIN, change="correction-add", key=f"{OBLIGATION} strength")


def full_build_image(ws: Workspace, resources, tmp: Path) -> bytes:
    other = Workspace(tmp / "full")
    shutil.copytree(ws.data, other.data)
    pipeline.build(other, resources)
    return other.image_file.read_bytes()


def store_nquads(ws: Workspace) -> bytes:
    return canonical_nquads(ox.Store.read_only(str(ws.store_dir)))


def test_the_flag_is_set_at_the_commit_and_cleared_by_the_reasoners_answer(live, resources, tmp_path, monkeypatch):
    assert BINDING in ox.Store.read_only(str(live.store_dir))
    gate = Gate(monkeypatch)
    done = correct(live, resources).update
    try:
        flag = live.built_manifest()["reasoning_pending"]
        assert flag["write"] == f"correction-add {OBLIGATION} strength" and flag["key"] == done.pending.key
        status = reasoning_status(live)
        assert status.running and not status.stalled and status.pending == done.pending
        # visible at once: the value-defined classes were looked up again in the provisional graph
        assert BINDING not in ox.Store.read_only(str(live.store_dir))
        assert json.loads(live.reasoning_file.read_text())["key"] != done.pending.key  # not reasoned yet
    finally:
        gate.open()
    done.wait()
    assert "reasoning_pending" not in live.built_manifest() and reasoning_status(live).pending is None
    assert json.loads(live.reasoning_file.read_text())["key"] == done.pending.key
    assert not is_held(live.root)  # the worker gave the workspace back
    assert store_nquads(live) == full_build_image(live, resources, tmp_path) == live.image_file.read_bytes()


def test_progress_is_estimated_from_the_last_run_and_never_says_done(live, resources, monkeypatch):
    gate = Gate(monkeypatch)
    done = correct(live, resources).update
    try:
        p = done.pending
        assert p.expected and p.expected > 0  # the build's reasoner time, kept in build/reasoning.json
        assert p.progress(p.started) == 0
        assert p.progress(p.started + p.expected / 2) == 50
        assert p.progress(p.started + 10 * p.expected) == 95
    finally:
        gate.open()
        done.wait()


def test_a_snapshot_waits_for_the_pending_reasoning(live, resources, monkeypatch):
    gate = Gate(monkeypatch)
    done = correct(live, resources).update
    ids: list[str] = []
    seen: list[str] = []

    def take() -> None:
        made = pipeline.take_snapshot(live, resources, SnapshotStore(live.snapshots_dir), "itu-t-in-force", "after",
                                      actor=ADMIN)
        seen.append(json.loads(live.reasoning_file.read_text())["key"])
        ids.append(made)

    thread = threading.Thread(target=take)
    try:
        thread.start()
        thread.join(1.0)
        assert thread.is_alive() and not ids  # held back while the reasoner runs
    finally:
        gate.open()
    thread.join(300)
    done.wait()
    assert len(ids) == 1 and seen == [done.pending.key]
    assert "reasoning_pending" not in live.built_manifest()


CRASH = """
import sys, time
sys.path[:0] = [{tests!r}]
from actors import ADMIN
from mvkg import pipeline
from mvkg.graph import pending
from mvkg.inputs.corrections import add_correction
from mvkg.kernel.resources import find_resources
from mvkg.kernel.workspace import Workspace

class Stuck(pending.Materialiser):
    def result(self):
        time.sleep(3600)

pending.Materialiser = Stuck
from pathlib import Path
ws = Workspace(Path({root!r}))
pipeline.live_write(ws, find_resources(), lambda lv: add_correction(ws, lv.lexicon(), {ob!r}, "strength",
    "recommendation", why="x", by="tester", at="2026-12-05T00:00:00Z"), {{"corrections"}}, actor=ADMIN,
    change="correction-add", key="k")
print("committed", flush=True)
"""


def kill_mid_reasoning(ws: Workspace) -> None:
    """A process commits a write and is killed (SIGKILL) while its reasoner runs."""
    code = CRASH.format(tests=str(REPO / "tests"), root=str(ws.root), ob=OBLIGATION)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "committed"
        deadline = time.monotonic() + 120
        while not (ws.build_dir / "store.live.tmp").exists() and time.monotonic() < deadline:
            time.sleep(0.05)  # the worker has started on its copy of the store
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_a_worker_killed_mid_reasoning_is_repaired(live, resources, tmp_path):
    kill_mid_reasoning(live)
    status = reasoning_status(live)
    assert status.pending is not None and status.stalled  # the flag, and nobody holding the workspace
    settle(live, resources)  # what `mvkg snapshot take` does first
    assert reasoning_status(live).pending is None
    assert not (live.build_dir / "store.live.tmp").exists()
    assert store_nquads(live) == full_build_image(live, resources, tmp_path)


def test_the_app_resumes_a_stalled_reasoning_once(live, resources):
    kill_mid_reasoning(live)
    with WorkspaceLock(live.root):  # someone holds the workspace: that one finishes it, nothing starts
        assert resume(live, resources) is None
    job = resume(live, resources)
    assert job is not None
    assert resume(live, resources) is None  # the running worker holds the lock: never a second one
    job.join(300)
    assert not job.errors and reasoning_status(live).pending is None


def test_a_failing_reasoner_keeps_the_flag_with_its_error(live, resources, monkeypatch):
    class Inconsistent(Materialiser):
        def result(self):
            raise InconsistentOntology("the ontology and data are inconsistent (HermiT): simulated")

    monkeypatch.setattr(pending_mod, "Materialiser", Inconsistent)
    done = correct(live, resources).update
    with pytest.raises(InconsistentOntology):
        done.wait()
    status = reasoning_status(live)
    assert status.failed and "simulated" in status.failed and not status.stalled  # not rerun for the same input
    assert image_current(live)  # the manifest changed only its flag: the image still holds the graph it describes
    with pytest.raises(WorkspaceError, match="the reasoning of 'correction-add .*' failed"):
        settle(live, resources)
    assert resume(live, resources) is None


def app_run(ws: Workspace, monkeypatch) -> AppTest:
    monkeypatch.setenv("MVKG_WORKSPACE", str(ws.root))
    return AppTest.from_string("from mvkg.ui import reasoning_status\nreasoning_status.show()", default_timeout=60).run()


def test_the_app_says_reasoning_while_it_runs(live, resources, monkeypatch):
    state = read_state(live)
    flag = pending_mod.new_pending(live, "correction-add ATU-MV b", "some-key", None)
    with WorkspaceLock(live.root):  # the worker holds the workspace while it reasons
        write_manifest(live, resources.ontology_files(), dataclasses.replace(state, pending=flag))
        at = app_run(live, monkeypatch)
        notes = [re.sub(r"\\(.)", r"\1", i.value) for i in at.info]  # as read on screen (Markdown unescaped)
        assert len(notes) == 1 and notes[0].startswith("Reasoning…") and "correction-add ATU-MV b" in notes[0]
        write_manifest(live, resources.ontology_files(), state)  # the reasoner's answer committed
    at.run()
    assert not at.info and not at.exception


def test_the_cli_reasons_in_the_foreground_and_says_so(live):
    result = run_cli("--workspace", str(live.root), "correction", "add", OBLIGATION, "strength", "recommendation",
                     "--why", "an invitation in substance")
    assert result.exit_code == 0, result.output
    assert "reasoning over the changed input, in the foreground" in result.output
    assert "reasoning done: the inferred types are up to date" in result.output
    assert "reasoning_pending" not in live.built_manifest()
    again = run_cli("--workspace", str(live.root), "assessment", "list")  # nothing to reason: nothing said
    assert again.exit_code == 0 and "reasoning" not in again.output
