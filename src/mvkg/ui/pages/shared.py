"""What every page shares: the workspace and build key, the portfolio picker, and the way
values are written on screen (percentages, verdict marks, text from data in markdown)."""

from __future__ import annotations

import re

import streamlit as st

from mvkg.inputs.portfolios import DEFAULT_PORTFOLIO
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace
from mvkg.ui import data

MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Text from data shown through st.markdown: every markdown/HTML special escaped."""
    return MD_SPECIAL.sub(r"\\\1", text)


def pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1f} %"


def mark(verdict: str) -> str:
    """A verdict as shown: its icon and name ("✔ covered"), never its colour alone."""
    return VOCABULARY.verdicts.get(verdict).mark


def verdict_of(shown: str) -> str:
    """The verdict a mark stands for ("✔ covered" → "covered")."""
    return next(c.notation for c in VOCABULARY.verdicts if c.mark == shown)


def context() -> tuple[Workspace, str]:
    """The workspace and its build key (building it on first start)."""
    ws = data.workspace()
    return ws, data.ensure_built(ws)


def portfolio_picker(ws: Workspace, key: str, where: str) -> str:
    """The portfolio a page judges against, shared between pages through the URL."""
    names = sorted(data.portfolios(str(ws.root), key))
    current = st.query_params.get("portfolio", DEFAULT_PORTFOLIO)
    index = names.index(current) if current in names else 0
    choice = st.selectbox("Portfolio", names, index=index, key=f"portfolio-{where}",
                          help="The set of catalogue entries whose coverage is judged.")
    st.query_params["portfolio"] = choice
    return choice
