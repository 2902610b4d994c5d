"""Engines agree: the fast path (SPARQL constraints set-at-a-time in Oxigraph) reports what
pyshacl reports; pyrudof (an independent SHACL engine) reports the same focus nodes and
severities as pyshacl for the core data-quality shapes. Also: each data-quality shape has a
conforming and a violating example."""

from __future__ import annotations

import pyoxigraph as ox
import pyrudof
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from mvkg.compliance.coverage import coverage
from mvkg.compliance.shaclcore import compile_shapes
from mvkg.compliance.validate import data_graph, run_engine, scoped, shapes_for, validate, validate_view
from mvkg.kernel.namespaces import MVKG, portfolio_node
from mvkg.query.store import DataView, load_image, open_read_only, portfolio_view

SH = Namespace("http://www.w3.org/ns/shacl#")


def _key(run):
    return sorted((r.focus, r.severity, r.shape, r.verdict or "", r.missing_theme or "", r.message) for r in run.results)


@pytest.mark.parametrize("portfolio", ["itu-t-in-force", "in-force-and-drafts"])
def test_fast_path_agrees_with_pyshacl(built, resources, portfolio):
    ws, _ = built
    fast = validate(ws, resources, portfolio, "oxigraph")
    reference = validate(ws, resources, portfolio, "pyshacl")
    assert _key(fast) == _key(reference)
    assert fast.verdicts == reference.verdicts


def _view(data: Graph) -> DataView:
    memory = ox.Store()
    memory.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return DataView(memory)


def _run(data: Graph, shapes: Graph, engine: str):
    return run_engine(_view(data), shapes, engine)


def _core_results(findings) -> set[tuple[str, str]]:
    return {(f.focus, str(f.severity).rsplit("#", 1)[-1]) for f in findings}


def _detail(findings, shapes: Graph) -> list[tuple]:
    """What both engines must agree on: focus, component, path, severity, value, and the
    message wherever the shape gives one (default messages are each engine's own)."""
    return sorted((f.focus, f.component, f.path, str(f.severity), f.value or "",
                   f.message if shapes.value(URIRef(f.shape) if f.shape.startswith("http") else _bnode(f.shape), SH.message) else "")
                  for f in findings)


def _bnode(name: str):
    from rdflib import BNode
    return BNode(name)


def _pyrudof(data: Graph, shapes_path) -> set[tuple[str, str]]:
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data.serialize(format="turtle"))
    rudof.read_shacl(shapes_path.read_text(encoding="utf-8"))
    report = rudof.validate_shacl()
    return {(e.focus_node, str(e.severity).rsplit(".", 1)[-1]) for e in report.violations}


@pytest.fixture(scope="module")
def seed_data(built):
    ws, _ = built
    store = open_read_only(ws)
    return data_graph(store, "in-force")


def _damage(data: Graph) -> Graph:
    """A copy of the data with one defect per class of the data-quality shapes."""
    bad = Graph()
    for t in data:
        bad.add(t)

    def first(cls):
        return sorted(bad.subjects(RDF.type, cls))[0]

    bad.remove((first(MVKG.Resolution), MVKG.code, None))
    bad.set((first(MVKG.SourceDocument), MVKG.sha256, Literal("not-a-hash")))
    bad.remove((first(MVKG.PreambularSection), MVKG.heading, None))
    bad.remove((first(MVKG.Clause), MVKG.text, None))
    bad.remove((first(MVKG.Obligation), MVKG.bearer, None))
    bad.remove((first(MVKG.TagEvidence), MVKG.matchedText, None))
    bad.remove((first(MVKG.SdgReference), MVKG.generic, None))
    bad.remove((first(MVKG.Standard), MVKG.publisher, None))
    bad.remove((first(MVKG.Portfolio), RDFS.label, None))
    bad.set((first(MVKG.Alignment), MVKG.hasAlignmentRelation, Literal("similar")))
    return bad


