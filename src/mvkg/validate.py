"""`mvkg validate`: run the SHACL shapes (data quality + compliance) over the built graph
with one portfolio, and read the verdicts from the report. pyshacl is the engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from .errors import InputError
from .namespaces import GRAPH, MVKG, SKOS
from .portfolios import portfolio_node
from .resources import Resources
from .shapecheck import check_shapes
from .shaclfast import add_to_report, run_sparql_constraints, without_sparql
from .upload import check_rdf
from .store import open_read_only
from .workspace import Workspace

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
VERDICTS = ("covered", "partial", "proposed-only", "not-covered", "not-assessed", "not-applicable")


@dataclass(frozen=True)
class Result:
    focus: str
    resolution: str
    section: str
    item: str
    severity: str
    shape: str
    message: str
    verdict: str | None
    missing_theme: str | None  # label

    def to_json(self) -> dict[str, object]:
        return {"focus": self.focus, "resolution": self.resolution, "section": self.section, "item": self.item,
                "severity": self.severity, "shape": self.shape, "message": self.message,
                "missing_themes": [self.missing_theme] if self.missing_theme else []}


@dataclass(frozen=True)
class ObligationInfo:
    iri: str
    resolution: str
    section: str
    item: str
    strength: str
    section_order: int
    clause_order: int


@dataclass(frozen=True)
class Validation:
    portfolio: str
    portfolio_label: str
    results: tuple[Result, ...]
    report: Graph
    verdicts: dict[str, str]  # obligation IRI -> verdict
    obligations: tuple[ObligationInfo, ...]
    data: ox.Store  # the validated data graph (one portfolio), in memory, for follow-up queries

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "violation" for r in self.results)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.results if r.severity == s) for s in ("violation", "warning", "info")}


def load_shapes(resources: Resources) -> Graph:
    g = Graph()
    files = sorted(resources.shapes.glob("*.ttl"))
    if not files:
        raise InputError("no SHACL shapes found", path=resources.shapes)
    for path in files:
        try:
            g.parse(path, format="turtle")
        except Exception as exc:  # noqa: BLE001 - rdflib raises many parser errors
            raise InputError(f"cannot parse shapes: {exc}", path=path) from None
    return g


def portfolio_iri(store: ox.Store, name: str) -> ox.NamedNode:
    iri = ox.NamedNode(portfolio_node(name))
    if not store.query(f"ASK {{ GRAPH <{GRAPH['portfolios']}> {{ {iri} a <{MVKG.Portfolio}> }} }}"):
        known = sorted(r["n"].value for r in store.query(
            f"SELECT ?n WHERE {{ GRAPH ?g {{ ?p a <{MVKG.Portfolio}> ; <{MVKG.identifier}> ?n }} }}"))
        raise InputError(f"no portfolio named {name!r} in the built graph; known: {', '.join(known) or 'none'}")
    return iri


def data_graph(store: ox.Store, portfolio: ox.NamedNode) -> Graph:
    """Everything in the store, except that only the chosen portfolio's membership is kept."""
    other = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{GRAPH['portfolios']}>) }}"""
    mine = f"""CONSTRUCT {{ {portfolio} ?p ?o }} WHERE {{ GRAPH <{GRAPH['portfolios']}> {{ {portfolio} ?p ?o }} }}"""
    g = Graph()
    for q in (other, mine):
        data = "".join(f"{t} .\n" for t in store.query(q))
        g.parse(data=data, format="nt")
    return g


def _obligation_info(store: ox.Store) -> dict[str, ObligationInfo]:
    """Resolution, section and item of every obligation in the validated data."""
    q = f"""SELECT ?o ?code ?heading ?item ?strength ?so ?co WHERE {{
        ?o a <{MVKG.Obligation}> ; <{MVKG.inResolution}>/<{MVKG.code}> ?code ; <{MVKG.inSection}> ?sec ;
           <{MVKG.itemPath}> ?item ; <{MVKG.strength}> ?strength ; <{MVKG.derivedFromClause}>/<{MVKG.order}> ?co .
        ?sec <{MVKG.heading}> ?heading ; <{MVKG.order}> ?so }}"""
    out = {}
    for r in store.query(q):
        iri = r["o"].value
        out[iri] = ObligationInfo(iri, r["code"].value, r["heading"].value, r["item"].value,
                                  r["strength"].value.rsplit("#", 1)[-1], int(r["so"].value), int(r["co"].value))
    return out


def _constraint_meta(shapes: Graph) -> dict[str, tuple[str | None, bool]]:
    meta = {}
    for c in set(shapes.subjects(MVKG.verdict, None)):
        verdict = shapes.value(shapes.value(c, MVKG.verdict), SKOS.notation) or str(shapes.value(c, MVKG.verdict)).rsplit("verdict-", 1)[-1]
        meta[str(c)] = (str(verdict), (c, MVKG.reportsMissingTheme, Literal(True)) in shapes)
    return meta


ENGINES = ("oxigraph", "pyshacl")


def run_engine(data: Graph, shapes: Graph, engine: str = "oxigraph", memory: ox.Store | None = None) -> Graph:
    """The SHACL report. 'pyshacl' runs every shape in pyshacl (the reference); 'oxigraph'
    runs the core shapes in pyshacl and the SPARQL constraints set-at-a-time in Oxigraph."""
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine {engine!r}; choose from {', '.join(ENGINES)}")
    core = shapes if engine == "pyshacl" else without_sparql(shapes)
    _, report, _ = pyshacl.validate(data, shacl_graph=core, inference="none", abort_on_first=False,
                                   allow_warnings=True, advanced=False)
    if engine == "oxigraph":
        add_to_report(report, run_sparql_constraints(memory or memory_store(data), shapes))
    return report


def memory_store(data: Graph) -> ox.Store:
    store = ox.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


@dataclass(frozen=True)
class WhatIf:
    """Unsaved changes to judge before saving: a different member list for the portfolio,
    and extra triples (hypothetical entries and their assessments)."""

    members: tuple[str, ...] | None = None  # entry IRIs replacing the portfolio's members
    extra: Graph | None = None


def user_shapes(paths: list[Path]) -> Graph:
    """Extra shapes from files: through the strict upload gate, then the shape checks."""
    g = Graph()
    for path in paths:
        if not path.is_file():
            raise InputError("no such file", path=path)
        checked = check_rdf(path.read_bytes(), str(path))
        part = Graph()
        part.parse(data="".join(f"{t} .\n" for t in checked.triples), format="nt")
        check_shapes(part, str(path))
        for t in part:
            g.add(t)
    return g


def validate(ws: Workspace, resources: Resources, portfolio: str, engine: str = "oxigraph",
             whatif: WhatIf | None = None, extra_shapes: Graph | None = None) -> Validation:
    store = open_read_only(ws)
    p_iri = portfolio_iri(store, portfolio)
    data = data_graph(store, p_iri)
    if whatif is not None:
        _apply(data, URIRef(p_iri.value), whatif)
    shapes = load_shapes(resources)
    if extra_shapes is not None:
        for t in extra_shapes:
            shapes.add(t)
        check_shapes(shapes, "shapes")  # the combination may refer across files
    memory = memory_store(data)
    report = run_engine(data, shapes, engine, memory)
    info = _obligation_info(memory)
    meta = _constraint_meta(shapes)
    labels = {str(s): str(o) for s, o in data.subject_objects(SKOS.prefLabel)}
    results = []
    verdicts: dict[str, str] = {}
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = str(report.value(node, SH.focusNode))
        constraint = str(report.value(node, SH.sourceConstraint) or "")
        verdict, reports_theme = meta.get(constraint, (None, False))
        value = report.value(node, SH.value)
        ob = info.get(focus)
        if verdict and ob:
            verdicts[focus] = verdict
        results.append(Result(
            focus=focus,
            resolution=ob.resolution if ob else "",
            section=ob.section if ob else "",
            item=ob.item if ob else "",
            severity=SEVERITIES.get(report.value(node, SH.resultSeverity), "violation"),
            shape=str(report.value(node, SH.sourceShape) or ""),
            message=" ".join(str(m) for m in report.objects(node, SH.resultMessage)),
            verdict=verdict,
            missing_theme=labels.get(str(value)) if reports_theme and isinstance(value, URIRef) else None,
        ))
    for iri in info:
        verdicts.setdefault(iri, "covered")
    order = {"violation": 0, "warning": 1, "info": 2}
    results.sort(key=lambda r: (order[r.severity], r.resolution, _sort_key(info.get(r.focus)), r.message))
    label = str(data.value(URIRef(p_iri.value), URIRef("http://www.w3.org/2000/01/rdf-schema#label")) or portfolio)
    obligations = tuple(sorted(info.values(), key=lambda o: (o.resolution, o.section_order, o.clause_order)))
    return Validation(portfolio, label, tuple(results), report, verdicts, obligations, memory)


def _apply(data: Graph, portfolio: URIRef, whatif: WhatIf) -> None:
    if whatif.members is not None:
        data.remove((portfolio, MVKG.member, None))
        for iri in whatif.members:
            data.add((portfolio, MVKG.member, URIRef(iri)))
    if whatif.extra is not None:
        for t in whatif.extra:
            data.add(t)


def _sort_key(ob: ObligationInfo | None) -> tuple[int, int]:
    return (ob.section_order, ob.clause_order) if ob else (0, 0)
