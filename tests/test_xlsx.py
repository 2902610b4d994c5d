"""Spreadsheet exports (--format xlsx): the same rows as the CSV of the same command, frozen
header, filter, wrapped text, the formula and the snapshot id on the sheet, verdicts as text
with their icon, formulas neutralised as in the CSV, and atomic writes with one-line errors."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from conftest import run_cli
from mvkg.compliance.coverage import FORMULA
from mvkg.exchange import spreadsheet
from mvkg.history.snapshots import SnapshotStore
from mvkg.kernel import files
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.render.snapshot_reports import snapshot_csv

LABEL = '=HYPERLINK("http://127.0.0.1:9/x","click")'  # a snapshot label that would run as a formula


@pytest.fixture(scope="module")
def snapshots(built, tmp_path_factory):
    """One snapshot of the built seed workspace, kept outside the workspace (--dir)."""
    ws, _ = built
    folder = tmp_path_factory.mktemp("xlsx-snapshots")
    result = run_cli("--workspace", str(ws.root), "snapshot", "--dir", str(folder), "create", "--label", LABEL)
    assert result.exit_code == 0, result.output
    return folder, result.stdout.strip()


def _command(name: str, built, snapshots) -> list[str]:
    ws, _ = built
    if name == "snapshot":
        return ["--workspace", str(ws.root), "snapshot", "--dir", str(snapshots[0]), "show", snapshots[1]]
    return ["--workspace", str(ws.root), name]


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _values(row) -> list[str]:
    return ["" if c.value is None else c.value for c in row]


def _table(ws, head: list[str]) -> tuple[int, list[list[str]]]:
    """The header row's number (found by its content, not assumed) and every row from it on."""
    rows = [_values(r) for r in ws.iter_rows()]
    top = next(i for i, r in enumerate(rows, start=1) if r[: len(head)] == head)
    return top, [r[: len(head)] for r in rows[top - 1:]]


def _about(ws, top: int) -> dict[str, str]:
    return {r[0].value: r[1].value for r in ws.iter_rows(max_row=top - 1) if r[0].value and r[1].value is not None}


def _export(tmp_path, args: list[str], name: str = "out.xlsx"):
    out = tmp_path / name
    result = run_cli(*args, "--format", "xlsx", "--out", str(out))
    return result, out


@pytest.mark.parametrize("name", ["coverage", "validate", "obligations", "snapshot"])
def test_the_sheet_holds_the_csv_rows_with_header_filter_and_wrap(name, built, snapshots, tmp_path):
    args = _command(name, built, snapshots)
    as_csv = run_cli(*args, "--format", "csv")
    result, out = _export(tmp_path, args)
    assert result.exit_code == as_csv.exit_code and result.exit_code in (0, 1), result.output
    assert result.stdout == ""  # the workbook went to --out, nothing to the terminal
    expected = _csv_rows(as_csv.stdout)
    assert len(expected) > 2
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    top, table = _table(ws, expected[0])
    assert table == expected
    assert ws.max_column == len(expected[0]) and ws.max_row == top + len(expected) - 1
    last = openpyxl.utils.get_column_letter(len(expected[0]))
    assert ws.freeze_panes == f"A{top + 1}"
    assert ws.auto_filter.ref == f"A{top}:{last}{top + len(expected) - 1}"
    assert all(c.font.bold for c in ws[top])
    body = [c for row in ws.iter_rows(min_row=top) for c in row]
    assert all(c.alignment.wrap_text for c in body)
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_coverage_sheet_states_portfolio_coverage_and_formula(built, tmp_path):
    args = _command("coverage", built, None)
    summary = json.loads(run_cli(*args, "--format", "json").stdout)
    result, out = _export(tmp_path, args)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).active
    top, _ = _table(ws, ["id", "resolution"])
    about = _about(ws, top)
    assert about["Formula"] == FORMULA == summary["summary"]["formula"]
    assert about["Coverage"].startswith(f"{summary['summary']['coverage_percent']:.1f} % of all obligations")
    assert summary["portfolio"] in about["Portfolio"]
    counts = summary["summary"]["counts"]
    assert about["Verdicts"] == ", ".join(f"{VOCABULARY.verdicts.marks[v]}: {counts[v]}" for v in VOCABULARY.verdicts.notations)


