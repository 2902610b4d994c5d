"""Showing a refused concurrent edit (inputs/versions.StaleEditError) on any page.

A page that edits a stored record (an assessment, a portfolio) keeps the `version` it read and
passes it to the write; when someone else changed the record meanwhile the library refuses the
write and nothing is stored. `show_conflict` tells the analyst so and shows, as plain text (never
Markdown: the values come from data), what is stored now beside what they tried to store."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mvkg.inputs.versions import StaleEditError

CONFLICT_TITLE = "Not saved: someone else changed this since you opened it"


def conflict_rows(exc: StaleEditError) -> list[dict[str, str]]:
    """One row per field that differs: the field, what is stored now, what you tried to store."""
    if exc.current is None:
        return [{"field": "(the whole record)", "stored now": "(removed)", "yours": "(your change)"}]
    return [{"field": d.field, "stored now": d.current, "yours": d.yours} for d in exc.differences]


def show_conflict(exc: StaleEditError) -> None:
    """The refusal and the difference, as text only. The caller should read the record again
    (and its new `version`) before offering the form again."""
    st.error(CONFLICT_TITLE)
    what = (f"{exc.what} was removed." if exc.current is None
            else f"{exc.what}: your version {exc.expected}, now {exc.version}.")
    st.text(what + " Nothing was written. Redo your change on what is stored now if it still applies.")
    st.dataframe(pd.DataFrame(conflict_rows(exc), columns=["field", "stored now", "yours"]), hide_index=True)
