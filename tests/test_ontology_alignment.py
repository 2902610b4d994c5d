"""The ELI alignment (ontology/eli.ttl): its axioms are there, every ELI term it uses is in
the shipped ELI 1.2 copy with the type given, and a client that knows only ELI finds the
built graph's resolutions, sections and clauses, and a nested item's parent, through the
sub-class and sub-property axioms published with the graph."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

from mvkg.kernel.lexicon import load_ontology_graph
from mvkg.kernel.namespaces import MVKG
from mvkg.query.store import open_read_only

ELI = Namespace("http://data.europa.eu/eli/ontology#")

# what a client that speaks ELI (and RDFS) would ask; the ontology is in the built graph
ELI_RESOURCES = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?kind (COUNT(DISTINCT ?r) AS ?n) WHERE {
  VALUES ?kind { eli:LegalResource eli:LegalResourceSubdivision }
  ?r a/rdfs:subClassOf* ?kind .
} GROUP BY ?kind
"""
ELI_PARTS = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?part ?whole WHERE { ?p rdfs:subPropertyOf* eli:is_part_of . ?part ?p ?whole . }
"""


def _vendor(resources) -> Graph:
    return Graph().parse(resources.ontology / "vendor" / "eli.nt", format="nt")


def test_alignment_axioms_and_eli_terms_exist_with_our_type(resources):
    g = load_ontology_graph(resources.ontology_files())
    assert (MVKG.Resolution, RDFS.subClassOf, ELI.LegalResource) in g
    assert (MVKG.Section, RDFS.subClassOf, ELI.LegalResourceSubdivision) in g
    assert (MVKG.Clause, RDFS.subClassOf, ELI.LegalResourceSubdivision) in g
    assert (MVKG.parentClause, RDFS.subPropertyOf, ELI.is_part_of) in g
    eli = _vendor(resources)
    used = {t for triple in g for t in triple if isinstance(t, URIRef) and t.startswith(str(ELI))}
    assert used == {ELI.LegalResource, ELI.LegalResourceSubdivision, ELI.is_part_of}
    for term in used:
        ours = set(g.objects(term, RDF.type)) & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
        assert ours and ours <= set(eli.objects(term, RDF.type)), term
    # the shipped copy is ELI 1.2, where a subdivision is itself a legal resource
    assert (ELI.LegalResourceSubdivision, RDFS.subClassOf, ELI.LegalResource) in eli
    assert str(eli.value(URIRef(str(ELI)), OWL.versionInfo)) == "1.2"


def test_obligations_are_not_made_legal_resources(resources):
    """inResolution and inSection also link obligations; they stay outside eli:is_part_of."""
    g = load_ontology_graph(resources.ontology_files())
    for p in (MVKG.inResolution, MVKG.inSection):
        assert (p, RDFS.subPropertyOf, ELI.is_part_of) not in g
    assert not any((MVKG.Obligation, RDFS.subClassOf, c) in g for c in (ELI.LegalResource, ELI.LegalResourceSubdivision))


def test_an_eli_client_finds_the_resolutions_and_their_parts(built):
    ws, _ = built
    store = open_read_only(ws)
    counts = {str(s["kind"].value): int(s["n"].value) for s in store.query(ELI_RESOURCES, use_default_graph_as_union=True)}
    resolutions = len(list(store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(MVKG.Resolution)))))
    clauses = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(MVKG.Clause)))}
    assert resolutions == 2 and len(clauses) > 30  # the seed workspace: ECP-MV and ATU-MV
    # subdivisions: every section and clause; legal resources: the resolutions (ELI's own
    # axiom, not restated in mvkg, makes the subdivisions legal resources as well)
    assert counts[str(ELI.LegalResourceSubdivision)] > len(clauses)
    assert counts[str(ELI.LegalResource)] == resolutions
    parts = [(s["part"], s["whole"]) for s in store.query(ELI_PARTS, use_default_graph_as_union=True)]
    assert parts and all(p in clauses and w in clauses for p, w in parts)
