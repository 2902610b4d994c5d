"""Reviewers' confirmations of analysts' corrections: `data/corrections/reviews.csv`, one row per
confirmed correction, with who and when.

A review names the correction by what it says (resolution, the obligation's words, kind and
value), not by its line: when the correction is withdrawn, or withdrawn and made again with
another value, the review no longer matches it, so a changed correction is unreviewed until a
reviewer confirms it again. Reviews change no graph (the corrections are applied as they are)."""

from __future__ import annotations

from dataclasses import dataclass

from mvkg.inputs.corrections import Correction, load_corrections, words
from mvkg.inputs.csvtable import read_rows, write_rows
from mvkg.kernel.errors import InputError
from mvkg.kernel.workspace import Workspace

COLUMNS = ("resolution", "obligation", "kind", "value", "text", "by", "at")


@dataclass(frozen=True)
class Review:
    by: str
    at: str  # ISO date-time


def review_key(c: Correction) -> tuple[str, str, str, str]:
    return (c.resolution, words(c.text), c.kind, c.value)


def _rows(ws: Workspace) -> list[dict[str, str]]:
    path = ws.correction_reviews_file
    return [row for _, row in read_rows(path, COLUMNS)] if path.is_file() else []


def load_reviews(ws: Workspace) -> dict[tuple[str, str, str, str], Review]:
    """What each reviewed correction's key maps to: who confirmed it, and when."""
    return {(r["resolution"], words(r["text"]), r["kind"], r["value"]): Review(r["by"], r["at"]) for r in _rows(ws)}


def review_correction(ws: Workspace, line: int, by: str, at: str) -> tuple[Correction, Review]:
    """Confirm the correction on `line` of the corrections file (as `mvkg correction list` shows it)."""
    found = next((c for c in load_corrections(ws) if c.line == line), None)
    if found is None:
        raise InputError(f"no correction on line {line}", path=ws.relative(ws.corrections_file))
    if not by.strip():
        raise InputError("a review needs who reviews")
    key = review_key(found)
    kept = [r for r in _rows(ws) if (r["resolution"], words(r["text"]), r["kind"], r["value"]) != key]
    row = {"resolution": found.resolution, "obligation": found.obligation, "kind": found.kind, "value": found.value,
           "text": found.text, "by": by.strip(), "at": at}
    write_rows(ws.correction_reviews_file, COLUMNS, [*kept, row])
    return found, Review(row["by"], at)
