"""IRIs and ids used across mvkg: namespaces, named graphs, and the stable ids derived from
names (no random ids). Only constants and pure functions: no mutable module state."""

from __future__ import annotations

import re

from rdflib import Namespace

BASE = "https://w3id.org/mvkg/"
MVKG = Namespace(BASE + "ontology#")
THEME = Namespace(BASE + "theme/")
TOPIC = Namespace(BASE + "topic/")
ACTOR = Namespace(BASE + "actor/")
VERB = Namespace(BASE + "verb/")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
SDG = Namespace("http://metadata.un.org/sdg/")

SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")

ONTOLOGY_GRAPH = GRAPH["ontology"]


def slugify(text: str) -> str:
    """The id form of a name: lower case, runs of anything but a-z and 0-9 as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def obligation_iri(short_id: str) -> str:
    """`atu-mv/resolves/para_g` → the obligation's IRI."""
    return str(ID[short_id.strip("/")]) + "/obligation"


def short_id(obligation: str) -> str:
    """An obligation's IRI → its short id (after /id/, without /obligation)."""
    return obligation.removeprefix(str(ID)).removesuffix("/obligation")


def resolution_graph(code_slug: str):
    """Named graph holding one resolution's clauses and obligations."""
    return GRAPH["resolution/" + code_slug]


def portfolio_graph_iri(name: str):
    """Named graph holding one portfolio and its members: a validation reads the data
    graphs plus exactly one of these."""
    return GRAPH["portfolio/" + name]


def portfolio_node(name: str) -> str:
    """The portfolio itself (the subject of every triple in its graph)."""
    return str(ID["portfolio/" + name])


PREFIXES = {
    "mvkg": str(MVKG),
    "theme": str(THEME),
    "topic": str(TOPIC),
    "actor": str(ACTOR),
    "verb": str(VERB),
    "id": str(ID),
    "sdg": str(SDG),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
