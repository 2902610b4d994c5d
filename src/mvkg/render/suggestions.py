"""Text renderings of coverage suggestions for one obligation (`mvkg suggest`)."""

from __future__ import annotations

from pathlib import Path

from mvkg.analysis.suggest import Suggestion
from mvkg.query.sparql import to_table
from mvkg.render.text import json_text

FORMATS = ("table", "json")


def suggestions_json(suggestions: list[Suggestion]) -> str:
    return json_text([s.to_json() for s in suggestions])


def suggestions_table(suggestions: list[Suggestion]) -> str:
    return to_table(["entry", "status", "score", "reasons"],
                    [[s.entry, s.status, f"{s.score:.2f}", "; ".join(s.reasons)] for s in suggestions], max_width=90)


def suggestions_text(suggestions: list[Suggestion], fmt: str = "table") -> str:
    return suggestions_json(suggestions) if fmt == "json" else suggestions_table(suggestions)


def accepted_text(entry: str, relation: str, by: str, where: Path | str) -> str:
    """The line confirming an accepted suggestion, `where` being the file it went into."""
    return f"recorded {entry} ({relation}, machine-suggested, confirmed by {by}) in {where}; the graph is up to date\n"
