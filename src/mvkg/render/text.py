"""Small text helpers shared by the renderings: JSON as the CLI prints it, Markdown tables."""

from __future__ import annotations

import json


def json_text(value: object) -> str:
    """Indented JSON, non-ASCII kept, with a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def md_table(head: list[str], rows: list[list[str]]) -> str:
    """A Markdown table of already formatted cells."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"
