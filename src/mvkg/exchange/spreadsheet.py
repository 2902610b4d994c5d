"""Spreadsheets (.xlsx, written with openpyxl) of coverage, validation results, obligations and
snapshot reports, built from the very rows the CSV writes (render.reports.coverage_rows,
validation_rows, analysis.obligations.obligations_rows, render.snapshot_reports.snapshot_rows).

A sheet opens with what the table is (portfolio, snapshot id, coverage and its formula, verdict
counts), then the table: a frozen header row, a filter over every column, wrapped text, and
verdicts as text with their icon ("✔ covered"), in the verdict's colour as well, never by colour
alone. Every text cell goes through `safe_cell`, the CSV's own neutraliser, so a cell starting
with = + - @ gets the same leading apostrophe as in the CSV and is never a formula.

Files are written to a temporary file beside the target and renamed over it, so a reader sees
the old file or the new one and a failed write leaves nothing behind."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mvkg.analysis.obligations import OBLIGATIONS_HEAD, ObligationRow, obligations_rows
from mvkg.compliance.coverage import FORMULA, Coverage
from mvkg.compliance.validate import Validation
from mvkg.kernel.errors import InputError
from mvkg.kernel.files import atomic_write
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.sparql import safe_cell
from mvkg.render.reports import COVERAGE_HEAD, VALIDATION_HEAD, coverage_rows, validation_rows
from mvkg.render.snapshot_reports import SNAPSHOT_HEAD, snapshot_rows

if TYPE_CHECKING:  # openpyxl is imported when a workbook is made: every CLI start stays ~0.2 s faster
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

XLSX = "xlsx"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 60  # characters; longer cells wrap
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")  # control characters XML 1.0 cannot hold (openpyxl refuses them)
_VERDICT_COLOUR = {c.mark: c.colour.lstrip("#").upper() for c in VOCABULARY.verdicts if c.colour}


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a heading, (label, value) lines saying what the table is, then the table."""

    title: str
    heading: str
    about: tuple[tuple[str, str], ...]
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def header_row(self) -> int:
        """The table's header row (1-based): heading, about lines, one blank row."""
        return len(self.about) + 3


def text_cell(value: str) -> str:
    """A cell's text as stored: characters XML 1.0 cannot hold removed (openpyxl refuses them),
    then neutralised exactly as the CSV is."""
    return safe_cell(_ILLEGAL.sub("", value))


# ------------------------------------------------------------------ the sheets

def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} %"


def _verdict_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{VOCABULARY.verdicts.marks[v]}: {counts.get(v, 0)}" for v in VOCABULARY.verdicts.notations)


def _sheet(title: str, heading: str, about: Sequence[tuple[str, str]], head: Sequence[str],
           rows: Sequence[Sequence[str]]) -> Sheet:
    return Sheet(title, heading, tuple(about), tuple(head), tuple(tuple(r) for r in rows))


def coverage_sheet(cov: Coverage) -> Sheet:
    """`mvkg coverage`: the CSV's rows, under the portfolio, the coverage and its formula."""
    about = [("Portfolio", f"{cov.portfolio_label} ({cov.portfolio})"),
             ("Coverage", f"{_pct(cov.summary.coverage_percent)} of all obligations, "
                          f"{_pct(cov.binding.coverage_percent)} of binding ones"),
             ("Formula", FORMULA),
             ("Verdicts", _verdict_counts(cov.summary.counts))]
    return _sheet("Coverage", f"Coverage against portfolio {cov.portfolio_label}", about, COVERAGE_HEAD, coverage_rows(cov))


def validation_sheet(run: Validation) -> Sheet:
    """`mvkg validate`: every SHACL result, under the portfolio and the counts."""
    c = run.counts()
    about = [("Portfolio", f"{run.portfolio_label} ({run.portfolio})"),
             ("Result", "conforms (no violation)" if run.conforms else "does not conform"),
             ("Counts", f"{c['violation']} violation(s), {c['warning']} warning(s), {c['info']} info")]
    return _sheet("Validation", f"SHACL validation against portfolio {run.portfolio_label}", about, VALIDATION_HEAD,
                  validation_rows(run))


def obligations_sheet(rows: list[ObligationRow], resolution: str | None = None) -> Sheet:
    """`mvkg obligations`: the CSV's rows, verbatim text and code-point offsets included."""
    codes = sorted({r.resolution for r in rows})
    about = [("Resolutions", ", ".join(codes) if codes else "none"),
             ("Obligations", str(len(rows))),
             ("Source", "text is verbatim; start and end are code-point offsets into file (file_text[start:end] == text)")]
    heading = f"Obligations of {resolution}" if resolution else "Obligations"
    return _sheet("Obligations", heading, about, OBLIGATIONS_HEAD, obligations_rows(rows))


