"""Spreadsheet-friendly CSV tables with a fixed header: read them strictly, report every
problem with its row number, write them back atomically."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from mvkg.ingest.readers import decode_text
from mvkg.kernel.errors import InputError, check_unicode, lone_surrogate
from mvkg.kernel.files import atomic_write

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Problem:
    row: int  # 1-based line number in the file (the header is line 1)
    message: str


class TableError(InputError):
    """Several problems in one file, each with its row."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  {path}:{p.row}: {p.message}" for p in problems)
        super().__init__(f"{len(problems)} problem(s), nothing was changed:\n{lines}", path=path)

    def describe(self) -> str:
        return self.message


def read_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows as (line number, {column: stripped value}); the header must be `columns`."""
    text = decode_text(path.read_bytes(), path).lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"empty file: expected a header row {','.join(columns)}", path=path) from None
    header = [h.strip() for h in header]
    if tuple(header) != columns:
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        raise InputError(
            f"header must be exactly {','.join(columns)}"
            + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else ""),
            path=path, line=1)
    rows = []
    problems = []
    for record in reader:
        line = reader.line_num
        if not any(v.strip() for v in record):
            continue
        if len(record) != len(columns):
            problems.append(Problem(line, f"expected {len(columns)} fields, found {len(record)}"))
            continue
        rows.append((line, {c: v.strip() for c, v in zip(columns, record)}))
    if problems:
        raise TableError(path, problems)
    return rows


def rows_bytes(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    text = buf.getvalue()
    if lone_surrogate(text) is not None:
        row, column = next((i, c) for i, r in enumerate(rows, start=2) for c in columns
                           if isinstance(r.get(c), str) and lone_surrogate(r[c]) is not None)
        check_unicode(rows[row - 2][column], f"the {column} of row {row}")
    return text.encode("utf-8")


def write_rows(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    atomic_write(path, rows_bytes(columns, rows))


def split_list(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[;|]", value) if v.strip()]


def valid_iso_date(value: str) -> bool:
    return bool(_ISO_DATE.match(value))
