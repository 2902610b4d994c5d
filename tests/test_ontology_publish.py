"""The ontology as others would reuse it: every file has a header; every external term
exists, with the type we give it, in the shipped copy of its vocabulary (ontology/vendor);
the SKOS schemes pass qSKOS-style integrity checks, also merged with the UN's own SDG data;
the files are OWL 2 DL and HermiT finds them consistent exactly as published."""

from __future__ import annotations

import csv
import hashlib
import itertools
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from mvkg.graph.reasoning import java_available
from mvkg.kernel.files import atomic_write
from mvkg.kernel.lexicon import load_ontology_graph
from mvkg.kernel.namespaces import MVKG, SKOS
from mvkg.render.ontology_docs import document, write_pages

OWN = "https://w3id.org/mvkg/"
DCTERMS = Namespace("http://purl.org/dc/terms/")
SW = Namespace("http://www.w3.org/2003/06/sw-vocab-status/ns#")
PROV = Namespace("http://www.w3.org/ns/prov#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
UN_SDG_SCHEME = URIRef("http://metadata.un.org/sdg")
BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# IRIs that are values of these annotations are documents and web pages, not vocabulary terms
POINTERS = {RDFS.seeAlso, RDFS.isDefinedBy, DCTERMS.source, DCTERMS.license, MVKG.source, OWL.versionIRI, OWL.priorVersion}
# the OWL 2 datatype map (OWL 2 Structural Specification, section 4), plus rdfs:Literal
OWL2_DATATYPES = {RDFS.Literal, RDF.PlainLiteral, RDF.XMLLiteral, OWL.real, OWL.rational, XSD.decimal, XSD.integer,
                  XSD.nonNegativeInteger, XSD.nonPositiveInteger, XSD.positiveInteger, XSD.negativeInteger, XSD.long,
                  XSD.int, XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte,
                  XSD.double, XSD.float, XSD.string, XSD.normalizedString, XSD.token, XSD.language, XSD.Name, XSD.NCName,
                  XSD.NMTOKEN, XSD.boolean, XSD.hexBinary, XSD.base64Binary, XSD.anyURI, XSD.dateTime, XSD.dateTimeStamp}


@pytest.fixture(scope="module")
def files(resources) -> list[Path]:
    return resources.ontology_files()


@pytest.fixture(scope="module")
def published(files) -> Graph:
    return load_ontology_graph(files)


@pytest.fixture(scope="module")
def manifest(resources) -> list[dict[str, str]]:
    with (resources.ontology / "vendor" / "manifest.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def vendor(resources, manifest) -> dict[str, Graph]:
    """namespace -> the shipped copy of that vocabulary"""
    out = {}
    for row in manifest:
        path = resources.ontology / "vendor" / row["file"]
        out[row["namespace"]] = Graph().parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    return out


def _namespace(term: URIRef, namespaces) -> str | None:
    return next((ns for ns in sorted(namespaces, key=len, reverse=True) if str(term).startswith(ns)), None)


def _external(term) -> bool:
    return isinstance(term, URIRef) and not str(term).startswith(OWN) and not str(term).startswith(BUILTIN)


def _own(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(OWN)


# ---------------------------------------------------------------- headers


def test_every_file_has_a_complete_ontology_header(files):
    incomplete = {}
    for path in files:
        g = Graph().parse(path, format="turtle")
        headers = list(g.subjects(RDF.type, OWL.Ontology))
        if len(headers) != 1:
            incomplete[path.name] = f"{len(headers)} owl:Ontology headers"
            continue
        h = headers[0]
        needed = (OWL.versionInfo, OWL.versionIRI, DCTERMS.title, DCTERMS.description, DCTERMS.license,
                  DCTERMS.creator, DCTERMS.created, DCTERMS.modified)
        missing = [g.namespace_manager.qname(p) for p in needed if g.value(h, p) is None]
        if missing:
            incomplete[path.name] = missing
        elif not str(g.value(h, OWL.versionIRI)).endswith(str(g.value(h, OWL.versionInfo))):
            incomplete[path.name] = "owl:versionIRI does not end with owl:versionInfo"
    assert incomplete == {}


# ---------------------------------------------------------------- external terms vs shipped copies


def test_shipped_copies_match_their_manifest(resources, manifest):
    folder = resources.ontology / "vendor"
    listed = {row["file"] for row in manifest}
    shipped = {p.name for p in folder.iterdir() if p.suffix in (".ttl", ".nt", ".rdf")}
    assert listed == shipped
    for row in manifest:
        assert hashlib.sha256((folder / row["file"]).read_bytes()).hexdigest() == row["sha256"], row["file"]
        assert row["source"] and row["licence"] and row["version"], row["file"]


def _used_external_terms(g: Graph) -> set[URIRef]:
    """Terms of other vocabularies the ontology uses: properties, classes and the concepts
    it points to with SKOS mappings (not web pages it cites, nor the UN's SDG identifiers,
    which test_sdg_labels_are_the_uns checks)."""
    used = set()
    for s, p, o in g:
        if _external(p):
            used.add(p)
        if p in POINTERS:
            continue
        # classes it types things with, and terms in its axioms and SKOS mappings
        if _external(o) and (p == RDF.type or str(p).startswith((str(RDFS), str(OWL), str(RDF), str(SKOS)))):
            used.add(o)
        if _external(s) and (s, RDF.type, OWL.Ontology) not in g:
            used.add(s)
    return {t for t in used if not str(t).startswith("http://metadata.un.org/")}


def test_every_external_term_is_declared_and_has_a_shipped_copy(published, manifest):
    namespaces = {row["namespace"] for row in manifest}
    used = _used_external_terms(published)
    undeclared = {t for t in used if not any((t, RDF.type, k) in published
                                             for k in (*PROPERTY_KINDS, OWL.Class, SKOS.Concept))}
    assert undeclared == set()
    without_copy = {t for t in used if _namespace(t, namespaces) is None}
    assert without_copy == set()


def _vendor_kind(v: Graph, term: URIRef) -> set[URIRef]:
    return set(v.objects(term, RDF.type))


def test_external_terms_exist_in_their_vocabulary_with_our_type(published, vendor):
    problems = {}
    for term in sorted(_used_external_terms(published)):
        ns = _namespace(term, vendor)
        if ns is None:
            continue
        theirs = _vendor_kind(vendor[ns], term)
        ours = set(published.objects(term, RDF.type))
        if not theirs:
            problems[str(term)] = "not in the shipped vocabulary"
        elif OWL.Class in ours and not theirs & {OWL.Class, RDFS.Class}:
            problems[str(term)] = f"a class here, {theirs} there"
        elif ours & set(PROPERTY_KINDS):
            owl_kinds = theirs & set(PROPERTY_KINDS)
            if owl_kinds and not ours & owl_kinds:
                problems[str(term)] = f"{ours & set(PROPERTY_KINDS)} here, {owl_kinds} there"
            elif not owl_kinds and RDF.Property not in theirs:
                problems[str(term)] = f"a property here, {theirs} there"
        elif SKOS.Concept in ours and SKOS.Concept not in theirs:
            problems[str(term)] = "a SKOS concept here, not there"
    assert problems == {}


def test_no_external_term_is_deprecated_or_sunset(published, vendor):
    retired = {}
    for term in _used_external_terms(published):
        ns = _namespace(term, vendor)
        if ns is None:
            continue
        v = vendor[ns]
        status = {str(o) for o in v.objects(term, SW.term_status)}
        if status & {"sunset", "deprecated", "archaic"} or (term, OWL.deprecated, Literal(True)) in v:
            retired[str(term)] = status
    assert retired == {}


def test_dpv_terms_are_those_of_the_release_followed(published, vendor):
    dpv = "https://w3id.org/dpv#"
    used = {t for t in _used_external_terms(published) if str(t).startswith(dpv)}
    assert URIRef(dpv + "ComplianceNotApplicable") not in used
    assert (URIRef("https://w3id.org/dpv"), OWL.versionIRI, URIRef("https://w3id.org/dpv/2.3")) in vendor[dpv]
    assert used and all((t, RDF.type, SKOS.Concept) in vendor[dpv] for t in used)


def test_skos_notation_is_declared_as_skos_declares_it(published, vendor):
    skos_copy = vendor[str(SKOS)]
    assert (SKOS.notation, RDF.type, OWL.DatatypeProperty) in skos_copy
    assert (SKOS.notation, RDF.type, OWL.DatatypeProperty) in published
    assert not any((SKOS.notation, RDF.type, k) in published for k in (OWL.AnnotationProperty, OWL.ObjectProperty))
    assert all(isinstance(o, Literal) for o in published.objects(None, SKOS.notation))


# ---------------------------------------------------------------- SDGs against the UN's data


@pytest.fixture(scope="module")
def un_sdg(vendor) -> Graph:
    return vendor["http://metadata.un.org/sdg/"]


def test_sdg_labels_are_the_uns(published, un_sdg):
    goals = sorted(published.subjects(RDF.type, MVKG.SustainableDevelopmentGoal))
    assert len(goals) == 17
    for goal in goals:
        ours = {(str(o), o.language) for o in published.objects(goal, SKOS.prefLabel)}
        theirs = {(str(o), o.language) for o in un_sdg.objects(goal, SKOS.prefLabel) if o.language == "en"}
        assert ours == theirs, goal
        short = {str(o) for o in un_sdg.objects(goal, SKOS.altLabel)}
        assert short and short <= {str(o) for o in published.objects(goal, SKOS.altLabel)}, goal
    assert set(published.objects(UN_SDG_SCHEME, SKOS.prefLabel)) <= set(un_sdg.objects(UN_SDG_SCHEME, SKOS.prefLabel))


# ---------------------------------------------------------------- SKOS integrity (qSKOS-style)


def _norm(label: Literal) -> tuple[str | None, str]:
    return label.language, " ".join(str(label).lower().split())


def _schemes(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)}


def _concept_classes(g: Graph) -> set:
    return set(g.transitive_subjects(RDFS.subClassOf, SKOS.Concept)) - {SKOS.Concept}


def test_every_concept_is_typed_skos_concept_and_in_one_scheme(published):
    members = {s for c in _concept_classes(published) for s in published.subjects(RDF.type, c)}
    in_schemes = set(published.subjects(SKOS.inScheme, None))
    not_typed = {s for s in members | in_schemes if (s, RDF.type, SKOS.Concept) not in published}
    assert not_typed == set()
    concepts = set(published.subjects(RDF.type, SKOS.Concept)) - set(published.subjects(RDFS.isDefinedBy, None))
    schemes = {c: set(published.objects(c, SKOS.inScheme)) for c in concepts}
    assert {c for c, s in schemes.items() if len(s) != 1} == set()


def test_every_scheme_has_top_concepts_stated_both_ways(published):
    for scheme in _schemes(published):
        tops = set(published.objects(scheme, SKOS.hasTopConcept))
        assert tops, scheme
        assert tops == set(published.subjects(SKOS.topConceptOf, scheme)), scheme
        assert all((t, SKOS.inScheme, scheme) in published for t in tops), scheme
        assert not any((t, SKOS.broader, b) in published and (b, SKOS.inScheme, scheme) in published
                       for t in tops for b in published.objects(t, SKOS.broader)), scheme


def test_no_orphan_concepts(published):
    """Every concept of a scheme is reached from one of its top concepts through narrower."""
    for scheme in _schemes(published):
        members = set(published.subjects(SKOS.inScheme, scheme))
        reached = set()
        for top in published.objects(scheme, SKOS.hasTopConcept):
            reached |= set(published.transitive_objects(top, SKOS.narrower))
        assert members - reached == set(), scheme


def test_no_cycles_in_broader(published):
    for concept in set(published.subjects(SKOS.broader, None)):
        above = set(published.transitive_objects(concept, SKOS.broader)) - {concept}
        assert concept not in {b for x in above for b in published.objects(x, SKOS.broader)}, concept


@pytest.fixture(scope="module")
def merged(published, un_sdg) -> Graph:
    """The published ontology together with the UN's SDG data, as someone merging them sees it."""
    return published + un_sdg


def test_one_preferred_label_per_language_and_pref_alt_disjoint(published, merged):
    clashes = []
    for concept in set(published.subjects(SKOS.inScheme, None)):
        prefs = [_norm(o) for o in merged.objects(concept, SKOS.prefLabel)]
        if len({lang for lang, _ in prefs}) != len(prefs):
            clashes.append((str(concept), "two preferred labels in one language"))
        others = {_norm(o) for p in (SKOS.altLabel, SKOS.hiddenLabel) for o in merged.objects(concept, p)}
        if set(prefs) & others:
            clashes.append((str(concept), "a preferred label is also an alternative or hidden label"))
    assert clashes == []


def test_no_two_concepts_of_a_scheme_share_a_label(published, merged):
    clashes = []
    for scheme in _schemes(published):
        by_label = defaultdict(set)
        for concept in published.subjects(SKOS.inScheme, scheme):
            for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
                for label in merged.objects(concept, p):
                    by_label[_norm(label)].add(concept)
        clashes += [(str(scheme), label[1]) for label, cs in by_label.items() if len(cs) > 1]
    assert clashes == []


# ---------------------------------------------------------------- own terms, sources, disjointness


def test_every_own_term_is_labelled_and_defined(published):
    typed = {s for t in (OWL.Class, *PROPERTY_KINDS, OWL.NamedIndividual, SKOS.Concept, SKOS.ConceptScheme)
             for s in published.subjects(RDF.type, t) if _own(s)}
    unlabelled = {s for s in typed if published.value(s, RDFS.label) is None and published.value(s, SKOS.prefLabel) is None}
    undefined = {s for s in typed if published.value(s, SKOS.definition) is None}
    assert (unlabelled, undefined) == (set(), set())


def test_themes_and_topics_cite_their_sources(published):
    cites = (MVKG.source, DCTERMS.source, RDFS.seeAlso)
    uncited = {s for cls in (MVKG.Theme, MVKG.MetaverseTopic) for s in published.subjects(RDF.type, cls)
               if not any(published.value(s, p) is not None for p in cites)}
    assert uncited == set()


def test_metaverse_topics_analysts_meet_in_standards(published):
    labels = {str(o) for s in published.subjects(RDF.type, MVKG.MetaverseTopic) for o in published.objects(s, SKOS.prefLabel)}
    for needed in ("sense of presence", "persistence of virtual worlds", "spatial computing", "haptics", "Web3",
                   "non-fungible token", "3D assets and formats", "glTF", "Universal Scene Description", "OpenXR"):
        assert needed in labels


def _disjoint_pairs(g: Graph) -> set[tuple]:
    pairs = set()
    for a, b in g.subject_objects(OWL.disjointWith):
        pairs |= {(a, b), (b, a)}
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(g, g.value(node, OWL.members)))
        pairs |= {(a, b) for a in members for b in members if a != b}
    return pairs


def _named_parents(g: Graph, cls) -> set:
    parents = {p for p in g.objects(cls, RDFS.subClassOf) if isinstance(p, URIRef)}
    for eq in g.objects(cls, OWL.equivalentClass):  # C ≡ A ⊓ R: A is a parent
        if isinstance(eq, BNode) and (eq, OWL.intersectionOf, None) in g:
            parents |= {x for x in Collection(g, g.value(eq, OWL.intersectionOf)) if isinstance(x, URIRef)}
    return parents or {OWL.Thing}


def test_sibling_classes_are_disjoint(published):
    """Classes with a common parent are pairwise disjoint; a class defined as an
    intersection (BindingObligation ≡ Obligation ⊓ ...) counts as a child of its operands."""
    disjoint = _disjoint_pairs(published)
    children = defaultdict(set)
    for cls in (c for c in published.subjects(RDF.type, OWL.Class) if _own(c)):
        for parent in _named_parents(published, cls):
            children[parent].add(cls)
    overlapping = [(str(p), str(a), str(b)) for p, cs in children.items() for a, b in itertools.combinations(sorted(cs), 2)
                   if (a, b) not in disjoint]
    assert overlapping == []


# ---------------------------------------------------------------- OWL 2 DL


def test_owl2_dl_structural_rules(published):
    """The OWL 2 DL rules the files could break: every data range is in the OWL 2 datatype
    map, no property is of two kinds, annotation properties take no part in logical axioms."""
    kinds = {k: set(published.subjects(RDF.type, k)) for k in PROPERTY_KINDS}
    for a, b in itertools.combinations(PROPERTY_KINDS, 2):
        assert kinds[a] & kinds[b] == set(), (a, b)
    for p in kinds[OWL.DatatypeProperty]:
        for r in published.objects(p, RDFS.range):
            assert r in OWL2_DATATYPES, (p, r)
    for p in kinds[OWL.AnnotationProperty]:
        assert not {OWL.FunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty} & set(published.objects(p, RDF.type)), p
        for sup in published.objects(p, RDFS.subPropertyOf):
            assert sup in kinds[OWL.AnnotationProperty], (p, sup)
    for k in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for p in kinds[k]:
            for sup in published.objects(p, RDFS.subPropertyOf):
                assert sup in kinds[k], (p, sup)
    used_literals = {o.datatype for _, p, o in published if isinstance(o, Literal) and p in kinds[OWL.DatatypeProperty]}
    assert used_literals - OWL2_DATATYPES - {None} == set()


def _hermit_jar() -> Path:
    import owlready2

    return Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"


PROFILE_CHECK = """
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

public class ProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager m = OWLManager.createOWLOntologyManager();
        OWLOntology o = m.loadOntologyFromOntologyDocument(new File(args[0]));
        System.out.println("axioms " + o.getAxiomCount());
        for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(o).getViolations())
            System.out.println("violation " + v.toString().replace('\\n', ' '));
    }
}
"""


@pytest.mark.skipif(not java_available() or shutil.which("javac") is None,
                    reason="the OWL API profile check needs a JDK (apt-get install default-jdk-headless)")
def test_owl2_dl_profile_with_the_owl_api(published, tmp_path):
    """The OWL API's OWL 2 DL profile checker (the copy inside owlready2's HermiT.jar) on the
    merged files as published."""
    (tmp_path / "ProfileCheck.java").write_text(PROFILE_CHECK, encoding="utf-8")
    cp = str(_hermit_jar())
    subprocess.run(["javac", "-cp", cp, "ProfileCheck.java"], cwd=tmp_path, check=True, capture_output=True)
    published.serialize(tmp_path / "mvkg.ttl", format="turtle")
    run = subprocess.run(["java", "-cp", f"{cp}:{tmp_path}", "ProfileCheck", str(tmp_path / "mvkg.ttl")],
                         capture_output=True, text=True, timeout=300, check=True)
    lines = run.stdout.splitlines()
    assert int(lines[0].split()[1]) > 3000  # the whole ontology was read
    assert [x for x in lines if x.startswith("violation")] == []


def _hermit(g: Graph, tmp_path: Path, name: str) -> tuple[bool, list[str]]:
    """(consistent, unsatisfiable classes) from HermiT through owlready2, on `g` unchanged."""
    import owlready2

    path = tmp_path / f"{name}.nt"
    g.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False, []
    finally:
        unsat = sorted(c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing))
    world.close()
    return True, unsat


