"""mvkg: a policy-compliance knowledge graph for metaverse resolutions."""

__version__ = "0.1.0"

# Never let rdflib's SPARQL engine fetch graphs named in FROM / FROM NAMED (it does by default).
import rdflib.plugins.sparql as _rdflib_sparql

_rdflib_sparql.SPARQL_LOAD_GRAPHS = False
