"""Set-oriented evaluation of the SHACL-SPARQL constraints in shapes/ on Oxigraph.

pyshacl runs each SPARQL constraint once per focus node through rdflib; here each
constraint runs once, for all focus nodes of its shape's target class, inside Oxigraph.
The SPARQL text is the one in the shapes file (SHACL stays the single source of truth);
only the target pattern is added. tests/test_shacl_engines.py checks that both engines
report the same results."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

SH = Namespace("http://www.w3.org/ns/shacl#")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class FastResult:
    focus: str
    shape: str
    constraint: str
    severity: URIRef
    value: str | None
    message: str


def _prefixes(shapes: Graph, constraint) -> dict[str, str]:
    out = {}
    for decl_owner in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(decl_owner, SH.declare):
            out[str(shapes.value(decl, SH.prefix))] = str(shapes.value(decl, SH.namespace))
    return out


def sparql_shapes(shapes: Graph):
    """(shape, target class, severity, constraint) for every node shape with sh:sparql."""
    for shape in sorted(set(shapes.subjects(SH.sparql, None)), key=str):
        severity = shapes.value(shape, SH.severity) or SH.Violation
        for target in shapes.objects(shape, SH.targetClass):
            for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
                yield shape, target, severity, constraint


def without_sparql(shapes: Graph) -> Graph:
    """The shapes graph minus its SPARQL constraints (for the core engine)."""
    g = Graph()
    for t in shapes:
        if t[1] != SH.sparql:
            g.add(t)
    return g


def _targeted(select: str, target: URIRef) -> str:
    m = _WHERE.search(select)
    if not m:
        raise ValueError("a SHACL-SPARQL constraint without WHERE")
    pattern = f" $this a ?mvkgTargetType . ?mvkgTargetType <{RDFS.subClassOf}>* <{target}> . "
    return select[: m.end()] + pattern + select[m.end():]


def run_sparql_constraints(store: ox.Store, shapes: Graph) -> list[FastResult]:
    results = []
    for shape, target, severity, constraint in sparql_shapes(shapes):
        select = str(shapes.value(constraint, SH.select))
        template = str(shapes.value(constraint, SH.message) or "")
        rows = store.query(_targeted(select, target), prefixes=_prefixes(shapes, constraint))
        names = [v.value for v in rows.variables]
        for row in rows:
            binding = {n: row[n] for n in names if row[n] is not None}
            value = binding.get("value")
            message = _TEMPLATE.sub(lambda m: binding[m.group(1)].value if m.group(1) in binding else m.group(0), template)
            results.append(FastResult(binding["this"].value, str(shape), str(constraint), severity,
                                      value.value if value is not None else None, message))
    return results


def add_to_report(report: Graph, results: list[FastResult]) -> None:
    """Append the results as sh:ValidationResult nodes to a pyshacl report graph."""
    root = report.value(None, RDF.type, SH.ValidationReport, any=False)
    for r in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, URIRef(r.focus)))
        report.add((node, SH.resultSeverity, r.severity))
        report.add((node, SH.sourceShape, URIRef(r.shape)))
        report.add((node, SH.sourceConstraint, URIRef(r.constraint)))
        report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        report.add((node, SH.resultMessage, Literal(r.message)))
        if r.value is not None:
            report.add((node, SH.value, URIRef(r.value) if r.value.startswith(("http://", "https://")) else Literal(r.value)))
    if results and any(r.severity == SH.Violation for r in results):
        report.set((root, SH.conforms, Literal(False)))