needs_java = pytest.mark.skipif(not java_available(), reason="Java missing: `make test` installs it")


@needs_java
def test_hermit_on_the_files_exactly_as_published(published, tmp_path):
    assert _hermit(published, tmp_path, "published") == (True, [])


@pytest.fixture(scope="module")
def with_prov_and_org(published, vendor) -> Graph:
    """The ontology with the real axioms of PROV-O and ORG (Entity ⊥ Activity and the rest)."""
    g = Graph()
    for part in (published, vendor["http://www.w3.org/ns/prov#"], vendor["http://www.w3.org/ns/org#"]):
        for t in part:
            if t[1] != OWL.imports:
                g.add(t)
    return g


@needs_java
def test_hermit_with_the_reused_vocabularies_loaded(with_prov_and_org, tmp_path):
    assert _hermit(with_prov_and_org, tmp_path, "with-prov-org") == (True, [])


@needs_java
@pytest.mark.parametrize("types", [(MVKG.Activity, PROV.Entity), (MVKG.Standard, MVKG.Obligation),
                                   (MVKG.Organization, MVKG.Post)], ids=["activity-entity", "standard-obligation", "org-post"])
def test_hermit_rejects_what_the_model_rules_out(with_prov_and_org, tmp_path, types):
    g = Graph()
    for t in with_prov_and_org:
        g.add(t)
    thing = URIRef(OWN + "id/test/thing")
    g.add((thing, RDF.type, OWL.NamedIndividual))
    for cls in types:
        g.add((thing, RDF.type, cls))
    consistent, _ = _hermit(g, tmp_path, "bad")
    assert not consistent


