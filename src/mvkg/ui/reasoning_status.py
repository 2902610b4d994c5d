"""The app's word on the reasoning of the last write (graph/pending.py): while the reasoner still
runs after a write that changed its input (a resolution, a correction, imported RDF), every page
says "Reasoning… N%" above its content, which is then provisional, and the notice refreshes
itself; when the reasoner's answer is committed the whole page is read again, and what the page
said about the write (its success, a refusal, an error: `shared.say`) is said again, so an
analyst who looked away still sees it (above the notice, where `shared.flash` says what the last
run left to say). A reasoning whose worker died (the server was killed) is started again here,
once: the workspace lock keeps it from running twice. The state is the workspace's
(build/manifest.json), never this process's."""

from __future__ import annotations

import streamlit as st

from mvkg.graph.pending import ReasoningStatus, reasoning_status, resume
from mvkg.ui import data
from mvkg.ui.pages.shared import keep_messages, md_escape, new_run

REFRESH_SECONDS = 1.5
SEEN = "reasoning-pending-seen"  # session: the key of the pending reasoning this session showed


def show() -> None:
    """Call once per run, above the page. Refreshes itself only while reasoning is pending."""
    new_run()
    status = _status()
    # this run reads the page after this point, so only a later refresh reruns it (a rerun from here
    # would lose the click that started this run)
    st.session_state.pop(SEEN, None)
    st.fragment(_notice, run_every=REFRESH_SECONDS if status.pending is not None and not status.failed else None)()


def _status() -> ReasoningStatus:
    ws = data.workspace()
    status = reasoning_status(ws)
    if status.stalled and resume(ws, data.resources()) is not None:
        status = reasoning_status(ws)
    return status


def _notice() -> None:
    status = _status()
    pending = status.pending
    if pending is None:
        if st.session_state.pop(SEEN, None) is not None:
            keep_messages()
            st.rerun(scope="app")  # the reasoner's answer is in: every part of the page reads it
        return
    st.session_state[SEEN] = pending.key
    if status.failed:
        st.error(md_escape(f"The reasoner failed after '{pending.write}': {status.failed}. The inferred types are "
                           "provisional until the input is fixed (or run `mvkg build` to see the error)."))
        return
    done = f" {status.progress}%" if pending.expected else ""  # an estimate from the reasoner's last run
    st.info(md_escape(f"Reasoning…{done} (after '{pending.write}'). The page shows the write already; the types "
                      "the reasoner infers follow when it has finished, and snapshots wait for it."), icon="⏳")
    st.progress(status.progress / 100)
