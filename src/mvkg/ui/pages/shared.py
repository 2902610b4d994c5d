"""What every page shares: the workspace and build key, the session's portfolio, dropdowns
that follow the URL, the way a write is shown (the page read again, its message kept), and
the way values are written on screen. Text that comes from data is always shown as text: in
widgets that render no Markdown (st.text, st.code, dataframes, dropdown options), or escaped
(`md_escape`) where Streamlit renders Markdown (headings, st.write, captions, alerts, the
Markdown tables of `tables.light_table`), so no data can make a reader's browser fetch anything."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from mvkg.inputs.portfolios import DEFAULT_PORTFOLIO
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace
from mvkg.ui import data

MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:&=\"'"  # each one is written with a backslash before it
MD_ESCAPES = str.maketrans({c: "\\" + c for c in MD_SPECIAL})  # str.translate: a regex cost more on every cell
PORTFOLIO = "portfolio"  # the session's portfolio (session state and URL)
PORTFOLIO_WIDGET = "portfolio-picker"
FLASH = "flash"  # what to say when the page is read again: a write's message, or the last run's messages
SAID = "flash-said"  # the messages this run of the page has shown: [(kind, text)]


def md_escape(text: object) -> str:
    """Text from data shown through st.markdown: every markdown/HTML special escaped. A list
    of values is joined with "; " (labels may hold commas)."""
    if isinstance(text, (list, tuple)):
        text = "; ".join(str(t) for t in text)
    return ("" if text is None else str(text)).translate(MD_ESCAPES)


def pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1f} %"


def mark(verdict: str) -> str:
    """A verdict as shown: its icon and name ("✔ covered"), never its colour alone."""
    return VOCABULARY.verdicts.get(verdict).mark


def verdict_of(shown: str) -> str:
    """The verdict a mark stands for ("✔ covered" → "covered")."""
    return next(c.notation for c in VOCABULARY.verdicts if c.mark == shown)


def shown_as(labels: Mapping[str, str]) -> Callable[[str], str]:
    """A widget's `format_func`: an option's label, or the option itself when it has none."""
    return lambda option: labels.get(option, option)


def context() -> tuple[Workspace, str]:
    """The workspace and its build key (building it on first start)."""
    ws = data.workspace()
    return ws, data.ensure_built(ws)


# ------------------------------------------------------------------ showing text from data


def show_error(exc: MvkgError) -> None:
    """An error in plain sight (its text may quote data, so it is escaped), kept like every
    message through a rerun the analyst did not ask for (`say`)."""
    say("error", exc.describe())


# ------------------------------------------------------------------ writes


def after_write(message: str, *caches: Callable) -> None:
    """A write succeeded: read the page again, the message shown at its top (so nothing on the
    page predates the write). Nothing cached needs forgetting: every cached read is keyed by the
    build (`data.build_key`, the manifest's sha256, which a write changes with the inputs' hashes),
    so the page reads the new build, and the other sessions keep what they read of the builds
    they still show instead of reading it again. `caches`: any cache keyed otherwise, to clear."""
    for cached in caches:
        cached.clear()  # type: ignore[attr-defined]
    st.session_state[FLASH] = message
    st.rerun()


def say(kind: str, text: str) -> None:
    """A message about what the analyst just did (a write's success, a refusal, an error), shown
    as text (`kind`: success, info, warning or error) and remembered for this run of the page,
    so a rerun the analyst did not ask for says it again (`keep_messages`). A message already
    said in this run (carried over, and the page says it again) is shown once."""
    said = st.session_state.setdefault(SAID, [])
    if (kind, text) in said:
        return
    said.append((kind, text))
    getattr(st, kind)(md_escape(text))


def flash() -> None:
    """What the last run left to say, once: a write's message (`after_write`), or every message
    of a run the app read again by itself (`keep_messages`)."""
    carried = st.session_state.pop(FLASH, None)
    for kind, text in [("success", carried)] if isinstance(carried, str) else carried or []:
        say(kind, text)


def new_run() -> None:
    """Once per run of the whole page, above it: nothing said yet, then what the last run left,
    in a slot that is there on every run (empty or not), so a message does not shift the page's
    elements to new places in its element tree (the browser would draw every one of them anew)."""
    st.session_state[SAID] = []
    with st.container():
        flash()


def keep_messages() -> None:
    """Before the app reads the page again by itself (the reasoning of a write has finished):
    what this run said is said again, so a refusal or an error stays in sight."""
    said = st.session_state.get(SAID)
    if said:
        st.session_state[FLASH] = list(said)


# ------------------------------------------------------------------ dropdowns that follow the URL


def url_choice(label: str, options: Sequence[str], key: str, param: str, *, default: str | None = None,
               format_func: Callable[[str], str] = str, missing: Callable[[str], str] | None = None) -> str | None:
    """A dropdown whose choice is kept in the session (under `key`) and written to the URL
    (`?param=`). The URL chooses only when the session has not chosen yet (a shared link); an
    unknown value there is named (`missing(value)`), nothing else is shown in its place, and
    the URL keeps it until the user picks something. A choice the options no longer hold (the
    user narrowed them) gives way to `default`."""
    asked = st.query_params.get(param)
    if key not in st.session_state:
        st.session_state[key] = asked if asked in options else (None if asked else default)
    elif st.session_state[key] is not None and st.session_state[key] not in options:
        st.session_state[key] = default if default in options else None
    if st.session_state[key] is None and asked and asked not in options and missing is not None:
        st.warning(md_escape(missing(asked)))
    choice = st.selectbox(label, options, key=key, format_func=format_func, index=None,
                          placeholder="Choose one")
    if choice is not None:
        st.query_params[param] = choice
    return choice


def portfolio_picker(ws: Workspace, key: str, label: str = "Portfolio") -> str:
    """The portfolio the page judges against: one for the whole session (chosen on any page,
    kept on every other), in the URL (`?portfolio=`). An unknown one in the URL is named and
    the page stops there, so no other portfolio's figures stand in for it."""
    found = data.portfolios(str(ws.root), key)
    names = sorted(found)
    asked = st.query_params.get(PORTFOLIO)
    if PORTFOLIO not in st.session_state:
        st.session_state[PORTFOLIO] = asked if asked else DEFAULT_PORTFOLIO
    current = st.session_state[PORTFOLIO]
    st.session_state[PORTFOLIO_WIDGET] = current if current in names else None

    def chosen() -> None:
        st.session_state[PORTFOLIO] = st.session_state[PORTFOLIO_WIDGET]

    def named(name: str) -> str:
        shown = found[name][0].label
        return f"{shown} ({name})" if shown != name else name

    choice = st.selectbox(label, names, key=PORTFOLIO_WIDGET, format_func=named, on_change=chosen, index=None,
                          placeholder="Choose a portfolio", help="The set of catalogue entries whose coverage is judged.")
    if choice is None:
        st.error(md_escape(f"There is no portfolio named '{current}' in this workspace; choose one above.")
                 if current else "Choose a portfolio above.")
        st.query_params[PORTFOLIO] = current or ""
        st.stop()
    st.query_params[PORTFOLIO] = choice
    return choice
