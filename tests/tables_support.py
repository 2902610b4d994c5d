"""Reading the pages' tables in AppTest: st.table elements, and the Markdown tables
(mvkg.ui.pages.tables.light_table: one st.markdown a table) as DataFrames of their cells'
source text (escaped as written; `plain` in the tests reads them as shown)."""

from __future__ import annotations

import pandas as pd


def _cells(line: str) -> list[str]:
    """A GFM table row's cells: split on the bars that are not escaped."""
    cells, cell = [], ""
    chars = iter(line.strip().removeprefix("|"))
    for c in chars:
        if c == "\\":
            cell += c + next(chars, "")
        elif c == "|":
            cells.append(cell.strip())
            cell = ""
        else:
            cell += c
    return cells + ([cell.strip()] if cell.strip() else [])


def markdown_frame(source: str) -> pd.DataFrame | None:
    """The table a Markdown source holds (header, delimiter row, rows), or None."""
    lines = [line for line in source.strip().splitlines() if line.strip()]
    if len(lines) < 2 or not lines[0].startswith("|") or set(lines[1]) - set("|-: "):
        return None
    return pd.DataFrame([_cells(line) for line in lines[2:]], columns=_cells(lines[0]))


def frames(at) -> list[pd.DataFrame]:
    """Every table on an AppTest page, in page order kind by kind (st.table ones with their
    index as the first column)."""
    found = [t.value.reset_index() for t in at.table]
    found += [f for f in (markdown_frame(m.value) for m in at.markdown) if f is not None]
    return found
