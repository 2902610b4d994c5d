"""Text renderings of an alignment of two resolutions (`mvkg align`): the suggested pairs
and the merged view, as a table, Markdown or JSON."""

from __future__ import annotations

from mvkg.analysis.align import Pair, merged_view
from mvkg.query.sparql import to_table
from mvkg.render.text import json_text, md_table

FORMATS = ("table", "json", "md")


def _pair_rows(pairs: list[Pair]) -> list[list[str]]:
    return [[f"{p.a.section} {p.a.item}" if p.a else "—", p.relation, f"{p.b.section} {p.b.item}" if p.b else "—",
             f"{p.score:.2f}", p.status, "; ".join(p.evidence.get("shared_themes", [])),
             ", ".join(p.evidence.get("key_phrases", []))] for p in pairs]


def pairs_text(pairs: list[Pair], code_a: str, code_b: str, fmt: str = "table") -> str:
    """One row per pair: A's section and item, relation, B's, score, status and evidence."""
    if fmt == "json":
        return json_text([p.to_json() for p in pairs])
    head = [code_a, "relation", code_b, "score", "status", "shared themes", "key phrases"]
    rows = _pair_rows(pairs)
    return md_table(head, rows) if fmt == "md" else to_table(head, rows)


def merged_text(pairs: list[Pair], code_a: str, code_b: str, fmt: str = "table") -> str:
    """One row per aligned topic with both drafts' wording (rejected pairs left out)."""
    rows = merged_view(pairs)
    if fmt == "json":
        return json_text(rows)
    if fmt == "md":
        lines = [f"| topic | relation | {code_a} | {code_b} |", "|---|---|---|---|"]
        lines += [f"| {r['topic']} | {r['relation']} | {r['a']} | {r['b']} |".replace("\n", " ") for r in rows]
        return "\n".join(lines) + "\n"
    return to_table(["topic", "relation", code_a, code_b], [[r["topic"], r["relation"], r["a"], r["b"]] for r in rows])


def alignment_text(pairs: list[Pair], code_a: str, code_b: str, fmt: str = "table", *, merged: bool = False) -> str:
    return (merged_text if merged else pairs_text)(pairs, code_a, code_b, fmt)
