"""What-if: a hypothetical proposed standard and the obligations it would cover, as RDF to
judge (through mvkg.incremental.LiveValidation.move_to) before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from mvkg.inputs.assessments import obligation_iri
from mvkg.inputs.catalogue import entry_iri
from mvkg.kernel.errors import InputError
from mvkg.kernel.namespaces import ID, MVKG


@dataclass(frozen=True)
class Hypothetical:
    id: str
    title: str
    status: str  # usually "proposed"
    themes: tuple[str, ...]  # theme IRIs
    publisher: str  # actor IRI
    covers: tuple[tuple[str, str], ...]  # (obligation short id, relation)


def hypothetical_graph(h: Hypothetical) -> Graph:
    if not h.id.strip():
        raise InputError("a hypothetical standard needs an id")
    g = Graph()
    e = URIRef(entry_iri(h.id))
    g.add((e, RDF.type, MVKG.Standard))
    g.add((e, MVKG.identifier, Literal(h.id)))
    g.add((e, MVKG.title, Literal(h.title or h.id)))
    g.add((e, RDFS.label, Literal(f"{h.id}: {h.title} (hypothetical)")))
    g.add((e, MVKG.entryStatus, MVKG["status-" + h.status]))
    g.add((e, MVKG.kind, MVKG["kind-standard"]))
    g.add((e, MVKG.publisher, URIRef(h.publisher)))
    g.add((e, MVKG.sourceUrl, Literal("urn:mvkg:what-if", datatype=XSD.anyURI)))
    g.add((e, MVKG.note, Literal("hypothetical entry (what-if, not saved)")))
    for t in h.themes:
        g.add((e, MVKG.hasTheme, URIRef(t)))
    for short, relation in h.covers:
        a = URIRef(str(ID[f"assessment/whatif/{short}"]))
        g.add((a, RDF.type, MVKG.CoverageAssessment))
        g.add((a, MVKG.assessedObligation, URIRef(obligation_iri(short))))
        g.add((a, MVKG.coveredBy, e))
        g.add((a, MVKG.relation, MVKG["relation-" + relation]))
        g.add((a, MVKG.rationale, Literal("what-if: assumed by the analyst")))
        g.add((a, MVKG.assessor, Literal("what-if")))
        g.add((a, MVKG.assessedOn, Literal("2000-01-01", datatype=XSD.date)))
    return g
