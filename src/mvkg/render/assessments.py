"""Text renderings of coverage assessments for the CLI: the listing (table, CSV or JSON) and
what a write did (the row as kept, and that the graph already holds it)."""

from __future__ import annotations

from collections.abc import Sequence

from mvkg.graph.update import Update
from mvkg.inputs.assessments import ALL_COLUMNS, DRAFT, Stored
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.sparql import to_csv, to_table
from mvkg.render.text import json_text

FORMATS = ("table", "json", "csv")
REVIEW_MARK = VOCABULARY.assessment_reviews.marks  # "☑ reviewed"
RELATION_MARK = VOCABULARY.relations.marks


def assessment_json(s: Stored, where: str) -> dict[str, object]:
    """One assessment: every column (review "draft" when empty), where it is kept, and its version
    (what `mvkg assessment edit|remove --if-version` expects)."""
    row = {c: s.row.get(c, "") for c in ALL_COLUMNS}
    row["review"] = row["review"] or DRAFT
    return {**row, "file": where, "line": s.line, "version": s.version}


def assessments_text(stored: Sequence[Stored], where: Sequence[str], fmt: str = "table") -> str:
    """`mvkg assessment list`; `where` is each row's workspace-relative file."""
    rows = [assessment_json(s, w) for s, w in zip(stored, where)]
    if fmt == "json":
        return json_text(rows)
    if fmt == "csv":
        return to_csv([*ALL_COLUMNS, "file", "line"], [[str(r[c]) for c in (*ALL_COLUMNS, "file", "line")] for r in rows])
    head = ["obligation", "entry", "relation", "review", "assessor", "date", "rationale", "where"]
    body = [[str(r["obligation"]), str(r["entry"]) or "–", RELATION_MARK.get(str(r["relation"]), str(r["relation"])),
             REVIEW_MARK.get(str(r["review"]), str(r["review"])) + (f" ({r['reviewed_by']}, {r['reviewed_on']})"
                                                                   if r["reviewed_by"] else ""),
             str(r["assessor"]), str(r["date"]), str(r["rationale"]), f"{r['file']}:{r['line']}"] for r in rows]
    return to_table(head, body) + f"\n{len(rows)} assessment(s)\n"


def change_text(verb: str, s: Stored, where: str, update: Update) -> str:
    """What an `mvkg assessment` write did, in one or two lines."""
    row = s.row
    entry = row["entry"] or "not applicable"
    state = REVIEW_MARK.get(row.get("review") or DRAFT, row.get("review", ""))
    lines = [f"{verb} {row['obligation']} ← {entry}: {row['relation']} ({state}) in {where}:{s.line}" if verb != "removed"
             else f"removed {row['obligation']} ← {entry} from {where}",
             graph_line(update)]
    return "\n".join(lines) + "\n"


def graph_line(update: Update) -> str:
    """That the built graph holds the change already (no `mvkg build` needed), and how."""
    if update.mode == "rebuild":
        return f"  graph rebuilt ({update.report.triples} triples) in {update.seconds:.1f} s"
    changed = ", ".join(g.rsplit("/graph/", 1)[-1] for g in update.changed) or "no graph changed"
    return f"  graph updated in {update.seconds:.1f} s ({changed})" + ("; the reasoner ran" if update.reasoned else "")
