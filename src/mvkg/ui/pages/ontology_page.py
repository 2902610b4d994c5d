"""Ontology: the generated documentation of the ontology (the pages `make docs` writes to
build/docs/ontology: classes and properties, themes, topics, actors, verbs, SDGs, value
schemes), shown inside the app. Links between its pages stay on this page (?doc=NAME); the
pages are made by mvkg.render.ontology_docs, once per build and shared by every session."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from mvkg.kernel.workspace import Workspace
from mvkg.render.ontology_docs import app_body, workspace_pages
from mvkg.ui import data
from mvkg.ui.pages.shared import context

DEFAULT = "index"


@st.cache_data(max_entries=2, show_spinner="Documenting the ontology…")
def _pages(root: str, key: str) -> dict[str, tuple[str, str]]:
    """{page name: (title, body)} for the workspace at `root` at build `key`."""
    return {p.name: (p.title, app_body(p)) for p in workspace_pages(data.resources(), Workspace(Path(root)))}


def ontology() -> None:
    st.title("Ontology")
    ws, key = context()
    pages = _pages(str(ws.root), key)
    wanted = st.query_params.get("doc", DEFAULT)
    name = wanted if wanted in pages else DEFAULT
    st.caption("Every class, property and concept of mvkg's ontology with its definition, examples, sources and "
               "where it is used. The same pages as files: `make docs` writes them to build/docs/ontology.")
    st.html(pages[name][1])
