"""The audit trail as people read it (`mvkg audit list|show|verify`, the Audit page): plain
text, a table or JSON. Nothing here is Markdown: the pages show it as text."""

from __future__ import annotations

from mvkg.kernel.audit import Entry, Verdict
from mvkg.query.sparql import to_table
from mvkg.render.text import json_text

FORMATS = ("table", "json")
_HEAD = ["n", "at", "who", "kind", "key", "files"]


def entry_json(e: Entry) -> dict[str, object]:
    return {"n": e.n, "at": e.at, "actor": {"id": e.actor_id, "name": e.actor_name, "via": e.via}, "kind": e.kind,
            "key": e.key, "files": [{"path": f.path, "before": f.before, "after": f.after} for f in e.files],
            "prev": e.prev, "hash": e.hash}


def entry_row(e: Entry) -> dict[str, str]:
    """One change in a line of words (the Audit page's table)."""
    return {"n": str(e.n), "at": e.at, "who": f"{e.actor_name} ({e.actor_id})", "kind": e.kind, "key": e.key,
            "files": ", ".join(f.path for f in e.files)}


def entries_text(entries: list[Entry], fmt: str = "table") -> str:
    """JSON: every field of every line; table: n, when, who, kind, key, the files changed."""
    if fmt == "json":
        return json_text([entry_json(e) for e in entries])
    if not entries:
        return "no changes recorded yet\n"
    return to_table(_HEAD, [list(entry_row(e).values()) for e in entries])


def _short(sha: str | None) -> str:
    return sha[:12] if sha else "(none)"


def entry_text(e: Entry, fmt: str = "text") -> str:
    if fmt == "json":
        return json_text(entry_json(e))
    lines = [f"change {e.n}: {e.kind} {e.key}", f"when: {e.at}", f"who: {e.actor_name} ({e.actor_id}, via {e.via})"]
    lines += [f"file: {f.path}  {_short(f.before)} -> {_short(f.after)}" for f in e.files] or ["file: (none)"]
    lines += [f"previous line's hash: {e.prev}", f"this line's hash: {e.hash}"]
    return "\n".join(lines) + "\n"


def verdict_text(v: Verdict, journal: str) -> str:
    if v.intact:
        return f"intact: {v.count} change(s), each line as written, in order and chained to the one before\n"
    where = f"{journal}:{v.line}" if v.line else journal
    return f"{where}: {v.problem}\n"
