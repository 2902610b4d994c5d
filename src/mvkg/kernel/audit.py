"""The audit trail: an append-only, hash-chained journal of every change to a workspace.

`data/audit/journal.jsonl` holds one line per change, in the order they were made:

    {"actor":{"id":"os:alice","name":"alice","via":"os"},"at":"2026-12-05T05:31:02Z",
     "files":[{"after":"9f…","before":"3c…","path":"data/coverage/assessments.csv"}],
     "hash":"…","key":"atu-mv/resolves/para_b ITU-T Y.4240","kind":"assessment-add","n":7,"prev":"…"}

who (the actor's id and name), when (UTC), what (the write kind of ontology/access.ttl and the
record's key), the sha256 of each changed file before and after (null: the file did not exist),
`prev` (the previous line's hash; 64 zeros for the first) and `hash` (sha256 of the line's
canonical JSON without `hash`). Each line is written exactly in canonical form (sorted keys, no
spaces), so any change to a byte shows. `data/audit/head.json` records how many lines there are and
the last one's hash: a line removed from the end or appended by hand shows too.

Whoever can write the workspace can also cut the journal and rewrite head.json to match. Heads
recorded outside the journal catch that: `mvkg audit head` prints the head (`N:HASH`) for an
operator to keep elsewhere, every snapshot records the head at the moment it was taken, and
`verify` checks that line N still has the hash each such anchor recorded.

The write paths (graph/update.py `apply_write`) append the line inside the workspace lock, after
the write and before its commit, and take it out again if the write then fails: a failed write
leaves no line. Appends also take the journal's own lock (a snapshot, which holds the workspace
only shared, appends too)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mvkg.kernel.errors import InputError
from mvkg.kernel.files import atomic_write, fsync_dir, sha256_bytes, sha256_file
from mvkg.kernel.identity import Actor
from mvkg.kernel.locking import WorkspaceLock
from mvkg.kernel.workspace import Workspace

GENESIS = "0" * 64
JOURNAL = "journal.jsonl"
HEAD = "head.json"


@dataclass(frozen=True)
class Change:
    """What a write is, for the trail: who, the write kind, and the record's key (or a function
    of the write's result that gives it, when the key is only known after the write)."""

    actor: Actor
    kind: str
    key: str | Callable[[Any], str]

    def key_of(self, result: object) -> str:
        return self.key(result) if callable(self.key) else self.key


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the workspace
    before: str | None  # sha256, None: did not exist
    after: str | None


@dataclass(frozen=True)
class Entry:
    n: int
    at: str
    actor_id: str
    actor_name: str
    via: str
    kind: str
    key: str
    files: tuple[FileChange, ...]
    prev: str
    hash: str

    @classmethod
    def of(cls, obj: dict) -> Entry:
        actor = obj["actor"]
        files = tuple(FileChange(f["path"], f["before"], f["after"]) for f in obj["files"])
        return cls(obj["n"], obj["at"], actor["id"], actor["name"], actor["via"], obj["kind"], obj["key"], files,
                   obj["prev"], obj["hash"])


@dataclass(frozen=True)
class Verdict:
    count: int  # lines read
    line: int | None = None  # the first bad line (None: intact)
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.line is None and not self.problem


@dataclass(frozen=True)
class Anchor:
    """A journal head recorded outside the journal: change `n` had hash `hash` (`source` says
    where it was recorded, for the message)."""

    n: int
    hash: str
    source: str = "the anchor"

    @classmethod
    def parse(cls, text: str, source: str = "") -> Anchor:
        """'N:HASH', as `mvkg audit head` prints it."""
        n, _, sha = text.strip().partition(":")
        if not n.isdigit() or int(n) < 1 or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise InputError(f"{text!r} is not an audit head; expected N:HASH as `mvkg audit head` prints it "
                             "(a change number, a colon, 64 lowercase hex digits)")
        return cls(int(n), sha, source or f"the anchor {n}:{sha[:12]}…")

    @property
    def text(self) -> str:
        return f"{self.n}:{self.hash}"


