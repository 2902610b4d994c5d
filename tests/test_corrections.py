"""Analysts' corrections of extracted obligations: stored as data, applied at build, shown as
corrected, surviving a re-ingest of the same words, and refused cleanly when they cannot apply."""

from __future__ import annotations

import json

import pytest

from actors import OS_USER
from conftest import copy_workspace, run_cli, tree_hash
from mvkg.ingest.resolutions import parse_entry
from mvkg.inputs.corrections import (
    Correction,
    CorrectionError,
    apply_corrections,
    load_corrections,
    words,
)
from mvkg.kernel.errors import InputError
from mvkg.kernel.namespaces import obligation_iri

AT = "2026-12-05T10:00:00Z"


def _entry(ws, code):
    return next(e for e in ws.resolutions() if e.meta.code == code)


def _correction(ob, kind, value="", why="the extractor was wrong"):
    return Correction("ATU-MV", ob.iri, words(ob.span.text), kind, value, "analyst", AT, why)


@pytest.fixture
def atu(workspace, lexicon):
    record, text = parse_entry(workspace, _entry(workspace, "ATU-MV"), lexicon)
    return record, text


def _ob(record, short):
    return next(o for o in record.obligations if o.iri == obligation_iri(short))


def test_field_corrections_replace_the_field_and_say_what_was_there(atu, lexicon):
    record, text = atu
    b = _ob(record, "atu-mv/resolves/para_b")
    fixed = apply_corrections(record, text, [
        _correction(b, "bearers", "Director of TSB; study group 16"),
        _correction(b, "strength", "recommendation"),
        _correction(b, "themes", "privacy"),
        _correction(b, "item", "b-bis"),
    ], lexicon)
    after = _ob(fixed.record, "atu-mv/resolves/para_b")
    labels = {lexicon.actors[a].label for a in after.bearers}
    assert labels == {"Director of TSB", "Study Group 16"} and not after.implicit_bearer
    assert after.strength == "recommendation" and after.item == "b-bis"
    assert {t.concept for t in after.tags if t.concept in lexicon.themes} == {"https://w3id.org/mvkg/theme/privacy"}
    assert [a.correction.kind for a in fixed.applied] == ["bearers", "strength", "themes", "item"]
    assert fixed.applied[0].before == "; ".join(b.bearers) and fixed.stale == ()
    assert len(fixed.record.obligations) == len(record.obligations)


def test_split_cuts_at_the_words_and_keeps_offsets_exact(atu, lexicon):
    record, text = atu
    a = _ob(record, "atu-mv/resolves/para_a")
    fixed = apply_corrections(record, text, [_correction(a, "split", "considering recent market")], lexicon)
    first = _ob(fixed.record, "atu-mv/resolves/para_a")
    second = _ob(fixed.record, "atu-mv/resolves/para_a/part-2")
    assert second.span.text.startswith("considering recent market")
    for part in (first, second):
        assert text[part.span.start:part.span.end] == part.span.text
    assert first.span.end <= second.span.start and len(fixed.record.obligations) == len(record.obligations) + 1
    assert second.item == "a (part 2)"
    # a split needs words that are in the obligation, after its start
    with pytest.raises(CorrectionError, match="cannot split"):
        apply_corrections(record, text, [_correction(a, "split", "words that are not there")], lexicon)


def test_merge_joins_two_obligations_into_one_span_of_the_source(atu, lexicon):
    record, text = atu
    a, b = _ob(record, "atu-mv/resolves/para_a"), _ob(record, "atu-mv/resolves/para_b")
    fixed = apply_corrections(record, text, [_correction(a, "merge", words(b.span.text))], lexicon)
    merged = _ob(fixed.record, "atu-mv/resolves/para_a")
    assert merged.span.start == a.span.start and merged.span.end == b.span.end
    assert text[merged.span.start:merged.span.end] == merged.span.text
    assert obligation_iri("atu-mv/resolves/para_b") not in {o.iri for o in fixed.record.obligations}


def test_a_correction_follows_the_words_not_the_id(atu, lexicon):
    record, text = atu
    b = _ob(record, "atu-mv/resolves/para_b")
    moved = Correction("ATU-MV", "atu-mv/somewhere-else/para_z", b.span.text, "strength", "recommendation", "a", AT, "why")
    gone = Correction("ATU-MV", "atu-mv/resolves/para_b", "words no obligation has", "strength", "recommendation",
                      "a", AT, "why")
    fixed = apply_corrections(record, text, [moved, gone], lexicon)
    assert _ob(fixed.record, "atu-mv/resolves/para_b").strength == "recommendation"
    assert fixed.stale == (gone,)
    # the stale one changed nothing else
    others = [o for o in fixed.record.obligations if o.iri != b.iri]
    assert [o.strength for o in others] == [o.strength for o in record.obligations if o.iri != b.iri]


