"""The audit trail: every write through the library adds one hash-chained line (who, when, the
write kind, the record's key, the sha256 of each changed file before and after) in the same
locked step; a failed or refused write adds none; `mvkg audit verify` finds a line altered,
removed, reordered or appended by hand (exit 1, naming the first bad line) and passes an intact
trail (exit 0); the PROV-O export parses and has one prov:Activity per change."""

from __future__ import annotations

import json

import pytest
from rdflib import RDF, BNode, Dataset, Graph, URIRef

from actors import OS_USER, actor
from conftest import run_cli, tree_hash
from mvkg import pipeline
from mvkg.graph import commit
from mvkg.history.snapshots import SnapshotStore
from mvkg.kernel.access import AccessDenied
from mvkg.kernel.audit import GENESIS, Change, FileChange, Journal, canonical, line_hash
from mvkg.kernel.files import sha256_file
from mvkg.kernel.namespaces import PROV
from mvkg.kernel.workspace import Workspace

OB = "atu-mv/resolves/para_b"
ANA, RITA = actor("ana", "analyst"), actor("rita", "reviewer")


def test_each_write_adds_one_line_with_who_what_and_the_files_hashes(live, resources):
    csv = live.coverage_file("assessments.csv")
    before = sha256_file(csv)
    pipeline.add_assessment(live, resources, OB, "ITU-T Y.4240", "partial", "its clauses", actor=ANA)
    middle = sha256_file(csv)
    pipeline.review_assessment(live, resources, "ATU-MV resolves b", "ITU-T Y.4240", actor=RITA)
    snap = pipeline.take_snapshot(live, resources, SnapshotStore(live.snapshots_dir), "itu-t-in-force", "audited",
                                  actor=ANA)
    entries = Journal(live).entries()
    assert [(e.n, e.kind, e.key, e.actor_id, e.actor_name) for e in entries] == [
        (1, "assessment-add", f"{OB} ITU-T Y.4240", "os:ana", "ana"),
        (2, "assessment-review", f"{OB} ITU-T Y.4240", "os:rita", "rita"),
        (3, "snapshot-take", snap, "os:ana", "ana")]
    assert entries[0].files == (FileChange("data/coverage/assessments.csv", before, middle),)
    assert entries[1].files == (FileChange("data/coverage/assessments.csv", middle, sha256_file(csv)),)
    assert {f.path for f in entries[2].files} >= {f"data/snapshots/{snap}/snapshot.json"}
    assert all(f.before is None for f in entries[2].files)
    assert [e.prev for e in entries] == [GENESIS, entries[0].hash, entries[1].hash]
    assert Journal(live).verify().intact
    # the snapshot recorded the trail's head as it stood when it was taken
    assert SnapshotStore(live.snapshots_dir).load(snap)["audit"] == {"n": 2, "hash": entries[1].hash}
    listed = json.loads(run_cli("-w", str(live.root), "audit", "list", "--format", "json").output)
    assert [r["kind"] for r in listed] == ["assessment-add", "assessment-review", "snapshot-take"]
    shown = run_cli("-w", str(live.root), "audit", "show", "2")
    assert shown.exit_code == 0 and "who: rita (os:rita, via os)" in shown.output
    assert f"file: data/coverage/assessments.csv  {middle[:12]} -> " in shown.output


def test_the_cli_records_the_os_user(live):
    result = run_cli("-w", str(live.root), "assessment", "add", OB, "ITU-T Y.4240", "--relation", "partial",
                     "--rationale", "x")
    assert result.exit_code == 0, result.output
    [entry] = Journal(live).entries()
    assert (entry.actor_id, entry.actor_name, entry.via) == (f"os:{OS_USER}", OS_USER, "os")


