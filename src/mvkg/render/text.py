"""Small text helpers shared by the renderings: JSON as the CLI prints it, Markdown tables."""

from __future__ import annotations

import json
import re

# what makes Markdown fetch or format: links and images, HTML, emphasis, code, table cells
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|!])")


def md_text(text: object) -> str:
    """Text from data for a Markdown file: on one line, with every character that could make a
    link, an image (a fetch when the file is viewed), HTML, emphasis or a table cell escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def json_text(value: object) -> str:
    """Indented JSON, non-ASCII kept, with a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def md_table(head: list[str], rows: list[list[str]]) -> str:
    """A Markdown table of already formatted cells."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"
