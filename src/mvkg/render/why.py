"""Text renderings of the why of verdicts and the next actions (analysis/why.py) for the CLI:
one obligation in full (`mvkg why OBLIGATION`), or the worklist (`mvkg why`) as a table, JSON or CSV."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from mvkg.analysis.why import Examined, Why
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.sparql import to_csv, to_table
from mvkg.render.text import json_text

FORMATS = ("text", "json", "csv")
LIST_FORMATS = ("table", "json", "csv")
WIDTH = 100


def _wrapped(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_on_hyphens=False) or [indent]


def _entry_lines(e: Examined) -> list[str]:
    relation = VOCABULARY.relations.marks.get(e.relation, e.relation)
    head = f"{e.entry} ({e.status}): {relation}, {e.review}" + (f", confidence {e.confidence}" if e.confidence else "")
    lines = _wrapped(head)
    if e.themes:
        lines += _wrapped("addresses " + ", ".join(e.themes), "      ")
    return lines + _wrapped("why: " + e.rationale, "      ")


def why_text(w: Why, fmt: str = "text") -> str:
    """One obligation: its verdict, the reason, the entries behind it, and what to do next."""
    if fmt == "json":
        return json_text(w.to_json())
    if fmt == "csv":
        return worklist_text([w], "csv")
    lines = [f"{w.label}  ({w.short})", f"verdict against {w.portfolio}: {VOCABULARY.verdicts.get(w.verdict).mark}"]
    lines += _wrapped(w.reason, "")
    if w.missing_themes:
        lines.append("missing themes: " + ", ".join(w.missing_themes))
    for title, entries in (("covering entries, closest first", w.covering), ("examined and judged none", w.judged_none),
                           ("covering it from outside this portfolio", w.outside)):
        if entries:
            lines.append(f"{title}:")
            for e in entries:
                lines += _entry_lines(e)
    if w.verdict == "not-covered" and not w.judged_none:
        lines.append("examined and judged none: no entry of this portfolio")
    if w.warnings:
        lines.append("extraction warnings:")
        lines += [line for warning in w.warnings for line in _wrapped(warning)]
    lines.append("next:" if w.actions else "next: nothing to do")
    lines += [line for a in w.actions for line in _wrapped("- " + a.text)]
    return "\n".join(lines) + "\n"


HEAD = ["obligation", "id", "verdict", "missing themes", "next", "reason"]


def worklist_text(items: Sequence[Why], fmt: str = "table") -> str:
    """The worklist: every obligation with its verdict, what is missing and the next actions."""
    if fmt == "json":
        return json_text([w.to_json() for w in items])
    if fmt == "csv":
        return to_csv([*HEAD, "kinds"], [[w.label, w.short, w.verdict, "; ".join(w.missing_themes), w.next, w.reason,
                                          "; ".join(w.kinds)] for w in items])
    rows = [[w.label, VOCABULARY.verdicts.get(w.verdict).mark, ", ".join(w.missing_themes), w.brief] for w in items]
    return to_table(["obligation", "verdict", "missing themes", "next"], rows) + f"\n{len(items)} obligation(s)\n"
