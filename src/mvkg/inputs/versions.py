"""Versions of stored records, so two analysts editing the same record never lose an update
silently.

A record's version is a short content hash of what is stored (an assessment's row, a
portfolio's file): no extra column, nothing to keep in step. A reader gets it with the
record; a write that names the version it started from (`expected`) is refused with
`StaleEditError` when the stored record changed meanwhile, and nothing is written. The
check runs inside the write, under the workspace lock (graph/update.py), so no other write
can slip in between the check and the rename."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from mvkg.kernel.errors import InputError
from mvkg.kernel.files import sha256_bytes

VERSION_CHARS = 16  # hex digits of the sha256 kept: enough to tell two contents apart


def content_version(data: bytes) -> str:
    """The version of a stored record's bytes."""
    return sha256_bytes(data)[:VERSION_CHARS]


def row_version(row: Mapping[str, str], columns: tuple[str, ...]) -> str:
    """The version of a CSV row: its values in column order (an empty column and a missing one
    are the same)."""
    return content_version(json.dumps([row.get(c, "") or "" for c in columns], ensure_ascii=False).encode("utf-8"))


@dataclass(frozen=True)
class FieldDifference:
    field: str
    current: str  # what is stored now
    yours: str  # what the refused write would have stored


def difference(current: Mapping[str, object] | None, yours: Mapping[str, object] | None) -> tuple[FieldDifference, ...]:
    """The fields where what is stored now and what the refused write wanted differ (a record
    removed meanwhile, or removed by the refused write, has every field empty on that side)."""
    now, mine = dict(current or {}), dict(yours or {})
    out = []
    for key in list(now) + [k for k in mine if k not in now]:
        a, b = _text(now.get(key)), _text(mine.get(key))
        if a != b:
            out.append(FieldDifference(key, a, b))
    return tuple(out)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


class StaleEditError(InputError):
    """The record changed (or went) since the writer read it: nothing was written. Carries what is
    stored now (`current`, None when it was removed), its `version`, and the `differences`
    between it and what this write would have stored."""

    def __init__(self, what: str, expected: str, version: str | None, current: Mapping[str, object] | None,
                 differences: tuple[FieldDifference, ...]):
        self.what, self.expected, self.version = what, expected, version
        self.current = dict(current) if current is not None else None
        self.differences = differences
        if current is None:
            message = f"{what} was removed by someone else since you read it (version {expected}); nothing was written"
        else:
            message = (f"{what} was changed by someone else since you read it (your version {expected}, now {version}); "
                       "nothing was written. Read it again and redo your change if it still applies. Now stored vs yours: "
                       + ("; ".join(f"{d.field}: {d.current!r} vs {d.yours!r}" for d in differences) or "no field differs"))
        super().__init__(message)

    def difference_lines(self) -> list[str]:
        """The difference as plain text lines (field, now stored, yours), for a page or a terminal."""
        if self.current is None:
            return [f"{self.what} is no longer stored."]
        return [f"{d.field}: now {d.current!r}; yours {d.yours!r}" for d in self.differences] or ["no field differs"]


def check(what: str, expected: str | None, version: str | None, current: Mapping[str, object] | None,
          yours: Mapping[str, object] | None) -> None:
    """Refuse the write (StaleEditError) when the writer started from `expected` and the stored
    record is now at `version` (None: no longer stored). No `expected`: no check (last writer wins,
    as before versions)."""
    if expected is None or expected.strip() == version:
        return
    raise StaleEditError(what, expected.strip(), version, current, difference(current, yours) if current is not None else ())