def canonical(obj: dict) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def line_hash(obj: dict) -> str:
    return sha256_bytes(canonical({k: v for k, v in obj.items() if k != "hash"}).encode("utf-8"))


def folder_hashes(folders: Iterable[Path]) -> dict[Path, str]:
    """sha256 of the files directly in each folder."""
    return {p: sha256_file(p) for f in folders if f.is_dir() for p in sorted(f.iterdir()) if p.is_file()}


def changed_files(ws: Workspace, before: Mapping[Path, str], after: Mapping[Path, str]) -> tuple[FileChange, ...]:
    """The files whose content differs (or that appeared or went), with both hashes."""
    return tuple(FileChange(ws.relative(p), before.get(p), after.get(p)) for p in sorted(set(before) | set(after))
                 if before.get(p) != after.get(p))


@dataclass
class Appended:
    """A line just appended, and how to take it out again (while the workspace lock is held)."""

    journal: Path
    size: int  # the journal's size before (-1: it did not exist)
    head: bytes | None  # head.json before
    made_folder: bool  # data/audit did not exist before
    entry: Entry | None = field(default=None)

    def undo(self) -> None:
        if self.size < 0:
            self.journal.unlink(missing_ok=True)
        else:
            os.truncate(self.journal, self.size)
        head = self.journal.with_name(HEAD)
        if self.head is None:
            head.unlink(missing_ok=True)
        else:
            atomic_write(head, self.head)
        if self.made_folder and not any(self.journal.parent.iterdir()):
            self.journal.parent.rmdir()