# ---------------------------------------------------------------- generated documentation


def test_documentation_covers_every_term_and_its_links_resolve(resources, published, tmp_path):
    entries = [("ISO/IEC 12113:2022", ["https://w3id.org/mvkg/topic/gltf"])]
    paths = write_pages(document(resources, entries), tmp_path, atomic_write)
    pages = {p.stem: p.read_text(encoding="utf-8") for p in paths}
    assert {"index", "ontology", "themes", "topics", "actors", "verbs", "sdgs", "values"} <= set(pages)
    anchors = {(name, a) for name, text in pages.items() for a in re.findall(r' id="([^"]+)"', text)}
    terms = {s for t in (OWL.Class, *PROPERTY_KINDS, SKOS.Concept) for s in published.subjects(RDF.type, t) if _own(s)}
    documented = {a for _, a in anchors}
    assert {str(t).removeprefix(OWN).replace("#", "_").replace("/", "_") for t in terms} - documented == set()
    links = {(page, target) for text in pages.values() for page, target in re.findall(r'href="(\w+)\.html#([^"]+)"', text)}
    assert links and links - anchors == set()
    assert all("<script" not in text for text in pages.values())
    gltf = pages["topics"].split('id="topic_gltf"')[1].split('class="term"')[0]
    assert "<dt>Catalogue entries</dt><dd>1: ISO/IEC 12113:2022</dd>" in gltf
    standard = pages["ontology"].split('id="ontology_Standard"')[1].split('class="term"')[0]
    assert "queries/internal/catalogue_entries.rq" in standard and "shapes/data-quality.ttl" in standard
