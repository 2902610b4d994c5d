"""Saved queries listed for the command line (`mvkg query --list-saved`)."""

from __future__ import annotations

from collections.abc import Sequence

from mvkg.query.saved import SavedQuery
from mvkg.query.sparql import to_csv, to_table
from mvkg.render.text import json_text


def saved_listing(queries: Sequence[SavedQuery], fmt: str) -> str:
    """id and title of each saved query; JSON also gives each one's text."""
    if fmt == "json":
        return json_text([{"id": q.id, "title": q.title, "text": q.text} for q in queries])
    rows = [[q.id, q.title] for q in queries]
    return to_csv(["id", "title"], rows) if fmt == "csv" else to_table(["id", "title"], rows)
