"""mvkg analyst workspace (Streamlit). Run with `make run`, or `mvkg -w /path/to/workspace ui`.
Every page is a thin view over the mvkg library (src/mvkg/ui/pages/, one module a page). With
identity settings (.streamlit/secrets.toml [auth]) every page needs a login (mvkg.ui.login)."""

import streamlit as st

from mvkg.kernel.errors import MvkgError
from mvkg.ui import login, pages, reasoning_status
from mvkg.ui.pages.shared import show_error

st.set_page_config(page_title="mvkg", page_icon="🧭", layout="wide")
access = login.require_access()  # an anonymous visitor sees the login screen and nothing else

# The pages' Markdown tables (mvkg.ui.pages.tables) fit the page at any width: long words and
# addresses break where they must, so no cell runs past the right edge (800 px included).
TABLE_STYLE = """<style>
[data-testid="stMarkdownContainer"] table { display: table; max-width: 100%; }
[data-testid="stMarkdownContainer"] th, [data-testid="stMarkdownContainer"] td { overflow-wrap: anywhere; }
</style>"""

HOME = st.Page(pages.overview, title="Overview", url_path="home", default=True)  # served at /


def overview_address() -> None:
    """/overview: the Overview at its own address too (the default page is served at /)."""
    st.switch_page(HOME, query_params=st.query_params.to_dict())


PAGES = [
    HOME,
    st.Page(pages.obligations, title="Obligations", url_path="obligations"),
    st.Page(pages.corrections, title="Corrections", url_path="corrections"),
    st.Page(pages.standards, title="Standards & portfolios", url_path="standards"),
    st.Page(pages.validation, title="Validation", url_path="validation"),
    st.Page(pages.sparql, title="SPARQL", url_path="sparql"),
    st.Page(pages.snapshots, title="Snapshots", url_path="snapshots"),
    st.Page(pages.compare, title="Compare drafts", url_path="compare"),
    st.Page(pages.graph, title="Graph", url_path="graph"),
    st.Page(pages.ontology, title="Ontology", url_path="ontology"),
    st.Page(pages.audit, title="Audit", url_path="audit"),
    st.Page(overview_address, title="Overview", url_path="overview", visibility="hidden"),
]

page = st.navigation(PAGES, position="top")
st.html(TABLE_STYLE)  # a style only: it takes no place on the page
login.banner(access)
reasoning_status.show()  # "Reasoning… N%" while a write's reasoning still runs
try:
    page.run()
except MvkgError as exc:  # a clear message, never a traceback
    show_error(exc)