class Journal:
    def __init__(self, ws: Workspace):
        self.ws = ws
        self.folder = ws.audit_dir
        self.path = self.folder / JOURNAL
        self.head_path = self.folder / HEAD

    def append(self, change: Change, key: str, files: Iterable[FileChange], now: datetime | None = None) -> Appended:
        """Add one line for `change` (under the journal's lock); `undo()` on the result takes it out."""
        made = not self.folder.is_dir()
        self.folder.mkdir(parents=True, exist_ok=True)
        with WorkspaceLock(self.folder):
            last = self._head()
            size = self.path.stat().st_size if self.path.is_file() else -1
            done = Appended(self.path, size, self.head_path.read_bytes() if self.head_path.is_file() else None, made)
            a = change.actor
            obj = {"n": last[0] + 1, "at": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "actor": {"id": a.id, "name": a.name, "via": a.via}, "kind": change.kind, "key": key,
                   "files": [{"path": f.path, "before": f.before, "after": f.after} for f in files], "prev": last[1]}
            obj["hash"] = line_hash(obj)
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
                try:
                    os.write(fd, (canonical(obj) + "\n").encode("utf-8"))
                    os.fsync(fd)
                finally:
                    os.close(fd)
                fsync_dir(self.folder)
                atomic_write(self.head_path, (canonical({"n": obj["n"], "hash": obj["hash"]}) + "\n").encode("utf-8"))
            except BaseException:
                done.undo()
                raise
            done.entry = Entry.of(obj)
            return done

    def _head(self) -> tuple[int, str]:
        """(count, last hash) as the head records them (the chain continues from there)."""
        if not self.head_path.is_file():
            return (0, GENESIS) if not self.path.is_file() or not self.path.stat().st_size else self._last_line()
        try:
            head = json.loads(self.head_path.read_text(encoding="utf-8"))
            return int(head["n"]), str(head["hash"])
        except (ValueError, KeyError, TypeError):
            raise InputError("the audit trail's head is damaged; run `mvkg audit verify`", path=self.head_path) from None

    def _last_line(self) -> tuple[int, str]:
        lines = self.lines()
        try:
            obj = json.loads(lines[-1])
            return int(obj["n"]), str(obj["hash"])
        except (ValueError, KeyError, TypeError):
            raise InputError("the audit trail's last line is damaged; run `mvkg audit verify`", path=self.path) from None

    def lines(self) -> list[str]:
        if not self.path.is_file():
            return []
        text = self.path.read_bytes().decode("utf-8", errors="replace")
        return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")

    def entries(self) -> list[Entry]:
        """Every change, oldest first (a line that cannot be read is an error naming it)."""
        out = []
        for n, raw in enumerate(self.lines(), start=1):
            try:
                out.append(Entry.of(json.loads(raw)))
            except (ValueError, KeyError, TypeError):
                raise InputError("this line of the audit trail cannot be read; run `mvkg audit verify`",
                                 path=self.path, line=n) from None
        return out

    def head(self) -> Anchor | None:
        """The journal's head (its last change), or None while nothing was recorded."""
        n, sha = self._head()
        return Anchor(n, sha, "the head") if n else None

    def verify(self, anchors: Iterable[Anchor] = ()) -> Verdict:
        """Is every line as written, in order, chained to the one before, the last the head's,
        and each anchor's change still the one it recorded?"""
        lines = self.lines()
        hashes: list[str] = []
        prev = GENESIS
        for n, raw in enumerate(lines, start=1):
            problem = _line_problem(raw, n, prev)
            if problem:
                return Verdict(len(lines), n, problem)
            prev = json.loads(raw)["hash"]
            hashes.append(prev)
        verdict = self._head_verdict(len(lines), prev)
        return verdict if not verdict.intact else _anchors_verdict(hashes, anchors)

    def _head_verdict(self, count_read: int, last_read: str) -> Verdict:
        if not self.head_path.is_file():
            return Verdict(count_read, 1, f"{HEAD} is missing") if count_read else Verdict(0)
        try:
            head = json.loads(self.head_path.read_text(encoding="utf-8"))
            count, last = int(head["n"]), str(head["hash"])
        except (ValueError, KeyError, TypeError):
            return Verdict(count_read, None, f"{HEAD} cannot be read")
        if count > count_read:
            return Verdict(count_read, count_read + 1, f"missing: the head records {count} changes, the journal has "
                                                       f"{count_read} (lines were removed from the end)")
        if count < count_read:
            return Verdict(count_read, count + 1, f"not written by mvkg: the head records {count} changes "
                                                  "(a line was appended by hand)")
        if last != last_read:
            return Verdict(count_read, count_read, "the last line is not the one the head records (altered)")
        return Verdict(count_read)


def _anchors_verdict(hashes: list[str], anchors: Iterable[Anchor]) -> Verdict:
    """The first anchor the journal no longer matches: cut below it, or rewritten at it."""
    for a in sorted(anchors, key=lambda a: a.n):
        if a.n > len(hashes):
            return Verdict(len(hashes), len(hashes) + 1, f"missing: {a.source} recorded change {a.n}, the journal "
                                                         f"has {len(hashes)} (cut, with its head rewritten to match)")
        if hashes[a.n - 1] != a.hash:
            return Verdict(len(hashes), a.n, f"change {a.n} is not the one {a.source} recorded (the trail was "
                                             "rewritten up to it)")
    return Verdict(len(hashes))


def _line_problem(raw: str, n: int, prev: str) -> str:
    try:
        obj = json.loads(raw)
        Entry.of(obj)
    except (ValueError, KeyError, TypeError):
        return "not a journal line (altered or cut)"
    if canonical(obj) != raw:
        return "not as mvkg writes it (altered)"
    if obj["n"] != n:
        return f"holds change {obj['n']} where change {n} belongs (a line was removed or the lines reordered)"
    if line_hash(obj) != obj["hash"]:
        return "its content does not match its hash (altered)"
    if obj["prev"] != prev:
        return f"does not follow line {n - 1} (a line before it was altered, removed or reordered)" if n > 1 \
            else "does not start the chain (altered)"
    return ""
