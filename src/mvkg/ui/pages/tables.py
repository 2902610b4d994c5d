"""Tables the browser draws cheaply: a whole table as one Markdown element.

st.table draws every cell as its own Markdown element (Streamlit 1.67's Table renders each cell
through StreamlitMarkdown, with its own parser run and styled wrappers): a page with 700 cells
cost a browser 0.7-0.8 CPU s on every visit (benchmarks/sessions_profile.py), most of it there.
`light_table` writes the same rows as one GitHub-flavoured Markdown table in one st.markdown,
which the browser parses and draws once. Cells wrap like st.table's, so no text is cut off, and
every cell from data is escaped (`shared.md_escape`: a cell shows its text, never Markdown or
HTML, and a `|` in it cannot end the cell)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from mvkg.ui.pages.shared import md_escape


def markdown_table(names: Sequence[str], cells: Sequence[Sequence[str]]) -> str:
    """Rows of already-shown cell texts (escaped, or Markdown made here, like a link) as one GFM
    table; a line break in a cell becomes a space (a table row is one line)."""
    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(" ".join(str(v).split()) or " " for v in values) + " |"

    return "\n".join([line(names), "|" + "---|" * len(names), *(line(row) for row in cells)])


def light_table(rows: pd.DataFrame | Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> None:
    """`rows` (dicts or a frame) as one Markdown table, every cell escaped."""
    if isinstance(rows, pd.DataFrame):
        names, cells = list(rows.columns), list(rows.itertuples(index=False, name=None))
    else:
        rows = list(rows)
        names = list(columns or (rows[0] if rows else ()))
        cells = [tuple(row.get(c) for c in names) for row in rows]
    if not cells:
        st.caption("(none)")
        return
    shown = [[md_escape(v) for v in row] for row in cells]
    st.markdown(markdown_table([md_escape(n) for n in names], shown))