def test_a_failed_or_refused_write_adds_no_line(live, resources, monkeypatch):
    pipeline.add_assessment(live, resources, OB, "ITU-T Y.4240", "partial", "x", actor=ANA)
    before = tree_hash(live.root)

    def broken(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(commit, "write_manifest", broken)
    with pytest.raises(OSError):
        pipeline.remove_assessment(live, resources, OB, "ITU-T Y.4240", actor=ANA)
    monkeypatch.undo()
    with pytest.raises(AccessDenied):
        pipeline.remove_assessment(live, resources, OB, "ITU-T Y.4240", actor=actor("vera", "viewer"))
    assert tree_hash(live.root) == before and len(Journal(live).entries()) == 1
    assert Journal(live).verify().intact


# ---------------------------------------------------------------- tampering


@pytest.fixture
def trail(workspace) -> Workspace:
    """A journal of four changes (no build needed: the journal is written as the write paths write it)."""
    j = Journal(workspace)
    for n in range(1, 5):
        j.append(Change(ANA, "assessment-add", f"ob/{n} E-{n}"), f"ob/{n} E-{n}",
                 [FileChange("data/coverage/assessments.csv", f"{n - 1:064x}", f"{n:064x}")])
    return workspace


def _lines(ws: Workspace) -> list[str]:
    return ws.audit_dir.joinpath("journal.jsonl").read_text(encoding="utf-8").splitlines()


def _write(ws: Workspace, lines: list[str]) -> None:
    ws.audit_dir.joinpath("journal.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _verify(ws: Workspace):
    return run_cli("-w", str(ws.root), "audit", "verify")


def test_an_intact_trail_verifies(trail):
    result = _verify(trail)
    assert result.exit_code == 0 and result.output.startswith("intact: 4 change(s)")


def _altered(lines):
    obj = json.loads(lines[1])
    obj["actor"]["name"] = "mallory"
    return [lines[0], canonical(obj), *lines[2:]], 2


def _altered_and_rehashed(lines):
    obj = json.loads(lines[1])
    obj["key"] = "ob/2 OTHER"
    obj["hash"] = line_hash(obj)  # a consistent line: the next one no longer follows it
    return [lines[0], canonical(obj), *lines[2:]], 3


def _spaced(lines):
    return [lines[0], lines[1].replace(",", ", ", 1), *lines[2:]], 2


def _removed(lines):
    return [lines[0], *lines[2:]], 2


def _removed_last(lines):
    return lines[:-1], 4


def _reordered(lines):
    return [lines[0], lines[2], lines[1], lines[3]], 2


def _forged(lines):
    last = json.loads(lines[-1])
    obj = {**last, "n": 5, "key": "ob/5 forged", "prev": last["hash"]}
    obj["hash"] = line_hash(obj)  # chained correctly, but not written by mvkg
    return [*lines, canonical(obj)], 5


@pytest.mark.parametrize("tamper", [_altered, _altered_and_rehashed, _spaced, _removed, _removed_last, _reordered, _forged],
                         ids=lambda f: f.__name__.strip("_"))
def test_verify_names_the_first_bad_line(trail, tamper):
    lines, bad = tamper(_lines(trail))
    _write(trail, lines)
    result = _verify(trail)
    assert result.exit_code == 1
    assert result.output.startswith(f"data/audit/journal.jsonl:{bad}: ") and result.output.count("\n") == 1
    assert "Traceback" not in result.output


def _cut_with_head(ws: Workspace, keep: int) -> None:
    """Cut the journal to `keep` lines and rewrite head.json to match: the journal alone looks intact."""
    lines = _lines(ws)[:keep]
    _write(ws, lines)
    last = json.loads(lines[-1])
    ws.audit_dir.joinpath("head.json").write_text(canonical({"n": last["n"], "hash": last["hash"]}) + "\n")


def test_a_head_kept_elsewhere_catches_a_cut_with_its_head_rewritten(trail, tmp_path):
    head = run_cli("-w", str(trail.root), "audit", "head")
    assert head.exit_code == 0 and head.output == f"4:{json.loads(_lines(trail)[-1])['hash']}\n"
    kept = tmp_path / "heads.txt"
    kept.write_text("# kept by the secretariat\n" + head.output)
    _cut_with_head(trail, 2)
    assert _verify(trail).exit_code == 0  # the journal alone cannot tell
    for how in (["--anchor", head.output.strip()], ["--anchors-file", str(kept)]):
        result = run_cli("-w", str(trail.root), "audit", "verify", *how)
        assert result.exit_code == 1 and result.output.startswith("data/audit/journal.jsonl:3: missing: ")
        assert "recorded change 4, the journal has 2" in result.output


def test_a_rewritten_history_does_not_match_an_older_head(trail):
    anchor = run_cli("-w", str(trail.root), "audit", "head").output.strip()
    lines = _lines(trail)
    obj = json.loads(lines[2])
    obj["key"] = "ob/3 OTHER"
    obj["hash"] = line_hash(obj)
    last = {**json.loads(lines[3]), "prev": obj["hash"]}
    last["hash"] = line_hash(last)
    _write(trail, [*lines[:2], canonical(obj), canonical(last)])  # a consistent chain, head rewritten below
    trail.audit_dir.joinpath("head.json").write_text(canonical({"n": 4, "hash": last["hash"]}) + "\n")
    assert _verify(trail).exit_code == 0
    result = run_cli("-w", str(trail.root), "audit", "verify", "--anchor", anchor)
    assert result.exit_code == 1 and "journal.jsonl:4: change 4 is not the one the anchor" in result.output


@pytest.mark.parametrize("text", ["4", "x:" + "a" * 64, "0:" + "a" * 64, "4:" + "A" * 64, "4:abc"])
def test_a_malformed_anchor_is_a_usage_error(trail, text):
    result = run_cli("-w", str(trail.root), "audit", "verify", "--anchor", text)
    assert result.exit_code == 2 and "is not an audit head; expected N:HASH" in result.output
    assert "Traceback" not in result.output


def test_a_snapshot_holds_the_head_against_a_cut(live, resources):
    pipeline.add_assessment(live, resources, OB, "ITU-T Y.4240", "partial", "its clauses", actor=ANA)
    pipeline.review_assessment(live, resources, "ATU-MV resolves b", "ITU-T Y.4240", actor=RITA)
    snap = pipeline.take_snapshot(live, resources, SnapshotStore(live.snapshots_dir), "itu-t-in-force", "held",
                                  actor=ANA)
    assert _verify(live).exit_code == 0
    _cut_with_head(live, 1)
    assert Journal(live).verify().intact  # the journal alone cannot tell
    result = _verify(live)
    assert result.exit_code == 1 and f"snapshot {snap} recorded change 2, the journal has 1" in result.output


def test_an_unreadable_line_is_a_clear_error_for_list(trail):
    _write(trail, [*_lines(trail)[:2], "{not json"])
    result = run_cli("-w", str(trail.root), "audit", "list")
    assert result.exit_code == 2 and "journal.jsonl:3: this line of the audit trail cannot be read" in result.output


# ---------------------------------------------------------------- PROV-O


@pytest.mark.parametrize("fmt", ["trig", "ttl"])
def test_the_prov_export_parses_with_one_activity_per_change(trail, fmt):
    result = run_cli("-w", str(trail.root), "audit", "export", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "trig":
        ds = Dataset()
        ds.parse(data=result.output, format="trig")
        g = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
    else:
        g = Graph().parse(data=result.output, format="turtle")
    activities = set(g.subjects(RDF.type, PROV.Activity))
    entries = Journal(trail).entries()
    assert len(activities) == len(entries) == 4
    assert all(URIRef(f"https://w3id.org/mvkg/id/change/{e.hash}") in activities for e in entries)
    agent = URIRef("https://w3id.org/mvkg/id/agent/os%3Aana")
    assert set(g.subjects(PROV.wasAssociatedWith, agent)) == activities
    assert (agent, RDF.type, PROV.Person) in g
    first = URIRef(f"https://w3id.org/mvkg/id/change/{entries[0].hash}")
    used = set(g.objects(first, PROV.used))
    generated = set(g.objects(first, PROV.generated))
    assert used == {URIRef("https://w3id.org/mvkg/id/content/sha256-" + "0" * 64)}
    assert generated == {URIRef(f"https://w3id.org/mvkg/id/content/sha256-{1:064x}")}
    assert not any(isinstance(t, BNode) for triple in g for t in triple)
    again = run_cli("-w", str(trail.root), "audit", "export", "--format", fmt).output
    assert again == result.output  # stable IRIs: the same journal, the same export
