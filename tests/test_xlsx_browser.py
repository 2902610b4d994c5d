"""The spreadsheets the pages offer (Overview: coverage; Snapshots: a snapshot's verdicts) are
the workbooks of `mvkg coverage|snapshot show --format xlsx`: downloaded in real Chromium, their
tables hold the same rows as the command's CSV, under the same portfolio or snapshot id."""

from __future__ import annotations

import csv
import io

import openpyxl

from browser_support import chromium, require_chromium, serve, settle, writable_copy
from conftest import run_cli

require_chromium()


def _sheet_rows(path) -> tuple[dict[str, str], list[list[str]]]:
    """The about lines above the table and the table's rows (header first), all as text."""
    rows = [["" if c.value is None else str(c.value) for c in r] for r in openpyxl.load_workbook(path).active.iter_rows()]
    return {r[0]: r[1] for r in rows if len(r) > 1 and r[0] and r[1]}, rows


def _download(page, button: str, dest) -> object:
    with page.expect_download(timeout=120000) as got:
        page.get_by_role("button", name=button).click()
    path = dest / got.value.suggested_filename
    got.value.save_as(path)
    return path


def _same_table(rows: list[list[str]], csv_text: str) -> None:
    expected = list(csv.reader(io.StringIO(csv_text)))
    top = next(i for i, r in enumerate(rows) if r[: len(expected[0])] == expected[0])
    assert [r[: len(expected[0])] for r in rows[top:]] == expected


def test_coverage_and_snapshot_spreadsheets_from_the_pages(tmp_path, built):
    ws = writable_copy(built, tmp_path / "copy")
    made = run_cli("--workspace", str(ws.root), "snapshot", "create", "--label", "for the spreadsheet")
    assert made.exit_code == 0, made.output
    snapshot_id = made.stdout.strip()
    with serve(ws.root) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/")
        settle(page, "Overview")
        about, rows = _sheet_rows(_download(page, "Coverage (xlsx)", tmp_path))
        page.goto(f"{url}/snapshots")
        settle(page, "Snapshots")
        snap_about, snap_rows = _sheet_rows(_download(page, "Verdicts (xlsx)", tmp_path))
    portfolio = about["Portfolio"].rsplit("(", 1)[1].rstrip(")")
    coverage_csv = run_cli("--workspace", str(ws.root), "coverage", "--portfolio", portfolio, "--format", "csv")
    assert coverage_csv.exit_code == 0, coverage_csv.output
    _same_table(rows, coverage_csv.stdout)
    assert snap_about["Snapshot"] == snapshot_id
    shown = run_cli("--workspace", str(ws.root), "snapshot", "show", snapshot_id, "--format", "csv")
    assert shown.exit_code == 0, shown.output
    _same_table(snap_rows, shown.stdout)
