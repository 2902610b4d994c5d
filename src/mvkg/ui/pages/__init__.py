"""The pages of the analyst workspace, one module each; every page reads library results
(through ui.data and the library's view functions) and renders them, computing no verdict or
figure itself. `shared` holds what the pages have in common."""

from mvkg.ui.pages.audit_page import audit
from mvkg.ui.pages.compare_page import compare
from mvkg.ui.pages.corrections_page import corrections
from mvkg.ui.pages.graph_page import graph
from mvkg.ui.pages.obligations_page import obligations
from mvkg.ui.pages.ontology_page import ontology
from mvkg.ui.pages.overview_page import overview
from mvkg.ui.pages.snapshots_page import snapshots
from mvkg.ui.pages.sparql_page import sparql
from mvkg.ui.pages.standards_page import standards
from mvkg.ui.pages.validation_page import validation

__all__ = ("audit", "compare", "corrections", "graph", "obligations", "ontology",
           "overview", "snapshots", "sparql", "standards", "validation")