def test_bad_values_name_the_file_and_line(workspace, lexicon):
    path = workspace.corrections_file
    path.parent.mkdir(parents=True)
    path.write_text("resolution,obligation,text,kind,value,by,at,why\n"
                    "ATU-MV,x,some words,bearers,,a,2026-12-05T10:00:00Z,why\n"
                    "ATU-MV,x,some words,rename,y,a,yesterday,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_corrections(workspace)
    message = info.value.describe()
    assert "corrections.csv:2: a bearers correction needs a value" in message
    assert "corrections.csv:3: kind must be one of" in message and "ISO date-time" in message and "why is empty" in message


def test_cli_correction_is_applied_shown_snapshotted_and_survives_reingest(tmp_path, resources):
    ws = copy_workspace(tmp_path)
    w = str(ws.root)
    assert run_cli("-w", w, "build").exit_code == 0
    result = run_cli("-w", w, "correction", "add", "atu-mv/resolves/para_b", "bearers", "Director of TSB",
                     "--why", "the JCA is set up by the Director")
    assert result.exit_code == 0, result.output
    rows = json.loads(run_cli("-w", w, "obligations", "--resolution", "ATU-MV", "--format", "json").output)
    b = next(r for r in rows if r["id"].endswith("/para_b/obligation"))
    assert b["bearers"] == ["Director of TSB"] and b["corrected"] == ["bearers"]
    assert all(r["corrected"] == [] for r in rows if r is not b)
    stored = ws.corrections_file.read_text(encoding="utf-8")
    assert f",{OS_USER}," in stored and "the JCA is set up by the Director" in stored
    # a snapshot says the obligation was corrected (the build is current: no `mvkg build`)
    assert run_cli("-w", w, "snapshot", "create", "--portfolio", "in-force", "--label", "after").exit_code == 0
    snap = json.loads(next(ws.snapshots_dir.glob("*/snapshot.json")).read_text(encoding="utf-8"))
    assert snap["obligations"]["atu-mv/resolves/para_b"]["corrected"] == ["bearers"]
    # the same document ingested again, from a file with other line breaks: still corrected
    text = _entry(ws, "ATU-MV").text_path.read_text(encoding="utf-8")
    again = tmp_path / "atu-again.txt"
    again.write_text(text.replace("\n", "\r\n"), encoding="utf-8")
    assert run_cli("-w", w, "ingest", str(again), "--code", "ATU-MV", "--replace").exit_code == 0
    assert run_cli("-w", w, "build").exit_code == 0
    rows = json.loads(run_cli("-w", w, "obligations", "--resolution", "ATU-MV", "--format", "json").output)
    b = next(r for r in rows if r["id"].endswith("/para_b/obligation"))
    assert b["bearers"] == ["Director of TSB"] and b["corrected"] == ["bearers"]
    listing = json.loads(run_cli("-w", w, "correction", "list", "--format", "json").output)
    assert [(c["kind"], c["by"], c["applied"]) for c in listing] == [("bearers", OS_USER, True)]


def test_cli_refusals_leave_the_workspace_unchanged(tmp_path):
    ws = copy_workspace(tmp_path)
    w = str(ws.root)
    assert run_cli("-w", w, "build").exit_code == 0
    before = tree_hash(ws.root)
    cases = [
        (["atu-mv/resolves/para_b", "bearers", "Nobody We Know"], "unknown actor 'Nobody We Know'"),
        (["atu-mv/resolves/para_d", "not-obligation"], "assessed on line(s)"),  # assessments point at it
        (["atu-mv/nowhere", "strength", "binding"], "no obligation 'atu-mv/nowhere'"),
        (["atu-mv/resolves/para_b", "split", "not in the text"], "cannot split"),
        (["atu-mv/resolves/para_b", "strength", "mandatory"], "strength must be binding or recommendation"),
    ]
    for args, expected in cases:
        result = run_cli("-w", w, "correction", "add", *args, "--why", "because")
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output and "Traceback" not in result.output
    assert tree_hash(ws.root) == before