def test_data_quality_shapes_conform_on_seed_data_and_catch_each_defect(seed_data, resources):
    shapes = Graph().parse(resources.shapes / "data-quality.ttl")
    assert _core_results(_run(seed_data, shapes, "pyshacl")) == set()
    damaged = _run(_damage(seed_data), shapes, "pyshacl")
    hit = {_bnode(f.shape) if not f.shape.startswith("http") else URIRef(f.shape) for f in damaged}
    owners = {str(s) for p in hit for s in shapes.subjects(SH.property, p)} | {str(h) for h in hit}
    expected = {"Resolution", "SourceDocument", "Section", "Clause", "Obligation", "TagEvidence", "SdgReference",
                "Standard", "Portfolio", "Alignment"}
    assert {o.rsplit("#", 1)[-1].removesuffix("Shape") for o in owners} >= expected


def test_assessment_shape_catches_a_missing_rationale_and_a_missing_entry(seed_data, resources):
    shapes = Graph().parse(resources.shapes / "data-quality.ttl")
    bad = Graph()
    for t in seed_data:
        bad.add(t)
    a = URIRef("https://w3id.org/mvkg/id/assessment/test")
    bad.add((a, RDF.type, MVKG.CoverageAssessment))
    bad.add((a, MVKG.assessedObligation, next(iter(seed_data.subjects(RDF.type, MVKG.Obligation)))))
    bad.add((a, MVKG.hasRelation, MVKG["relation-full"]))
    bad.add((a, MVKG.assessor, Literal("x")))
    for engine in ("pyshacl", "oxigraph"):
        focus = [f.focus for f in _run(bad, shapes, engine)]
        assert focus.count(str(a)) >= 3  # no rationale, no date, no entry for a 'full' relation


def test_pyrudof_agrees_with_pyshacl_on_core_shapes(seed_data, resources):
    path = resources.shapes / "data-quality.ttl"
    shapes = Graph().parse(path)
    for data in (seed_data, _damage(seed_data)):
        reference = _core_results(_run(data, shapes, "pyshacl"))
        assert _pyrudof(data, path) == reference


def test_compiled_core_shapes_agree_with_pyshacl(seed_data, resources):
    shapes = Graph().parse(resources.shapes / "data-quality.ttl")
    assert not compile_shapes(shapes).unsupported  # every shape of ours runs as SPARQL
    damaged = _damage(seed_data)
    obligation = sorted(damaged.subjects(RDF.type, MVKG.Obligation))[1]
    damaged.add((obligation, MVKG.hasStrength, MVKG.foo))  # maxCount and sh:in at once
    assessment = sorted(damaged.subjects(RDF.type, MVKG.CoverageAssessment))[0]
    damaged.remove((assessment, MVKG.coveredBy, None))  # the sh:xone
    damaged.remove((obligation, RDF.type, MVKG.BindingObligation))  # the sh:or (compliance shapes)
    both = shapes + Graph().parse(resources.shapes / "compliance.ttl")
    for data in (seed_data, damaged):
        fast = _run(data, both, "oxigraph")
        assert _detail(fast, both) == _detail(_run(data, both, "pyshacl"), both)
    assert len(fast) > 12


LOGIC = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix mvkg: <https://w3id.org/mvkg/ontology#> .
@prefix ex: <https://example.org/shapes#> .
ex:Logic a sh:NodeShape ; sh:targetClass mvkg:Obligation ;
  sh:not [ sh:property [ sh:path mvkg:hasStrength ; sh:hasValue mvkg:recommendation ] ] ;
  sh:and ( [ sh:property [ sh:path mvkg:bearer ; sh:minCount 2 ] ] [ sh:nodeKind sh:IRI ] ) ;
  sh:property [ sh:path [ sh:inversePath mvkg:assessedObligation ] ; sh:minCount 4 ] ;
  sh:property [ sh:path ( mvkg:inResolution mvkg:code ) ; sh:pattern "^ECP" ] ;
  sh:property [ sh:path mvkg:text ; sh:maxLength 120 ] .
ex:Closed a sh:NodeShape ; sh:targetClass mvkg:Resolution ; sh:closed true ;
  sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) .
