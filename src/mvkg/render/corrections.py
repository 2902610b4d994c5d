"""Analysts' corrections as a table, CSV or JSON (`mvkg correction list`)."""

from __future__ import annotations

from collections.abc import Mapping

from mvkg.inputs.correction_reviews import Review, review_key
from mvkg.inputs.corrections import Correction
from mvkg.query.sparql import to_csv, to_table
from mvkg.render.text import json_text

_HEAD = ["line", "resolution", "obligation", "kind", "value", "by", "at", "why", "applied", "reviewed"]


def corrections_text(rows: list[tuple[Correction, bool]], fmt: str = "table",
                     reviews: Mapping[tuple[str, str, str, str], Review] | None = None) -> str:
    """JSON keys: line, resolution, obligation, text, kind, value, by, at, why, applied,
    reviewed_by, reviewed_at (empty until a reviewer confirms it)."""
    seen = {c.line: (reviews or {}).get(review_key(c)) for c, _ in rows}
    if fmt == "json":
        return json_text([{"line": c.line, **c.row(), "applied": applied,
                           "reviewed_by": r.by if (r := seen[c.line]) else "", "reviewed_at": r.at if r else ""}
                          for c, applied in rows])
    table = [[str(c.line), c.resolution, c.obligation, c.kind, c.value, c.by, c.at, c.why,
              "yes" if applied else "no (stale: its words are no longer there)",
              f"by {r.by} at {r.at}" if (r := seen[c.line]) else "no"] for c, applied in rows]
    return to_csv(_HEAD, table) if fmt == "csv" else to_table(_HEAD, table)
