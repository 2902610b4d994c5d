"""The audit trail checked against the heads recorded outside it: each snapshot records the
journal's head when it is taken, and an operator may keep heads printed by `mvkg audit head`
(in a ticket, a mail, another repository). Cutting the journal and rewriting its head.json to
match passes the journal's own check, but not these."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mvkg.history.snapshot_store import SnapshotDamaged, SnapshotStore
from mvkg.kernel.audit import Anchor, Journal, Verdict
from mvkg.kernel.errors import InputError
from mvkg.kernel.workspace import Workspace


def recorded_heads(store: SnapshotStore) -> list[Anchor]:
    """The heads the readable snapshots recorded (a damaged one is `snapshot verify`'s business;
    one without a head was taken before the workspace had a trail)."""
    out = []
    for snapshot_id in store.ids():
        try:
            head = store.load(snapshot_id).get("audit")
            if isinstance(head, dict):
                out.append(Anchor(int(head["n"]), str(head["hash"]), f"snapshot {snapshot_id}"))
        except (SnapshotDamaged, KeyError, TypeError, ValueError):
            continue
    return out


def anchors_in_file(path: Path) -> list[Anchor]:
    """The heads kept in a file, one `N:HASH` per line (`#` starts a comment); a line that is
    not one is an error naming it."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if text:
            try:
                out.append(Anchor.parse(text, f"{path.name} line {n}"))
            except InputError as exc:
                raise InputError(exc.message, path=path, line=n) from None
    return out


def verify_trail(ws: Workspace, store: SnapshotStore | None = None, anchors: Iterable[Anchor] = ()) -> Verdict:
    """The journal's own check, then every given anchor and every head a snapshot in `store` recorded."""
    return Journal(ws).verify([*anchors, *(recorded_heads(store) if store else [])])
