"""Catalogue import (all problems reported, nothing changed on error), listings, portfolios,
and the build's handling of an inconsistent graph and of a missing Java."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli, tree_hash
from mvkg import pipeline

HEAD = "id,title,publisher,kind,status,date,url,themes,topics,source_url,notes\n"


def test_catalogue_list_json_contract(workspace):
    result = run_cli("--workspace", str(workspace.root), "catalogue", "list", "--format", "json")
    rows = json.loads(result.output)
    assert len(rows) >= 100
    assert all(list(r) == ["id", "title", "publisher", "kind", "status", "date", "url", "themes", "checked", "stale"]
               for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


def test_catalogue_show(workspace):
    result = run_cli("--workspace", str(workspace.root), "catalogue", "show", "ITU-T Y.4240")
    body = json.loads(result.output)
    assert body["publisher"] == "ITU-T" and "interoperability" in body["themes"] and body["source_urls"]


def test_import_reports_every_problem_with_its_row_and_changes_nothing(workspace, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEAD
                   + "X-1,Good title,itu-t,recommendation,published,2024,https://example.org,privacy,,https://example.org,\n"
                   + "X-2,Bad kind,itu-t,leaflet,published,2024,,,,https://example.org,\n"
                   + "X-3,Bad status and date,ieee,standard,final,24/05/2024,,,,https://example.org,\n"
                   + "X-4,Unknown publisher and theme,acme,standard,published,,,,nonsense,https://example.org,\n"
                   + "X-1,Duplicate id,itu-t,recommendation,published,2024,,,,https://example.org,\n", encoding="utf-8")
    before = tree_hash(workspace.root)
    result = run_cli("--workspace", str(workspace.root), "catalogue", "import", str(bad))
    assert result.exit_code == 2
    for row, needle in ((3, "leaflet"), (4, "final"), (4, "24/05/2024"), (5, "acme"), (5, "nonsense"), (6, "duplicates")):
        assert any(f"bad.csv:{row}:" in line and needle in line for line in result.output.splitlines()), (row, needle)
    assert tree_hash(workspace.root) == before


def test_import_adds_and_updates(workspace, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEAD
                    + "ITU-T X.9999,A new test Recommendation,itu-t,recommendation,approved,2026-01,,privacy,avatar,https://example.org/src,\n"
                    + "ITU-T Y.4240,Renamed for the test,itu-t,recommendation,published,2025-11,,interoperability,,https://example.org/src,\n",
                    encoding="utf-8")
    result = run_cli("--workspace", str(workspace.root), "catalogue", "import", str(good))
    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated" in result.output
    shown = json.loads(run_cli("--workspace", str(workspace.root), "catalogue", "show", "ITU-T Y.4240").output)
    assert shown["title"] == "Renamed for the test"
    assert json.loads(run_cli("--workspace", str(workspace.root), "catalogue", "show", "ITU-T X.9999").output)["status"] == "approved"


def test_portfolios_list_show_create(workspace):
    listing = json.loads(run_cli("--workspace", str(workspace.root), "portfolio", "list", "--format", "json").output)
    names = {p["name"]: p for p in listing}
    assert {"itu-t-in-force", "in-force", "in-force-and-drafts", "fgmv"} <= set(names)
    assert all(set(p) == {"name", "description", "size"} for p in listing)
    assert names["in-force-and-drafts"]["size"] > names["in-force"]["size"] > names["itu-t-in-force"]["size"] > 0
    created = run_cli("--workspace", str(workspace.root), "portfolio", "create", "mine", "--from", "fgmv",
                      "--exclude", "FGMV-01", "--include", "ITU-T Y.4240")
    assert created.exit_code == 0, created.output
    saved = json.loads((workspace.data / "portfolios" / "mine.json").read_text())
    assert saved == {"name": "mine", "label": "mine", "description": "", "from": "fgmv", "include": ["ITU-T Y.4240"],
                     "exclude": ["FGMV-01"]}
    shown = run_cli("--workspace", str(workspace.root), "portfolio", "show", "mine").output
    assert "ITU-T Y.4240" in shown and "FGMV-01 " not in shown
    size = {p["name"]: p["size"] for p in json.loads(run_cli("--workspace", str(workspace.root), "portfolio", "list", "--format", "json").output)}
    assert size["mine"] == size["fgmv"]


@pytest.mark.parametrize("args,needle", [
    (["portfolio", "create", "Bad Name"], "lower-case"),
    (["portfolio", "create", "x", "--include", "NOPE-1"], "not in the catalogue"),
    (["portfolio", "create", "x", "--from", "missing"], "no portfolio named 'missing'"),
    (["portfolio", "create", "fgmv"], "already exists"),
])
def test_portfolio_create_errors(workspace, args, needle):
    before = tree_hash(workspace.root)
    result = run_cli("--workspace", str(workspace.root), *args)
    assert result.exit_code == 2 and needle in result.output
    assert tree_hash(workspace.root) == before


def test_inconsistent_data_stops_the_build_and_keeps_the_old_one(workspace, resources, lexicon):
    pipeline.build(workspace, resources, lexicon)
    old = (workspace.build_dir / "mvkg.nq").read_bytes()
    meta_path = workspace.resolutions_dir / "atu-mv.json"
    meta = json.loads(meta_path.read_text())
    meta["proposer"] = "https://w3id.org/mvkg/theme/privacy"  # a theme cannot be an actor (disjoint)
    meta_path.write_text(json.dumps(meta))
    result = run_cli("--workspace", str(workspace.root), "build")
    assert result.exit_code == 1
    assert "inconsistent" in result.output and "Traceback" not in result.output
    assert (workspace.build_dir / "mvkg.nq").read_bytes() == old
    assert not list(workspace.build_dir.glob("store.*.tmp"))


def test_without_java_the_build_warns_and_uses_owl_rl(workspace, resources, lexicon, monkeypatch):
    monkeypatch.setattr("mvkg.graph.reasoning.java_available", lambda: False)
    report = pipeline.build(workspace, resources, lexicon)
    assert report.reasoner == "owl-rl"
    assert report.warnings and "Java is not installed" in report.warnings[0]
    from mvkg.compliance.validate import validate

    run = validate(workspace, resources, "itu-t-in-force")
    assert "not-assessed" not in run.verdicts.values()  # obligations were still classified
