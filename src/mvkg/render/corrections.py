"""Analysts' corrections as a table, CSV or JSON (`mvkg correction list`)."""

from __future__ import annotations

from mvkg.inputs.corrections import Correction
from mvkg.query.sparql import to_csv, to_table
from mvkg.render.text import json_text

_HEAD = ["line", "resolution", "obligation", "kind", "value", "by", "at", "why", "applied"]


def corrections_text(rows: list[tuple[Correction, bool]], fmt: str = "table") -> str:
    """JSON keys: line, resolution, obligation, text, kind, value, by, at, why, applied."""
    if fmt == "json":
        return json_text([{"line": c.line, **c.row(), "applied": applied} for c, applied in rows])
    table = [[str(c.line), c.resolution, c.obligation, c.kind, c.value, c.by, c.at, c.why,
              "yes" if applied else "no (stale: its words are no longer there)"] for c, applied in rows]
    return to_csv(_HEAD, table) if fmt == "csv" else to_table(_HEAD, table)
