"""The snapshot folder: where snapshots are stored, found, read, checked and cleaned.

Each snapshot is written into a hidden temporary folder (.tmp-*), fsynced, then renamed into
place in one step, so readers see a whole snapshot or none. The writer holds an advisory lock
on a file beside its temporary folder (.tmp-*.lock) for as long as it writes: a folder whose
lock nobody holds was left by an interrupted write, and the next successful write, or
`mvkg snapshot verify --clean`, removes it (a folder still being written is left alone).

Reading never trusts the files blindly: `load` refuses a snapshot.json that does not match
its manifest or cannot be parsed, `trig` refuses a damaged snapshot.trig, and `infos` lists a
damaged snapshot as damaged instead of failing on it."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from mvkg.kernel.errors import EXIT_CHECKS_FAILED, InputError, MvkgError
from mvkg.kernel.files import fsync_dir, sha256_bytes

SNAPSHOT_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{12}$")
FILES = ("snapshot.json", "snapshot.trig")
CREATED = "%Y-%m-%dT%H:%M:%S.%fZ"
_TMP = ".tmp-"
_LOCK = ".lock"
_ORPHAN_SECONDS = 60.0


class SnapshotNotFound(MvkgError):
    pass


class SnapshotDamaged(MvkgError):
    """A stored snapshot's files do not match its manifest or cannot be read."""

    exit_code = EXIT_CHECKS_FAILED


@dataclass(frozen=True)
class SnapshotInfo:
    id: str
    created: str
    label: str
    portfolio: str
    coverage_percent: float | None
    binding_percent: float | None
    counts: dict[str, int]
    damaged: str | None = None  # what is wrong with a damaged snapshot (its other fields are then empty)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "created": self.created, "label": self.label,
                                  "portfolio": self.portfolio, "coverage_percent": self.coverage_percent,
                                  "binding_coverage_percent": self.binding_percent, "counts": self.counts}
        if self.damaged:
            out["damaged"] = self.damaged
        return out


@dataclass(frozen=True)
class VerifyResult:
    id: str
    ok: bool
    problems: tuple[str, ...]


def check_id(snapshot_id: str) -> str:
    if not SNAPSHOT_ID.match(snapshot_id):
        raise InputError(f"{snapshot_id!r} is not a snapshot id (like 20261122T054512Z-3fa9c2d81b07)")
    return snapshot_id


def content_id(content: dict) -> str:
    body = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)  # = json.dumps(sort_keys, no spaces, UTF-8)
    stamp = datetime.strptime(content["created"], CREATED).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{hashlib.sha256(body).hexdigest()[:12]}"


def _damaged_info(snapshot_id: str, problem: str) -> SnapshotInfo:
    created = datetime.strptime(snapshot_id[:16], "%Y%m%dT%H%M%SZ").strftime(CREATED)
    return SnapshotInfo(snapshot_id, created, f"DAMAGED: {problem}", "", None, None, {}, problem)


