"""Saved queries: an analyst's SPARQL kept in the workspace under a short id derived from its
text, `data/queries/saved/ID.rq`, so that a link (`/sparql?q=ID`) or `mvkg query --saved ID`
opens exactly that text. The id is the first 10 hex digits of the sha256 of the text (line
ends normalised, trailing blanks dropped): the same text always has the same id, saving it
again changes nothing, and two analysts saving the same query share one file. A query is
saved only when it passes the query guard (read-only, no SERVICE, parses), with the
workspace's known prefixes declared where it uses them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mvkg.kernel.errors import InputError, QueryError
from mvkg.kernel.files import atomic_write
from mvkg.kernel.workspace import Workspace
from mvkg.query.prefixes import Prefix, with_declarations
from mvkg.query.sparql import MAX_QUERY_BYTES, check_query, read_query_file

ID_LENGTH = 10
SAVED_ID = re.compile(rf"[0-9a-f]{{{ID_LENGTH}}}")
TITLE_LENGTH = 70


@dataclass(frozen=True)
class SavedQuery:
    id: str
    title: str  # its `# title:` comment, else its first line that is not a comment
    text: str


def normalise(text: str) -> str:
    """The text as saved: Unix line ends, no trailing blanks on a line, one final newline."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"


def query_id(text: str) -> str:
    """The short id of a query's text (stable: the same text, the same id)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:ID_LENGTH]


def is_saved_id(value: str) -> bool:
    return bool(SAVED_ID.fullmatch(value or ""))


def title_of(text: str) -> str:
    """What a saved query is called in a list: its `# title:` comment, else its first line
    that is not a comment (cut to TITLE_LENGTH characters, with an ellipsis)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("#") and line.lstrip("#").strip().lower().startswith("title:"):
            return line.lstrip("#").strip()[6:].strip()
    first = next((line for line in lines if not line.startswith("#")), "")
    first = " ".join(first.split())
    return first if len(first) <= TITLE_LENGTH else first[:TITLE_LENGTH - 1] + "…"


def _path(ws: Workspace, ident: str) -> Path:
    return ws.saved_queries_dir / f"{ident}.rq"


def save_query(ws: Workspace, text: str, prefixes: tuple[Prefix, ...] | Mapping[str, str] | None = None) -> SavedQuery:
    """Keep `text` in the workspace under its id (atomically; saving the same text twice
    writes nothing). Refused with a one-line error when it is empty, too long or fails the
    query guard; `prefixes` are the ones declared for it where it uses them."""
    body = normalise(text)
    if not body.strip():
        raise InputError("the query is empty: nothing to save")
    if len(body.encode("utf-8")) > MAX_QUERY_BYTES:
        raise InputError(f"the query is longer than {MAX_QUERY_BYTES} bytes: not saved")
    try:
        check_query(with_declarations(body, prefixes or {}), None)
    except QueryError as exc:
        raise InputError(f"not saved: {exc}") from None
    ident = query_id(body)
    path = _path(ws, ident)
    if path.is_file():
        kept = path.read_text(encoding="utf-8")
        if kept != body:  # a sha256 prefix clash, or a file edited by hand
            raise InputError(f"a different query is already saved as {ident}", path=path)
    else:
        atomic_write(path, body.encode("utf-8"))
    return SavedQuery(ident, title_of(body), body)


def load_saved(ws: Workspace, ident: str) -> SavedQuery:
    """The saved query with this id; a one-line error when the id is malformed or unknown."""
    ident = ident.strip().lower()
    if not is_saved_id(ident):
        raise InputError(f"'{ident}' is not a saved query id (expected {ID_LENGTH} hex digits, e.g. 3f2a9c01b7)")
    path = _path(ws, ident)
    if not path.is_file():
        raise InputError(f"no saved query with id {ident} in {ws.relative(ws.saved_queries_dir)}")
    text = read_query_file(path)
    return SavedQuery(ident, title_of(text), text)


def list_saved(ws: Workspace) -> list[SavedQuery]:
    """Every saved query, newest first (a file whose name is not an id is left out)."""
    folder = ws.saved_queries_dir
    if not folder.is_dir():
        return []
    paths = [p for p in folder.glob("*.rq") if is_saved_id(p.stem)]
    paths.sort(key=lambda p: (-p.stat().st_mtime_ns, p.stem))
    out = []
    for p in paths:
        text = read_query_file(p)
        out.append(SavedQuery(p.stem, title_of(text), text))
    return out
