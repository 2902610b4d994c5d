"""The why of every verdict and the next actions (analysis/why.py, `mvkg why`), on the seed
workspace: what each explanation names is computed here from the data (the verdicts of the
SHACL run, the assessment files, the portfolio's members), never written into the test."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import copy_workspace, run_cli
from mvkg.analysis.why import ADD_STANDARD, CHECK_EXTRACTION, NEEDS_ASSESSMENT, NEEDS_REVIEW, explain, explain_all
from mvkg.compliance.coverage import coverage
from mvkg.compliance.validate import validate
from mvkg.graph.build import load_lexicon
from mvkg.inputs.assessments import stored_assessments
from mvkg.inputs.catalogue import load_catalogue
from mvkg.inputs.portfolios import load_portfolios, members
from mvkg.kernel.errors import InputError
from mvkg.kernel.namespaces import short_id
from mvkg.query.store import open_read_only

PORTFOLIO = "itu-t-in-force"
TEXT = """RESOLUTION 998 (Testville, 2026)

The World Telecommunication Standardization Assembly (Testville, 2026),

considering

a) that testing matters,

invites the Committee of Wise Owls

to consider the privacy of metaverse users;

resolves

1 to study the accessibility of metaverse services.
"""


def _run(ws, resources, portfolio=PORTFOLIO):
    store = open_read_only(ws)
    cov = coverage(resources, validate(ws, resources, portfolio, store=store))
    return store, cov


def _members(ws, resources, portfolio=PORTFOLIO) -> set[str]:
    lex = load_lexicon(resources)
    return {e.id for e in members(portfolio, load_portfolios(ws), load_catalogue(ws, lex), lex)}


def _rows(ws, obligation: str) -> list[dict[str, str]]:
    return [s.row for s in stored_assessments(ws) if s.row["obligation"] == obligation]


def test_a_partial_verdict_names_its_missing_themes_and_the_closest_entries(built, resources):
    ws, _ = built
    store, cov = _run(ws, resources)
    partial = [r for r in cov.rows if r.verdict == "partial" and r.missing_themes]
    assert partial, "the seed has partial verdicts with missing themes"
    whys = {w.id: w for w in explain_all(store, cov)}
    for row in partial:
        w = whys[row.id]
        assert w.missing_themes == row.missing_themes
        for theme in row.missing_themes:
            assert theme in w.reason
            assert any(a.kind == ADD_STANDARD and a.theme == theme and theme in a.text for a in w.actions)
        counted = {c.entry for c in row.covering}
        assert w.closest and {e.entry for e in w.closest} <= {e.entry for e in w.covering}
        assert counted <= {e.entry for e in w.covering}  # every entry the verdict counts is named
        assert all(e.in_portfolio and e.relation in ("full", "partial") for e in w.covering)
        assert w.closest[0].entry in w.reason


def test_a_not_covered_verdict_names_the_entries_judged_none_with_their_rationales(built, resources):
    ws, _ = built
    store, cov = _run(ws, resources)
    inside = _members(ws, resources)
    not_covered = [r for r in cov.rows if r.verdict == "not-covered"]
    assert not_covered
    for row in not_covered:
        w = explain(store, cov, short_id(row.id))
        judged = {r["entry"]: r["rationale"] for r in _rows(ws, short_id(row.id))
                  if r["relation"] == "none" and r["entry"] in inside}
        assert {e.entry: e.rationale for e in w.judged_none} == judged
        assert judged, "the seed's not-covered verdicts rest on entries judged none"
        assert all(entry in w.reason for entry in judged)
        assert NEEDS_ASSESSMENT not in w.kinds  # examined already: the action is a standard, not an assessment


def test_needs_review_lists_exactly_the_draft_assessments(built, resources):
    ws, _ = built
    store, cov = _run(ws, resources)
    inside = _members(ws, resources)
    for w in explain_all(store, cov):
        drafts = {r["entry"] or "not-applicable" for r in _rows(ws, w.short)
                  if (r.get("review") or "draft") == "draft" and (r["entry"] in inside or r["relation"] == "not-applicable")}
        review = [a for a in w.actions if a.kind == NEEDS_REVIEW]
        assert set(review[0].entries if review else ()) == drafts, w.label


def test_the_obligation_is_found_by_its_name(built, resources):
    store, cov = _run(built[0], resources)
    row = cov.rows[0]
    name = f"{row.resolution} {row.section} {row.item}"
    assert explain(store, cov, name).id == row.id
    with pytest.raises(InputError):
        explain(store, cov, "ATU-MV resolves zz")


@pytest.fixture
def writable(built, tmp_path):
    ws = copy_workspace(tmp_path)
    shutil.copytree(built[0].build_dir, ws.build_dir)
    return ws


def test_review_and_removal_move_the_next_actions(writable, resources):
    """Reviewing every draft of a not-covered obligation takes 'needs review' away; removing the
    entries judged none makes it 'needs assessment' (no entry of the portfolio examined)."""
    ws = writable
    store, cov = _run(ws, resources)
    row = next(r for r in cov.rows if r.verdict == "not-covered")
    before = explain(store, cov, row.id)
    assert NEEDS_REVIEW in before.kinds
    for entry in next(a for a in before.actions if a.kind == NEEDS_REVIEW).entries:
        assert run_cli("-w", str(ws.root), "assessment", "review", before.short, entry).exit_code == 0
    store, cov = _run(ws, resources)
    reviewed = explain(store, cov, row.id)
    assert NEEDS_REVIEW not in reviewed.kinds and all(e.review == "reviewed" for e in reviewed.judged_none)
    for e in reviewed.judged_none:
        assert run_cli("-w", str(ws.root), "assessment", "remove", before.short, e.entry).exit_code == 0
    store, cov = _run(ws, resources)
    emptied = explain(store, cov, row.id)
    if emptied.verdict == "not-covered":  # other assessments of entries outside the portfolio remain
        assert not emptied.judged_none and "No entry of this portfolio has been examined" in emptied.reason
        assert emptied.kinds[0] == NEEDS_ASSESSMENT
    else:
        assert emptied.verdict == "not-assessed" and emptied.kinds[0] == NEEDS_ASSESSMENT


def test_a_new_resolution_needs_assessment_and_its_extraction_warnings_are_named(writable, resources, tmp_path):
    ws = writable
    source = tmp_path / "owls.txt"
    source.write_text(TEXT, encoding="utf-8")
    done = run_cli("-w", str(ws.root), "ingest", str(source), "--code", "OWL-T")
    assert done.exit_code == 0, done.output
    listing = json.loads(run_cli("-w", str(ws.root), "obligations", "--resolution", "OWL-T", "--format", "json").stdout)
    warned = {r["id"]: r["warnings"] for r in listing if r["warnings"]}
    assert warned, "the owls clause is read with a minted-actor warning"
    store, cov = _run(ws, resources)
    whys = [w for w in explain_all(store, cov) if w.resolution == "OWL-T"]
    assert {w.id for w in whys} == {r["id"] for r in listing}
    for w in whys:
        assert w.verdict == "not-assessed" and w.kinds[0] == NEEDS_ASSESSMENT
        assert (CHECK_EXTRACTION in w.kinds) == (w.id in warned)
        assert list(w.warnings) == warned.get(w.id, [])
    out = run_cli("-w", str(ws.root), "why", "--next", "check-extraction", "--format", "json")
    assert out.exit_code == 0, out.output
    assert {r["id"] for r in json.loads(out.stdout)} == set(warned)


def test_the_why_command(built, resources):
    ws, _ = built
    store, cov = _run(ws, resources)
    row = next(r for r in cov.rows if r.verdict == "not-covered")
    w = explain(store, cov, row.id)
    name = f"{row.resolution} {row.section} {row.item}"
    out = run_cli("-w", str(ws.root), "why", name)
    assert out.exit_code == 0, out.output
    assert "not-covered" in out.stdout and all(e.entry in out.stdout for e in w.judged_none)
    worklist = json.loads(run_cli("-w", str(ws.root), "why", "--next", "add-standard", "--format", "json").stdout)
    expected = [x.short for x in explain_all(store, cov) if ADD_STANDARD in x.kinds]
    assert [short_id(r["id"]) for r in worklist] == expected and expected
    bad = run_cli("-w", str(ws.root), "why", "ATU-MV resolves zz")
    assert bad.exit_code == 2 and bad.output.count("\n") == 1 and "no obligation" in bad.output
