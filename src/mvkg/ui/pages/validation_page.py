"""Validation: the SHACL results, counts first, then grouped by resolution, severity and
theme, then every result with nothing cut off."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mvkg.analysis.views import validation_rows
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.ui import data
from mvkg.ui.pages.shared import context, portfolio_picker
from mvkg.ui.pages.tables import light_table


def validation() -> None:
    st.title("Validation")
    ws, key = context()
    portfolio = portfolio_picker(ws, key)
    _, results = data.run(str(ws.root), key, portfolio)
    themes, _ = data.themes_and_sdgs(str(ws.root), key)
    frame = pd.DataFrame(validation_rows(results, themes))
    if frame.empty:
        st.success("No results: everything conforms.")
        return
    severities = VOCABULARY.severities.notations
    for col, sev in zip(st.columns(len(severities)), severities):
        col.metric(sev.capitalize(), int((frame["severity"] == sev).sum()))
    st.subheader("By resolution and severity")
    light_table(frame.groupby(["resolution", "severity"]).size().rename("results").reset_index())
    st.subheader("By theme")
    by_theme = frame.assign(theme=frame["themes"].map(list)).explode("theme").dropna(subset=["theme"])
    light_table(by_theme.groupby(["theme", "severity"]).size().rename("results").reset_index())
    st.subheader(f"All {len(frame)} results")
    for sev in severities:
        part = frame[frame["severity"] == sev]
        if len(part):
            st.write(f"**{sev.capitalize()}** ({len(part)})")
            light_table(part.drop(columns=["severity"])[["message", "resolution", "section", "item", "verdict", "themes"]])
