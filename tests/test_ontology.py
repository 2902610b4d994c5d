"""The ontology and its concept schemes: labels, definitions, no punning, SKOS hygiene,
the lexicon compiles, the SDGs carry UN IRIs, nothing is imported."""

from __future__ import annotations

import re

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from mvkg.kernel.lexicon import load_ontology_graph
from mvkg.kernel.namespaces import MVKG, SKOS

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
ENTITY_TYPES = (OWL.Class, *PROPERTY_TYPES, OWL.NamedIndividual)


@pytest.fixture(scope="module")
def onto(resources) -> Graph:
    return load_ontology_graph(resources.ontology_files())


def _own_terms(g: Graph):
    for t in ENTITY_TYPES:
        for s in g.subjects(RDF.type, t):
            if isinstance(s, URIRef) and str(s).startswith("https://w3id.org/mvkg/"):
                yield s


def test_ontology_header(onto):
    header = URIRef("https://w3id.org/mvkg/ontology")
    assert (header, RDF.type, OWL.Ontology) in onto
    assert onto.value(header, OWL.versionInfo) is not None
    assert not list(onto.triples((None, OWL.imports, None)))


def test_every_own_term_has_label_and_definition(onto):
    missing = [s for s in set(_own_terms(onto))
               if not (onto.value(s, RDFS.label) or onto.value(s, SKOS.prefLabel))
               or not onto.value(s, SKOS.definition)]
    assert missing == []


def test_no_punning(onto):
    classes = set(onto.subjects(RDF.type, OWL.Class))
    individuals = set(onto.subjects(RDF.type, OWL.NamedIndividual))
    props = {t: set(onto.subjects(RDF.type, t)) for t in PROPERTY_TYPES}
    assert classes & individuals == set()
    assert props[OWL.ObjectProperty] & props[OWL.DatatypeProperty] == set()
    assert props[OWL.ObjectProperty] & props[OWL.AnnotationProperty] == set()


def test_every_used_property_is_declared(onto):
    declared = {s for t in PROPERTY_TYPES for s in onto.subjects(RDF.type, t)}
    builtin = {RDF.type, RDFS.label, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDFS.comment,
               RDFS.seeAlso, RDF.first, RDF.rest}
    used = {p for p in onto.predicates() if not str(p).startswith(str(OWL))} - builtin
    assert used - declared == set()


def test_one_english_pref_label_per_concept(onto):
    for c in onto.subjects(RDF.type, OWL.NamedIndividual):
        labels = [o for o in onto.objects(c, SKOS.prefLabel) if getattr(o, "language", None) == "en"]
        assert len(labels) <= 1, c


def test_theme_hierarchy_is_symmetric_and_related_is_not_hierarchical(onto):
    for s, o in onto.subject_objects(SKOS.broader):
        assert (o, SKOS.narrower, s) in onto
    for s, o in onto.subject_objects(SKOS.narrower):
        assert (o, SKOS.broader, s) in onto
    closure = {}
    for s in onto.subjects(RDF.type, MVKG.Theme):
        closure[s] = set(onto.transitive_objects(s, SKOS.broader)) - {s}
    for s, o in onto.subject_objects(SKOS.related):
        assert o not in closure.get(s, set()) and s not in closure.get(o, set())


def test_required_themes_and_topics(onto):
    themes = {str(o) for s in onto.subjects(RDF.type, MVKG.Theme) for o in onto.objects(s, SKOS.prefLabel)}
    for needed in ("privacy", "data protection", "privacy-enhancing technologies", "security", "accessibility",
                   "inclusion", "human rights", "sustainability", "interoperability", "developing countries",
                   "capacity building", "participation"):
        assert needed in themes
    topics = {str(o) for s in onto.subjects(RDF.type, MVKG.MetaverseTopic) for o in onto.objects(s, SKOS.prefLabel)}
    for needed in ("metaverse", "avatar", "digital twin", "extended reality", "CitiVerse", "digital identity"):
        assert needed in topics


def test_sdgs_have_un_iris(onto):
    goals = {int(onto.value(s, MVKG.number)): str(s) for s in onto.subjects(RDF.type, MVKG.SustainableDevelopmentGoal)}
    assert goals == {n: f"http://metadata.un.org/sdg/{n}" for n in range(1, 18)}


def test_lexicon_patterns_compile(onto):
    for _s, pattern in onto.subject_objects(MVKG.matchPattern):
        re.compile(str(pattern))


def test_sg16_succession_is_recorded(onto):
    sg16 = URIRef("https://w3id.org/mvkg/actor/itu-t-sg16")
    assert onto.value(sg16, MVKG.succeededBy) == URIRef("https://w3id.org/mvkg/actor/itu-t-sg21")
