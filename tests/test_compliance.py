"""Compliance scenarios on a copy of the workspace with controlled assessments: every
verdict, its transitions, severities, missing themes, the theme hierarchy, and exit codes.
Verdicts come from the SHACL report (mvkg.compliance.validate)."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import REPO, copy_workspace, run_cli
from mvkg import pipeline
from mvkg.compliance.coverage import coverage
from mvkg.compliance.validate import validate

A = "ecp-mv/instructs-sg16/para_2/item_ii"   # interoperability, binding
B = "ecp-mv/resolves/para_2"                 # complementarity (procedural), binding
C = "ecp-mv/instructs-sg16/para_1/item_i"    # gap analysis, binding
D = "atu-mv/resolves/para_a"                 # security, accessibility, sustainability, architecture
F = "atu-mv/resolves/para_f"                 # a stance: recorded as not applicable
G = "ecp-mv/invites-ms-smem-assoc-acad/para_1"  # a recommendation
P = "test-priv/resolves/para_1"              # "privacy", from a test resolution
HEAD = ["obligation", "entry", "relation", "rationale", "evidence", "evidence_url", "assessor", "date", "confidence", "method"]

S1 = [
    (A, "ITU-T Y.4240", "full"),
    (B, "ITU-T Y.4240", "full"),
    (C, "ITU-T Y.4240", "none"),
    (D, "IEEE 3812.1-2023", "full"),
    (F, "", "not-applicable"),
    (G, "ITU-T Y.4240", "none"),
    (P, "ISO/IEC 27701:2019", "full"),
]
PRIVACY_TEXT = """DRAFT NEW RESOLUTION [TEST-PRIV] (Testville, 2026)
Privacy in immersive services
(Testville, 2026)
The World Telecommunication Standardization Assembly (Testville, 2026),
considering
a)\tthat immersive services process personal information,
resolves
1\tto promote the protection of privacy in immersive services.
"""


def _write_assessments(ws, rows):
    path = ws.data / "coverage" / "assessments.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEAD)
        for ob, entry, rel in rows:
            w.writerow([ob, entry, rel, f"test rationale for {rel}", "", "", "test analyst", "2026-11-22", "0.8", "manual"])


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, resources, lexicon):
    ws = copy_workspace(tmp_path_factory.mktemp("scenario"))
    src = ws.root / "priv.txt"
    src.write_text(PRIVACY_TEXT, encoding="utf-8")
    assert run_cli("--workspace", str(ws.root), "ingest", str(src)).exit_code == 0
    _write_assessments(ws, S1)
    created = run_cli("--workspace", str(ws.root), "portfolio", "create", "no-y4240", "--from", "itu-t-in-force",
                      "--exclude", "ITU-T Y.4240", "--label", "ITU-T in force without Y.4240")
    assert created.exit_code == 0, created.output
    pipeline.build(ws, resources, lexicon)
    return ws


def _verdicts(ws, resources, portfolio):
    cov = coverage(resources, validate(ws, resources, portfolio))
    return {r.id.split("/id/", 1)[1].removesuffix("/obligation"): r for r in cov.rows}, cov


def test_verdicts_of_the_first_state(scenario, resources):
    rows, cov = _verdicts(scenario, resources, "itu-t-in-force")
    assert rows[A].verdict == "covered" and [c.entry for c in rows[A].covering] == ["ITU-T Y.4240"]
    assert rows[B].verdict == "covered"
    assert rows[C].verdict == "not-covered" and rows[C].severity == "violation"
    assert rows[F].verdict == "not-applicable" and rows[F].severity == "info"
    assert rows[G].verdict == "not-covered" and rows[G].severity == "info"  # recommendations → Info
    assert rows["atu-mv/resolves/para_g"].verdict == "not-assessed" and rows["atu-mv/resolves/para_g"].severity == "warning"
    assert cov.summary.counts["covered"] == 2


def test_removing_the_only_covering_standard_gives_not_covered_with_a_violation(scenario, resources):
    rows, _ = _verdicts(scenario, resources, "no-y4240")
    assert rows[A].verdict == "not-covered" and rows[A].severity == "violation"
    assert any("ITU-T in force without Y.4240" in m for m in rows[A].messages)
    result = run_cli("--workspace", str(scenario.root), "validate", "--portfolio", "no-y4240", "--format", "json")
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["conforms"] is False and body["counts"]["violation"] >= 2
    assert set(body["results"][0]) == {"focus", "resolution", "section", "item", "severity", "shape", "message", "missing_themes"}


def test_theme_completeness_names_the_missing_themes(scenario, resources):
    rows, _ = _verdicts(scenario, resources, "in-force")
    assert rows[D].verdict == "partial"
    assert "security" not in rows[D].missing_themes
    assert {"accessibility", "sustainability"} <= set(rows[D].missing_themes)
    assert any("no published standard in portfolio 'Everything in force' addresses accessibility" in m for m in rows[D].messages)


def test_theme_hierarchy_a_data_protection_standard_addresses_privacy(scenario, resources):
    rows, _ = _verdicts(scenario, resources, "in-force")
    assert rows[P].verdict == "covered", rows[P].messages


@pytest.fixture(scope="module")
def second_state(tmp_path_factory, resources, lexicon, scenario):
    """S2: A downgraded to partial; B's assessments deleted; a draft added for C."""
    ws = copy_workspace(tmp_path_factory.mktemp("scenario2"))
    import shutil

    shutil.rmtree(ws.data)
    shutil.copytree(scenario.data, ws.data)
    rows = [(A, "ITU-T Y.4240", "partial")] + [r for r in S1 if r[0] not in (A, B)] + [(C, "ITU-T Q.FITSM", "partial")]
    _write_assessments(ws, rows)
    pipeline.build(ws, resources, lexicon)
    return ws