def snapshot_sheet(snap: dict) -> Sheet:
    """`mvkg snapshot show`: the CSV's rows, under the snapshot id, its date, the coverage and the formula it used."""
    s, pf = snap["summary"], snap["portfolio"]
    sev = s["severity_counts"]
    about = [("Snapshot", snap["id"]), ("Taken", snap["created"]), ("Label", snap["label"]),
             ("Portfolio", f"{pf['label']} ({pf['name']}, {len(pf['members'])} entries)"),
             ("Coverage", f"{_pct(s['coverage_percent'])} of all obligations, "
                          f"{_pct(s['binding']['coverage_percent'])} of binding ones"),
             ("Formula", s["formula"]),
             ("Verdicts", _verdict_counts(s["counts"])),
             ("SHACL", f"{'conforms' if s['conforms'] else 'does not conform'} ({sev['violation']} violations, "
                       f"{sev['warning']} warnings, {sev['info']} info)")]
    return _sheet("Snapshot", f"Compliance snapshot {snap['id']}", about, SNAPSHOT_HEAD, snapshot_rows(snap))


# ------------------------------------------------------------------ the workbook

def _width(head: str, cells: list[str]) -> float:
    longest = max([len(head), *(max((len(line) for line in c.splitlines()), default=0) for c in cells)])
    return min(longest, MAX_WIDTH) + 2


def _write_table(ws: Worksheet, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    top, wrap = sheet.header_row, Alignment(wrap_text=True, vertical="top")
    fill, border = PatternFill("solid", fgColor="DDDDDD"), Border(bottom=Side(style="thin", color="888888"))
    for col, name in enumerate(sheet.head, start=1):
        cell = ws.cell(row=top, column=col, value=text_cell(name))
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), fill, border, wrap
    for r, row in enumerate(sheet.rows, start=top + 1):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col, value=text_cell(value))
            cell.alignment = wrap
            if value in _VERDICT_COLOUR:
                cell.font = Font(bold=True, color=_VERDICT_COLOUR[value])
    for col, name in enumerate(sheet.head, start=1):
        ws.column_dimensions[get_column_letter(col)].width = _width(name, [r[col - 1] for r in sheet.rows])
    last = get_column_letter(max(len(sheet.head), 1))
    ws.freeze_panes = f"A{top + 1}"
    ws.auto_filter.ref = f"A{top}:{last}{top + len(sheet.rows)}"
    ws.print_title_rows = f"{top}:{top}"


def build_workbook(sheet: Sheet) -> Workbook:
    """The workbook of one sheet: heading, about lines (labels bold, values left unwrapped so a
    long formula reads across the empty cells beside it), a blank row, the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new Workbook always has its first sheet
    ws.title = sheet.title
    ws.cell(row=1, column=1, value=text_cell(sheet.heading)).font = Font(bold=True, size=13)
    for r, (label, value) in enumerate(sheet.about, start=2):
        ws.cell(row=r, column=1, value=text_cell(label)).font = Font(bold=True)
        ws.cell(row=r, column=2, value=text_cell(value))
    _write_table(ws, sheet)
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    wb.properties.title = text_cell(sheet.heading)
    wb.properties.creator = "mvkg"
    return wb


def workbook_bytes(sheet: Sheet) -> bytes:
    buf = io.BytesIO()
    build_workbook(sheet).save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ writing a report file

def check_out(out: Path | None, fmt: str) -> None:
    """Refuse, before any work is done, a report that cannot be written: a workbook with no
    --out (it is binary; a terminal cannot show it), a folder that does not exist, a folder as
    the file, a workbook whose name does not end in .xlsx."""
    if out is None:
        if fmt == XLSX:
            raise InputError("--format xlsx writes a binary workbook: give --out FILE.xlsx")
        return
    if out.is_dir():
        raise InputError("is a folder; give a file name", path=out)
    if not out.parent.is_dir():
        raise InputError(f"no such folder {str(out.parent)!r}", path=out)
    if fmt == XLSX and out.suffix.lower() != ".xlsx":
        raise InputError("a workbook's name must end in .xlsx", path=out)


def save_report(out: Path, content: Sheet | str) -> None:
    """Write a workbook (a Sheet) or a text rendering (UTF-8) to `out` atomically."""
    check_out(out, XLSX if isinstance(content, Sheet) else "text")
    data = workbook_bytes(content) if isinstance(content, Sheet) else content.encode("utf-8")
    try:
        atomic_write(out, data)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", path=out) from None