def _unlocked(lock: Path) -> int | None:
    """An open descriptor holding the lock at `lock` (None when a writer holds it). A missing
    lock file counts as free: nobody can be writing under it."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return os.open(os.devnull, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@dataclass(frozen=True)
class SnapshotStore:
    folder: Path

    def path(self, snapshot_id: str) -> Path:
        return self.folder / check_id(snapshot_id)

    def ids(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if p.is_dir() and SNAPSHOT_ID.match(p.name))

    # -------------------------------------------------------------- reading

    def _manifest(self, snapshot_id: str) -> dict:
        try:
            manifest = json.loads((self.path(snapshot_id) / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SnapshotDamaged(f"snapshot {snapshot_id} is damaged: manifest.json is unreadable ({exc})") from None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
            raise SnapshotDamaged(f"snapshot {snapshot_id} is damaged: manifest.json lists no files")
        return manifest

    def _checked_bytes(self, snapshot_id: str, name: str) -> bytes:
        """A snapshot file's bytes, refused unless they match the manifest's sha256."""
        path = self.path(snapshot_id) / name
        if not path.is_file():
            if not self.path(snapshot_id).is_dir():
                raise SnapshotNotFound(f"no snapshot {snapshot_id} in {self.folder}")
            raise SnapshotDamaged(f"snapshot {snapshot_id} is damaged: {name} is missing; run `mvkg snapshot verify`")
        data = path.read_bytes()
        if sha256_bytes(data) != self._manifest(snapshot_id)["files"].get(name):
            raise SnapshotDamaged(f"snapshot {snapshot_id} is damaged: {name} does not match its sha256 in the "
                                  "manifest (truncated or changed); run `mvkg snapshot verify`")
        return data

    def load(self, snapshot_id: str) -> dict:
        """The snapshot's content (snapshot.json), after checking it against the manifest."""
        data = self._checked_bytes(snapshot_id, "snapshot.json")
        try:
            body = json.loads(data)
        except ValueError as exc:
            raise SnapshotDamaged(f"snapshot {snapshot_id} is damaged: snapshot.json is not valid JSON ({exc})") from None
        if not isinstance(body, dict) or body.get("id") != snapshot_id:
            raise SnapshotDamaged(f"snapshot {snapshot_id} is damaged: snapshot.json is not this snapshot's record")
        return body

    def trig(self, snapshot_id: str) -> str:
        """The snapshot as TriG, after checking it against the manifest."""
        return self._checked_bytes(snapshot_id, "snapshot.trig").decode("utf-8")

    def resolve(self, ref: str) -> str:
        """A full id, a unique prefix of one, or 'latest'."""
        ids = self.ids()
        if ref == "latest":
            if not ids:
                raise SnapshotNotFound(f"no snapshots in {self.folder}")
            return ids[-1]
        if SNAPSHOT_ID.match(ref) and ref in ids:
            return ref
        if not re.fullmatch(r"[0-9A-Za-z-]{4,40}", ref):
            raise InputError(f"{ref!r} is not a snapshot id")
        found = [i for i in ids if i.startswith(ref) or i.endswith(ref)]
        if len(found) != 1:
            raise SnapshotNotFound(f"{'no' if not found else 'more than one'} snapshot matches {ref!r}")
        return found[0]

    def info(self, snapshot_id: str) -> SnapshotInfo:
        """A snapshot's line in the history; a damaged snapshot gives a line saying so."""
        try:
            body = self.load(snapshot_id)
            s = body["summary"]
            return SnapshotInfo(snapshot_id, body["created"], body["label"], body["portfolio"]["name"],
                                s["coverage_percent"], s["binding"]["coverage_percent"], s["counts"])
        except SnapshotDamaged as exc:
            return _damaged_info(snapshot_id, exc.message.split(" is damaged: ", 1)[-1])
        except (KeyError, TypeError) as exc:
            return _damaged_info(snapshot_id, f"snapshot.json lacks {exc}")

    def infos(self, portfolio: str | None = None) -> list[SnapshotInfo]:
        """Every snapshot's line, oldest first (damaged ones included and marked, unless a
        portfolio is asked for: then only that portfolio's readable snapshots)."""
        out = [self.info(i) for i in self.ids()]
        if portfolio:
            out = [i for i in out if i.portfolio == portfolio and not i.damaged]
        return sorted(out, key=lambda x: (x.created, x.id))

    # -------------------------------------------------------------- writing

    def write(self, content: dict, trig: bytes, snapshot_id: str) -> str:
        """Store a snapshot whose id is `content_id(content)` (already computed for the TriG).
        After it is in place, folders left by interrupted writes are removed."""
        final = self.path(snapshot_id)
        body = {"id": snapshot_id, **content}
        files = {"snapshot.json": orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n",  # = json.dumps(indent=2)
                 "snapshot.trig": trig}
        manifest = {"id": snapshot_id, "files": {n: sha256_bytes(d) for n, d in files.items()}}
        files["manifest.json"] = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
        self.folder.mkdir(parents=True, exist_ok=True)
        lock_fd, lock_name = tempfile.mkstemp(prefix=_TMP, suffix=_LOCK, dir=self.folder)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)  # held while the folder beside it is written
            tmp = Path(lock_name[: -len(_LOCK)])
            tmp.mkdir(mode=0o755)
            self._write_into(tmp, final, files, snapshot_id)
        finally:
            Path(lock_name).unlink(missing_ok=True)
            os.close(lock_fd)
        self.clean_leftovers()
        return snapshot_id

    def _write_into(self, tmp: Path, final: Path, files: dict[str, bytes], snapshot_id: str) -> None:
        try:
            for name, data in files.items():
                with open(tmp / name, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
            fsync_dir(tmp)
            try:
                os.rename(tmp, final)
            except OSError:
                if final.is_dir() and self.verify_one(snapshot_id).ok:
                    shutil.rmtree(tmp)  # the same content was written by someone else: done
                    return
                raise
            fsync_dir(self.folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    # -------------------------------------------------------------- checking and cleaning

    def verify_one(self, snapshot_id: str) -> VerifyResult:
        folder = self.path(snapshot_id)
        problems = []
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            files = manifest.get("files", {})
        except (OSError, ValueError, AttributeError) as exc:
            return VerifyResult(snapshot_id, False, (f"manifest.json unreadable: {exc}",))
        if manifest.get("id") != snapshot_id:
            problems.append("manifest names another id")
        for name in FILES:
            path = folder / name
            if not path.is_file():
                problems.append(f"{name} is missing")
            elif sha256_bytes(path.read_bytes()) != (files.get(name) if isinstance(files, dict) else None):
                problems.append(f"{name} does not match its sha256 in the manifest")
        if not problems:
            try:
                body = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
                content = {k: v for k, v in body.items() if k != "id"}
                if content_id(content) != snapshot_id or body.get("id") != snapshot_id:
                    problems.append("content does not hash to the snapshot id")
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                problems.append(f"snapshot.json is not a snapshot record ({exc})")
        return VerifyResult(snapshot_id, not problems, tuple(problems))

    def verify(self, snapshot_id: str | None = None) -> list[VerifyResult]:
        ids = [self.resolve(snapshot_id)] if snapshot_id else self.ids()
        return [self.verify_one(i) for i in ids]

    def leftovers(self) -> list[Path]:
        """Hidden temporary folders: snapshots being written, or left by interrupted writes."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob(_TMP + "*") if p.is_dir())

    def in_use(self, leftover: Path) -> bool:
        """Whether a writer is still writing this temporary folder (it holds its lock)."""
        fd = _unlocked(leftover.with_name(leftover.name + _LOCK))
        if fd is None:
            return True
        os.close(fd)
        return False

    def clean_leftovers(self) -> list[Path]:
        """Remove what interrupted writes left (temporary folders whose writer is gone, and
        their lock files); folders still being written are kept. Returns what was removed."""
        removed = []
        for tmp in self.leftovers():
            lock = tmp.with_name(tmp.name + _LOCK)
            fd = _unlocked(lock)
            if fd is None:
                continue
            try:
                shutil.rmtree(tmp, ignore_errors=True)
                lock.unlink(missing_ok=True)
                removed.append(tmp)
            finally:
                os.close(fd)
        for lock in self.folder.glob(_TMP + "*" + _LOCK) if self.folder.is_dir() else []:
            orphan = not Path(str(lock)[: -len(_LOCK)]).exists()  # a writer killed before it made its folder
            if orphan and time.time() - lock.stat().st_mtime > _ORPHAN_SECONDS:  # (a young one may be about to)
                fd = _unlocked(lock)
                if fd is not None:
                    with contextlib.suppress(FileNotFoundError):
                        lock.unlink()
                    os.close(fd)
        return removed
