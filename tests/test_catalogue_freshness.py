"""Catalogue facts kept current: the `checked` and scope columns, the staleness window from
data/catalogue/freshness.toml with an injectable today, the corrected entries, and the stale
note in `mvkg catalogue list` and in snapshot reports."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from conftest import REPO, run_cli
from mvkg import pipeline
from mvkg.inputs.catalogue import ALL_COLUMNS
from mvkg.inputs.catalogue_freshness import freshness, stale_after_days
from mvkg.kernel.errors import InputError
from mvkg.render.snapshot_reports import snapshot_md
from tables_support import frames

TODAY = date(2026, 12, 5)


def _rows() -> list[dict[str, str]]:
    return [r for path in sorted((REPO / "data" / "catalogue").glob("*.csv"))
            for r in csv.DictReader(path.open(encoding="utf-8"))]


def test_freshness_against_an_injected_today():
    assert freshness("", TODAY, 183).stale and freshness("", TODAY, 183).note == "stale: never checked"
    assert not freshness("2026-06-05", TODAY, 183).stale  # 183 days before
    assert freshness("2026-06-04", TODAY, 183).stale
    assert freshness("2026-06-04", date(2026, 12, 4), 183).stale is False  # a day earlier it was fresh
    assert freshness("2025-01-02", TODAY, 183).note == "stale: last checked 2025-01-02"


def test_the_window_comes_from_the_workspace(workspace):
    assert stale_after_days(workspace) == 183
    (workspace.catalogue_dir / "freshness.toml").write_text("stale_after_days = 30\n", encoding="utf-8")
    assert stale_after_days(workspace) == 30
    (workspace.catalogue_dir / "freshness.toml").write_text("stale_after_days = 'soon'\n", encoding="utf-8")
    with pytest.raises(InputError, match="whole number of days"):
        stale_after_days(workspace)


def test_catalogue_files_carry_the_fact_columns_and_publisher_urls():
    rows = _rows()
    assert len(rows) >= 130 and all(tuple(r) == ALL_COLUMNS for r in rows)
    assert not [r["id"] for r in rows if ":443/" in r["url"] + r["source_url"]]
    assert not [r["id"] for r in rows if r["scope"] and not r["scope_source"].startswith("https://")]
    assert not [r["id"] for r in rows if r["checked"] and not date.fromisoformat(r["checked"])]
    by_id = {r["id"]: r for r in rows}
    assert (by_id["W3C CTAUR"]["status"], by_id["W3C CTAUR"]["date"]) == ("published", "2025-01-21")
    assert (by_id["ITU-T P.1321"]["status"], by_id["ITU-T P.1321"]["date"]) == ("published", "2025-10")
    assert by_id["draft-ietf-mops-ar-use-case"]["url"] == "https://www.rfc-editor.org/rfc/rfc9699"


def test_a_bad_checked_date_or_a_scope_without_source_is_refused(workspace, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(ALL_COLUMNS) + "\n"
                   + "X-1,T,itu-t,recommendation,published,2024,,,,https://example.org,,,,05/12/2026\n"
                   + "X-2,T,itu-t,recommendation,published,2024,,,,https://example.org,,A scope,,\n", encoding="utf-8")
    result = run_cli("--workspace", str(workspace.root), "catalogue", "import", str(bad))
    assert result.exit_code == 2
    assert "bad.csv:2:" in result.output and "05/12/2026" in result.output
    assert "bad.csv:3:" in result.output and "scope_source" in result.output


def test_catalogue_list_marks_stale_entries(workspace):
    path = workspace.catalogue_dir / "catalogue.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for r in rows:
        r["checked"] = date.today().isoformat() if r["id"] == "ITU-T Y.4240" else ("2020-01-01" if r["id"] == "ITU-T Y.4239" else r["checked"])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=ALL_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    listed = {r["id"]: r for r in json.loads(run_cli("--workspace", str(workspace.root), "catalogue", "list",
                                                      "--format", "json").output)}
    assert listed["ITU-T Y.4240"]["stale"] is False and listed["ITU-T Y.4240"]["checked"] == date.today().isoformat()
    assert listed["ITU-T Y.4239"]["stale"] is True
    table = run_cli("--workspace", str(workspace.root), "catalogue", "list").output
    assert "stale: last checked 2020-01-01" in table and "stale: never checked" in table


def _snap(checked: dict[str, str], window: int | None = 183) -> dict:
    ob = {"id": "x", "resolution": "ATU-MV", "section": "resolves", "item": "a", "strength": "binding",
          "verdict": "covered", "covering": [{"entry": "E-1", "relation": "full", "status": "published"}],
          "missing_themes": [], "messages": []}
    snap = {"id": "s1", "created": "2026-12-05T10:00:00.000000Z", "label": "", "obligations": {"x": ob},
            "portfolio": {"name": "p", "label": "P", "members": ["E-1"]},
            "summary": {"coverage_percent": 100.0, "binding": {"coverage_percent": 100.0}, "formula": "f",
                        "counts": dict.fromkeys(("covered", "partial", "not-covered", "proposed-only", "not-applicable",
                                                   "not-assessed"), 0),
                        "conforms": True, "severity_counts": {"violation": 0, "warning": 0, "info": 0}},
            "inputs": {}, "versions": {},
            "entries": {"E-1": {"status": "published", "themes": [], **({"checked": checked["E-1"]} if "E-1" in checked else {})}}}
    if window:
        snap["freshness"] = {"stale_after_days": window}
    return snap


def test_snapshot_report_says_when_a_verdict_rests_on_a_stale_status():
    stale = snapshot_md(_snap({"E-1": "2025-01-02"}))
    assert "E-1 (stale: last checked 2025-01-02)" in stale and "Stale statuses: 1 verdict(s)" in stale
    assert "stale" not in snapshot_md(_snap({"E-1": "2026-11-30"}))
    assert "stale" not in snapshot_md(_snap({}, window=None))  # taken before checks were recorded: no claim


def test_a_snapshot_records_check_dates_and_the_window(workspace, resources, lexicon, tmp_path):
    path = workspace.catalogue_dir / "catalogue.csv"
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    for r in rows:
        if r["id"] == "ITU-T Y.4240":
            r["checked"] = date.today().isoformat()
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=ALL_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    pipeline.build(workspace, resources, lexicon)
    sid = run_cli("--workspace", str(workspace.root), "snapshot", "create", "-p", "in-force-and-drafts").output.strip()
    report = run_cli("--workspace", str(workspace.root), "snapshot", "show", sid, "--format", "md").output
    assert "Stale statuses:" in report and "(stale: never checked)" in report
    assert "ITU-T Y.4240" in report and "ITU-T Y.4240 (stale" not in report  # checked today: no note


def test_standards_page_marks_stale_entries(built, monkeypatch):
    from streamlit.testing.v1 import AppTest

    ws, _ = built
    monkeypatch.setenv("MVKG_WORKSPACE", str(ws.root))
    at = AppTest.from_string("from mvkg.ui import pages\npages.standards()", default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    rows = [r for path in sorted(ws.catalogue_dir.glob("*.csv")) for r in csv.DictReader(path.open(encoding="utf-8"))]
    stale = sum(1 for r in rows if freshness(r["checked"], date.today(), 183).stale)
    assert any(f"{stale} of {len(rows)} entries are stale" in c.value for c in at.caption)
    shown = next(f for f in frames(at) if "checked" in f.columns)
    assert shown["checked"].astype(str).str.contains("stale").any()


def test_an_import_without_the_fact_columns_keeps_what_was_checked(workspace, tmp_path):
    """Updating a checked entry from a file (or an OSCAL catalog) that does not carry scope and
    check dates keeps the entry's scope, source and date; a file that carries them replaces them."""
    path = workspace.catalogue_dir / "catalogue.csv"
    known = next(r for r in csv.DictReader(path.open(encoding="utf-8")) if r["checked"] and r["scope"])
    narrow = tmp_path / "narrow.csv"
    with narrow.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=ALL_COLUMNS[:11], extrasaction="ignore")
        writer.writeheader()
        writer.writerow({**known, "title": known["title"] + " (retitled)"})
    assert run_cli("--workspace", str(workspace.root), "catalogue", "import", str(narrow)).exit_code == 0
    after = next(r for r in csv.DictReader(path.open(encoding="utf-8")) if r["id"] == known["id"])
    assert after["title"].endswith("(retitled)")
    assert (after["scope"], after["scope_source"], after["checked"]) == (known["scope"], known["scope_source"],
                                                                         known["checked"])
    wide = tmp_path / "wide.csv"
    with wide.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=ALL_COLUMNS)
        writer.writeheader()
        writer.writerow({**after, "checked": "2026-12-01"})
    assert run_cli("--workspace", str(workspace.root), "catalogue", "import", str(wide)).exit_code == 0
    assert next(r for r in csv.DictReader(path.open(encoding="utf-8")) if r["id"] == known["id"])["checked"] == "2026-12-01"
