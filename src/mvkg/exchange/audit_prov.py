"""The audit trail as W3C PROV-O (`mvkg audit export --format trig|ttl`).

Each change is a `prov:Activity` (`…/id/change/<line hash>`) that `prov:wasAssociatedWith` its
agent (`…/id/agent/<actor id>`, a `prov:Person`), `prov:used` the content each changed file had
before and `prov:generated` the content it had after. Contents are entities named by their
sha256 (`…/id/content/sha256-<hex>`) and `prov:specializationOf` the file (`…/id/file/<path>`);
a generated content `prov:wasDerivedFrom` the one it replaced. Each activity `prov:wasInformedBy`
the change before it (the journal's order). Every IRI is derived from the journal, so the same
journal always exports the same triples, with no blank nodes."""

from __future__ import annotations

from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef

from mvkg.kernel.audit import Entry
from mvkg.kernel.namespaces import DCTERMS, GRAPH, ID, MVKG, PROV

FORMATS = ("trig", "ttl")
AUDIT_GRAPH = GRAPH["audit"]


def activity_iri(e: Entry) -> URIRef:
    return ID["change/" + e.hash]


def agent_iri(actor_id: str) -> URIRef:
    return ID["agent/" + quote(actor_id, safe="")]


def content_iri(sha: str) -> URIRef:
    return ID["content/sha256-" + sha]


def file_iri(path: str) -> URIRef:
    return ID["file/" + quote(path, safe="/")]


def prov_graph(entries: list[Entry], g: Graph | None = None) -> Graph:
    g = Graph() if g is None else g
    previous = None
    for e in entries:
        act, agent = activity_iri(e), agent_iri(e.actor_id)
        g.add((act, RDF.type, PROV.Activity))
        g.add((act, RDFS.label, Literal(f"{e.kind} {e.key}".strip())))
        g.add((act, PROV.endedAtTime, Literal(e.at, datatype=XSD.dateTime)))
        g.add((act, PROV.wasAssociatedWith, agent))
        g.add((act, DCTERMS.identifier, Literal(str(e.n))))
        g.add((act, MVKG.hasWriteKind, MVKG["write-" + e.kind]))
        g.add((agent, RDF.type, PROV.Person))
        g.add((agent, RDFS.label, Literal(e.actor_name)))
        g.add((agent, DCTERMS.identifier, Literal(e.actor_id)))
        if previous is not None:
            g.add((act, PROV.wasInformedBy, previous))
        for f in e.files:
            where = file_iri(f.path)
            g.add((where, RDF.type, PROV.Entity))
            g.add((where, RDFS.label, Literal(f.path)))
            for sha, role in ((f.before, PROV.used), (f.after, PROV.generated)):
                if sha:
                    g.add((content_iri(sha), RDF.type, PROV.Entity))
                    g.add((content_iri(sha), PROV.specializationOf, where))
                    g.add((act, role, content_iri(sha)))
            if f.before and f.after:
                g.add((content_iri(f.after), PROV.wasDerivedFrom, content_iri(f.before)))
                g.add((content_iri(f.after), PROV.wasGeneratedBy, act))
            elif f.after:
                g.add((content_iri(f.after), PROV.wasGeneratedBy, act))
        previous = act
    return g


def export(entries: list[Entry], fmt: str = "trig") -> str:
    """The journal's changes as TriG (in the named graph …/graph/audit) or Turtle."""
    if fmt == "ttl":
        return prov_graph(entries).serialize(format="turtle")
    ds = Dataset()
    prov_graph(entries, ds.graph(AUDIT_GRAPH))
    for prefix, ns in (("prov", PROV), ("mvkg", MVKG), ("dcterms", DCTERMS), ("id", ID)):
        ds.bind(prefix, ns)
    return ds.serialize(format="trig")