def test_snapshot_sheet_states_id_formula_and_neutralises_the_label(built, snapshots, tmp_path):
    folder, snapshot_id = snapshots
    snap = SnapshotStore(folder).load(snapshot_id)
    result, out = _export(tmp_path, _command("snapshot", built, snapshots))
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).active
    top, _ = _table(ws, ["snapshot", "portfolio", "obligation"])
    about = _about(ws, top)
    assert about["Snapshot"] == snapshot_id and snapshot_id in ws["A1"].value
    assert about["Formula"] == snap["summary"]["formula"]
    assert about["Taken"] == snap["created"]
    label = next(c for row in ws.iter_rows(max_row=top) for c in row if c.value == about["Label"])
    assert label.value == "'" + LABEL and label.data_type == "s"


def test_verdicts_are_text_with_their_icon_and_colour(built, snapshots, tmp_path):
    marks = {c.mark: c.colour.lstrip("#").upper() for c in VOCABULARY.verdicts}
    for name in ("coverage", "snapshot"):
        result, out = _export(tmp_path, _command(name, built, snapshots), f"{name}.xlsx")
        assert result.exit_code == 0, result.output
        ws = openpyxl.load_workbook(out).active
        top, _ = _table(ws, ["snapshot" if name == "snapshot" else "id"])
        col = _values(ws[top]).index("verdict") + 1
        cells = [row[col - 1] for row in ws.iter_rows(min_row=top + 1)]
        assert cells and {c.value for c in cells} <= set(marks)
        assert all(c.font.color is not None and c.font.color.rgb.endswith(marks[c.value]) for c in cells)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_formula_injection_is_neutralised_exactly_as_the_csv(snapshots, tmp_path, start):
    folder, snapshot_id = snapshots
    snap = SnapshotStore(folder).load(snapshot_id)
    ob = next(iter(snap["obligations"].values()))
    ob["section"] = f"{start}cmd|' /C calc'!A0"
    ob["item"] = f"{start}1+1"
    ob["missing_themes"] = [f"{start}SUM(A1:A9)"]
    ob["covering"] = [{**(ob["covering"] or [{}])[0], "entry": f"{start}x"}] if ob["covering"] else []
    expected = _csv_rows(snapshot_csv(snap))
    out = tmp_path / "injected.xlsx"
    spreadsheet.save_report(out, spreadsheet.snapshot_sheet(snap))
    ws = openpyxl.load_workbook(out).active
    top, table = _table(ws, expected[0])
    assert table == expected
    first = ws[top + 1]
    hostile = [c for c in first if isinstance(c.value, str) and c.value.startswith("'" + start)]
    assert len(hostile) >= 3 and all(c.data_type == "s" for c in hostile)


def test_characters_xml_cannot_hold_are_dropped_then_neutralised():
    assert spreadsheet.text_cell("\x01=1+1") == "'=1+1"
    assert spreadsheet.text_cell("a\x0bb\nc") == "ab\nc"


def test_xlsx_without_out_is_a_one_line_error(built):
    result = run_cli(*_command("coverage", built, None), "--format", "xlsx")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("mvkg: error: ") and result.stderr.count("\n") == 1 and "--out" in result.stderr


@pytest.mark.parametrize("target,needle", [("missing/dir/report.xlsx", "no such folder"), ("", "is a folder"),
                                           ("report.csv", "must end in .xlsx")])
def test_bad_out_path_is_a_one_line_error_and_writes_nothing(built, tmp_path, target, needle):
    out = tmp_path / target
    before = sorted(tmp_path.rglob("*"))
    result = run_cli(*_command("obligations", built, None), "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and needle in result.stderr and str(out) in result.stderr
    assert sorted(tmp_path.rglob("*")) == before


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(built, tmp_path, monkeypatch):
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"the previous report")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    result = run_cli(*_command("obligations", built, None), "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 2 and "cannot write: No space left on device" in result.stderr
    assert out.read_bytes() == b"the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_out_also_writes_text_formats(built, tmp_path):
    args = _command("obligations", built, None)
    out = tmp_path / "obligations.csv"
    result = run_cli(*args, "--format", "csv", "--out", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8") == run_cli(*args, "--format", "csv").stdout