"""


def test_logical_constraints_paths_and_fallback_agree_with_pyshacl(seed_data):
    shapes = Graph().parse(data=LOGIC, format="turtle")
    compiled = compile_shapes(shapes)
    assert [str(s) for s in compiled.unsupported] == ["https://example.org/shapes#Closed"]  # left to pyshacl
    fast, reference = _run(seed_data, shapes, "oxigraph"), _run(seed_data, shapes, "pyshacl")
    assert _detail(fast, shapes) == _detail(reference, shapes)
    components = {f.component for f in fast}
    assert {"NotConstraintComponent", "AndConstraintComponent", "MinCountConstraintComponent",
            "PatternConstraintComponent", "MaxLengthConstraintComponent", "ClosedConstraintComponent"} <= components


ISOLATED = ("fgmv", "in-force-and-drafts", "itu-t-in-force")


def test_validation_reads_the_union_of_graphs_when_portfolios_are_isolated(built, resources):
    """`scoped` reads the union of all graphs (one index lookup per pattern instead of one
    per graph) and hides the other portfolios; the results equal those on the exact list."""
    ws, _ = built
    exact = portfolio_view(open_read_only(ws), "in-force")
    union = scoped(exact)
    assert union.union and not exact.union
    assert union.hidden == {portfolio_node(n) for n in ISOLATED}
    shapes = shapes_for(resources)
    on_union, on_exact = validate_view(union, shapes, "in-force"), validate_view(exact, shapes, "in-force")
    assert _key(on_union) == _key(on_exact)
    # the coverage table queries the validated data again: the covering entries must not
    # come from the other portfolios the union shows
    assert on_union.data.union and coverage(resources, on_union) == coverage(resources, on_exact)
    assert any(row.covering for row in coverage(resources, on_union).rows)


@pytest.mark.parametrize("stray", [
    "<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://w3id.org/mvkg/id/portfolio/fgmv> "
    "<https://w3id.org/mvkg/graph/catalogue> .",  # a portfolio node used as an object elsewhere
    "<https://w3id.org/mvkg/id/portfolio/fgmv> <http://www.w3.org/2000/01/rdf-schema#comment> \"x\" "
    "<https://w3id.org/mvkg/graph/catalogue> .",  # described outside its graph
    "<https://example.org/x> <https://w3id.org/mvkg/ontology#member> <https://example.org/y> "
    "<https://w3id.org/mvkg/graph/portfolio/fgmv> .",  # a portfolio graph about something else
    "<https://example.org/p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/mvkg/ontology#Portfolio> "
    "<https://w3id.org/mvkg/graph/catalogue> .",  # a portfolio outside the portfolio graphs
])
def test_a_portfolio_that_is_not_isolated_keeps_the_exact_view(built, stray):
    ws, _ = built
    store = load_image(ws.build_dir / "mvkg.nq")
    assert scoped(portfolio_view(store, "in-force")).union
    store.load(stray.encode(), format=ox.RdfFormat.N_QUADS)
    assert not scoped(portfolio_view(store, "in-force")).union


def test_analyst_shapes_see_only_the_validated_portfolio(built, resources):
    """Shapes of the analyst's own may reach portfolio data without $portfolioNode (here:
    every portfolio member must be in force), so a validation with them keeps the exact view."""
    ws, _ = built
    own = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix mvkg: <https://w3id.org/mvkg/ontology#> .
        <https://example.org/InForceMembers> a sh:NodeShape ; sh:targetObjectsOf mvkg:member ;
            sh:property <https://example.org/InForceStatus> .
        <https://example.org/InForceStatus> sh:path mvkg:hasEntryStatus ;
            sh:in ( mvkg:status-published mvkg:status-approved ) .""", format="turtle")
    shape = "https://example.org/InForceStatus"

    def flagged(run):
        return {r.focus for r in run.results if r.shape == shape}

    assert not flagged(validate(ws, resources, "in-force", extra_shapes=own))
    assert flagged(validate(ws, resources, "in-force-and-drafts", extra_shapes=own))
    union = scoped(portfolio_view(open_read_only(ws), "in-force"))  # what the union view would wrongly report
    assert flagged(validate_view(union, shapes_for(resources, own), "in-force"))