def test_downgrading_full_to_partial_gives_partial(second_state, resources):
    rows, _ = _verdicts(second_state, resources, "itu-t-in-force")
    assert rows[A].verdict == "partial" and rows[A].severity == "warning"


def test_deleting_all_assessments_gives_not_assessed(second_state, resources):
    rows, _ = _verdicts(second_state, resources, "itu-t-in-force")
    assert rows[B].verdict == "not-assessed"


def test_adding_a_draft_gives_proposed_only(scenario, second_state, resources):
    before, _ = _verdicts(scenario, resources, "in-force-and-drafts")
    after, _ = _verdicts(second_state, resources, "in-force-and-drafts")
    assert before[C].verdict == "not-covered"
    assert after[C].verdict == "proposed-only" and after[C].severity == "warning"
    assert any("ITU-T Q.FITSM" in m for m in after[C].messages)


def test_each_obligation_gets_exactly_one_verdict(scenario, resources):
    run = validate(scenario, resources, "in-force")
    per_focus = {}
    for r in run.results:
        if r.verdict:
            per_focus.setdefault(r.focus, set()).add(r.verdict)
    assert all(len(v) == 1 for v in per_focus.values())
    assert set(run.verdicts) == {o.iri for o in run.obligations}


def test_coverage_json_contract_and_formula(scenario):
    result = run_cli("--workspace", str(scenario.root), "coverage", "--portfolio", "itu-t-in-force", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert set(body) == {"portfolio", "summary", "obligations"}
    assert set(body["summary"]) == {"coverage_percent", "formula", "counts", "assessed", "obligations"}
    counts = body["summary"]["counts"]
    assert body["summary"]["obligations"] == len(body["obligations"]) == sum(counts.values())
    assert body["summary"]["assessed"] == body["summary"]["obligations"] - counts["not-assessed"]
    judged = sum(counts.values()) - counts["not-applicable"] - counts["not-assessed"]
    assert body["summary"]["coverage_percent"] == round(100 * (counts["covered"] + 0.5 * counts["partial"]) / judged, 1)
    assert "0.5 × partial" in body["summary"]["formula"]
    assert set(body["obligations"][0]) == {"id", "resolution", "section", "item", "verdict", "covering", "missing_themes", "severity"}


def test_validate_formats(scenario):
    ttl = run_cli("--workspace", str(scenario.root), "validate", "--format", "ttl")
    from rdflib import Graph, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    g = Graph().parse(data=ttl.output, format="turtle")
    assert len(list(g.subjects(None, sh.ValidationReport))) == 1
    md = run_cli("--workspace", str(scenario.root), "validate", "--format", "md")
    assert md.output.startswith("# Validation: portfolio ITU-T in force")


def test_unknown_portfolio_is_a_usage_error(scenario):
    result = run_cli("--workspace", str(scenario.root), "validate", "--portfolio", "nope")
    assert result.exit_code == 2 and "no portfolio named 'nope'" in result.output


def test_readme_verdict_table_is_current(built):
    """The README's table is generated (make readme); it must match what mvkg says now."""
    ws, _ = built
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- mvkg:verdicts:start -->", 1)[1].split("<!-- mvkg:verdicts:end -->", 1)[0]
    assert "_Generated by `make readme` on " in block
    current = run_cli("--workspace", str(ws.root), "coverage", "--portfolio", "itu-t-in-force", "--format", "md").output
    assert block.split("\n\n", 1)[1].strip() == current.strip()


def test_seed_assessments_cover_every_obligation(built, resources):
    ws, _ = built
    run = validate(ws, resources, "itu-t-in-force")
    assert "not-assessed" not in run.verdicts.values()
