"""Audit: the workspace's audit trail (data/audit/journal.jsonl), newest change first, whether it
is intact, and one change in full. Everything here comes from data and is shown as text, never
as Markdown."""

from __future__ import annotations

import streamlit as st

from mvkg.history.audit_anchors import verify_trail
from mvkg.history.snapshots import SnapshotStore, default_folder
from mvkg.kernel.audit import Journal
from mvkg.kernel.errors import MvkgError
from mvkg.render.audit import entry_row, entry_text, verdict_text
from mvkg.ui import data
from mvkg.ui.pages.shared import show_error
from mvkg.ui.pages.tables import light_table

SHOWN = 200  # changes listed at once (the newest)


def audit() -> None:
    st.title("Audit trail")
    ws = data.workspace()
    journal = Journal(ws)
    verdict = verify_trail(ws, SnapshotStore(default_folder(ws)))  # the snapshots' recorded heads too
    st.text(verdict_text(verdict, ws.relative(journal.path)).strip())  # text, never Markdown
    try:
        entries = journal.entries()
    except MvkgError as exc:
        show_error(exc)
        return
    if not entries:
        st.info("No changes recorded yet.")
        return
    newest = list(reversed(entries))[:SHOWN]
    st.caption(f"{len(entries)} change(s); the newest {len(newest)} first. Each line names who, when, the kind "
               "of write, the record and the files it changed.")
    light_table([entry_row(e) for e in newest])
    numbers = [e.n for e in newest]
    chosen = st.selectbox("Change", numbers, key="audit-change")
    found = next(e for e in newest if e.n == chosen)
    st.text(entry_text(found))  # text, never Markdown
