"""Checks on user-supplied SHACL shapes before any engine runs them: their SPARQL may not
reach outside the store (SERVICE, FROM / FROM NAMED, updates), no SHACL-JS, and references
to undefined shapes or recursive shapes make the run undetermined (SHACL leaves recursion
undefined), never a silent 'conforms'."""

from __future__ import annotations

from rdflib import RDF, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection

from mvkg.kernel.errors import InputError, MvkgError
from mvkg.query.sparql import check_query

SH = Namespace("http://www.w3.org/ns/shacl#")
_REFS = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)
_LISTS = (SH["and"], SH["or"], SH.xone)
_FORBIDDEN = (SH.jsFunctionName, SH.jsLibrary, SH.jsLibraryURL, SH.shapesGraph, SH.update)


class UndeterminedShapes(MvkgError):
    """The shapes cannot give a definite answer (undefined or recursive shapes)."""

    exit_code = 1


def _references(g: Graph, node) -> list:
    out = [o for p in _REFS for o in g.objects(node, p)]
    for p in _LISTS:
        for head in g.objects(node, p):
            out += list(Collection(g, head))
    return out


def check_shapes(g: Graph, where: str) -> None:
    for p in _FORBIDDEN:
        for s in g.subjects(p, None):
            raise InputError(f"shapes may not use {p.n3(g.namespace_manager)} (on {s})", path=where)
    for prop in (SH.select, SH.ask, SH.construct):
        for constraint, text in g.subject_objects(prop):
            try:
                check_query(str(text), set())
            except MvkgError as exc:
                raise InputError(f"SPARQL of {constraint} is refused: {exc.message}", path=where) from None
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    edges: dict = {}
    undefined = []
    for s in set(shapes) | {s for p in _REFS + _LISTS for s in g.subjects(p, None)}:
        for ref in _references(g, s):
            edges.setdefault(s, []).append(ref)
            if isinstance(ref, URIRef) and not any(True for _ in g.predicate_objects(ref)):
                undefined.append((s, ref))
    problems = [f"{s} refers to the undefined shape {ref}" for s, ref in undefined]
    cycle = _cycle(edges)
    if cycle:
        problems.append("recursive shapes: " + " -> ".join(str(n) if not isinstance(n, BNode) else "[ ]" for n in cycle))
    if problems:
        raise UndeterminedShapes("validation is undetermined: " + "; ".join(problems), path=where)


def _cycle(edges: dict) -> list | None:
    state: dict = {}

    def visit(node, trail):
        state[node] = 1
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                return trail + [node, nxt]
            if nxt not in state:
                found = visit(nxt, trail + [node])
                if found:
                    return found
        state[node] = 2
        return None

    for start in list(edges):
        if start not in state:
            found = visit(start, [])
            if found:
                return found
    return None
