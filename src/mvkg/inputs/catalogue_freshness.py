"""When a catalogue entry's facts were last verified, and whether they are stale.

An entry is stale when its `checked` date (the day its status, date and URL were verified on
the publisher's own page) is older than the window in data/catalogue/freshness.toml
(`stale_after_days`), or when it was never checked. "Today" is always passed in, so tests and
snapshots (judged on the day they were taken) choose it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta

from mvkg.kernel.errors import InputError
from mvkg.kernel.workspace import Workspace

FRESHNESS_FILE = "freshness.toml"
DEFAULT_STALE_AFTER_DAYS = 183  # a workspace without the file: six months


@dataclass(frozen=True)
class Freshness:
    checked: str  # yyyy-mm-dd or ""
    stale: bool
    note: str  # "checked 2026-11-30", "stale: last checked 2025-01-02", "stale: never checked"


def stale_after_days(ws: Workspace) -> int:
    """The window from data/catalogue/freshness.toml (the default when the file is absent)."""
    path = ws.catalogue_dir / FRESHNESS_FILE
    if not path.is_file():
        return DEFAULT_STALE_AFTER_DAYS
    try:
        value = tomllib.loads(path.read_text(encoding="utf-8")).get("stale_after_days", DEFAULT_STALE_AFTER_DAYS)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid TOML: {exc}", path=path) from None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError("stale_after_days must be a whole number of days (at least 1)", path=path)
    return value


def freshness(checked: str, today: date, days: int) -> Freshness:
    """Whether facts checked on `checked` (yyyy-mm-dd or "") are stale on `today`."""
    if not checked:
        return Freshness("", True, "stale: never checked")
    try:
        when = date.fromisoformat(checked[:10])
    except ValueError:
        return Freshness(checked, True, f"stale: check date {checked!r} unreadable")
    if today - when > timedelta(days=days):
        return Freshness(checked, True, f"stale: last checked {checked}")
    return Freshness(checked, False, f"checked {checked}")


def freshness_by_id(entries, today: date, days: int) -> dict[str, Freshness]:
    """Entry id -> its freshness, for anything with `id` and `checked` (catalogue Entry objects)."""
    return {e.id: freshness(e.checked, today, days) for e in entries}
