"""Checks on user-supplied SHACL shapes before any engine runs them: their SPARQL may not
reach outside the store (SERVICE, FROM / FROM NAMED, updates) and is checked with exactly the
prefixes the engines will declare (its own sh:prefixes), no SHACL-JS, no SHACL Advanced
Features neither engine runs (rules, SPARQL-based targets, custom constraint components:
refused rather than silently skipped), property paths must be paths, a file must hold a
shape, and references to undefined shapes or recursive shapes make the run undetermined
(SHACL leaves recursion undefined), never a silent 'conforms'."""

from __future__ import annotations

from rdflib import RDF, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection

from mvkg.compliance.shaclfast import declared_prefixes
from mvkg.kernel.errors import InputError, MvkgError
from mvkg.query.sparql import check_query

SH = Namespace("http://www.w3.org/ns/shacl#")
_REFS = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)
_LISTS = (SH["and"], SH["or"], SH.xone)
_FORBIDDEN = (SH.jsFunctionName, SH.jsLibrary, SH.jsLibraryURL, SH.shapesGraph, SH.update)
# SHACL Advanced Features and SHACL-SPARQL extension mechanisms that neither engine runs
_NOT_RUN = {SH.rule: "rules", SH.target: "SPARQL-based targets", SH.validator: "custom constraint components",
            SH.nodeValidator: "custom constraint components", SH.propertyValidator: "custom constraint components",
            SH.entailment: "entailment regimes"}
_NOT_RUN_TYPES = {SH.SPARQLTarget: "SPARQL-based targets", SH.SPARQLTargetType: "SPARQL-based targets",
                  SH.SPARQLRule: "rules", SH.TripleRule: "rules", SH.ConstraintComponent: "custom constraint components",
                  SH.SPARQLFunction: "SHACL functions"}
_SHAPE_MARKS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH.property, SH.sparql)
_PATH_OPERATORS = (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


class UndeterminedShapes(MvkgError):
    """The shapes cannot give a definite answer (undefined or recursive shapes)."""

    exit_code = 1


def _references(g: Graph, node) -> list:
    out = [o for p in _REFS for o in g.objects(node, p)]
    for p in _LISTS:
        for head in g.objects(node, p):
            out += list(Collection(g, head))
    return out


def _name(g: Graph, node) -> str:
    return "[ ]" if isinstance(node, BNode) else node.n3(g.namespace_manager)


def check_has_shapes(g: Graph, where: str) -> None:
    """A shapes file must define a shape: an empty file, or one of plain data, would run the
    shipped shapes alone and look as if something had been checked."""
    if any(True for _ in g.subjects(RDF.type, SH.NodeShape)) or any(True for _ in g.subjects(RDF.type, SH.PropertyShape)):
        return
    if any(True for p in _SHAPE_MARKS for _ in g.subjects(p, None)):
        return
    what = "is empty" if not len(g) else f"holds {len(g)} triples but no SHACL shape"
    raise InputError(f"the shapes file {what} (expected a sh:NodeShape or sh:PropertyShape with a target or a "
                     "constraint); nothing would be checked", path=where)


def _check_path(g: Graph, path, shape, where: str, depth: int = 0) -> None:
    """A SHACL property path: an IRI, a list of paths (sequence), or a blank node with one of
    sh:inversePath, sh:zeroOrMorePath, sh:oneOrMorePath, sh:zeroOrOnePath, sh:alternativePath."""
    if isinstance(path, URIRef):
        return
    problem = None
    if not isinstance(path, BNode) or depth > 64:
        problem = f"{path.n3()} is not a property path" if not isinstance(path, BNode) else "the path nests too deeply"
    elif (path, RDF.first, None) in g:
        members = list(Collection(g, path))
        for member in members:
            _check_path(g, member, shape, where, depth + 1)
        problem = None if len(members) >= 2 else "a sequence path needs at least two members"
    elif (alternatives := g.value(path, SH.alternativePath)) is not None:
        for member in Collection(g, alternatives):
            _check_path(g, member, shape, where, depth + 1)
    else:
        inner = [o for p in _PATH_OPERATORS for o in g.objects(path, p)]
        if len(inner) != 1:
            problem = "a blank-node path needs exactly one of sh:inversePath, sh:zeroOrMorePath, sh:oneOrMorePath, " \
                      "sh:zeroOrOnePath or sh:alternativePath"
        else:
            _check_path(g, inner[0], shape, where, depth + 1)
    if problem:
        raise InputError(f"sh:path of the shape {_name(g, shape)}: {problem} (an IRI or a SHACL path expression "
                         "was expected)", path=where)


def _check_lists(g: Graph, where: str) -> None:
    """Every RDF list is a chain ending in rdf:nil: a cyclic list would keep every reader of
    sh:in, sh:or or a sequence path going round forever. Linear: each cell is walked once,
    from the heads; a cell no head reaches lies on a cycle."""
    cells = set(g.subjects(RDF.first, None)) | set(g.subjects(RDF.rest, None))
    tails = set(g.objects(None, RDF.rest))
    seen: set = set()
    for head in cells - tails:
        node, trail = head, set()
        while node != RDF.nil and node not in seen:
            seen.add(node)
            trail.add(node)
            rests = list(g.objects(node, RDF.rest))
            if len(rests) != 1 or len(list(g.objects(node, RDF.first))) != 1:
                raise InputError(f"a malformed RDF list (a cell needs one rdf:first and one rdf:rest): {_name(g, node)}",
                                 path=where)
            node = rests[0]
            if node in trail:
                raise InputError("an RDF list is cyclic (its rdf:rest chain never reaches rdf:nil)", path=where)
    if cells - seen:
        raise InputError("an RDF list is cyclic (its rdf:rest chain never reaches rdf:nil)", path=where)


def check_shapes(g: Graph, where: str) -> None:
    _check_lists(g, where)
    for p in _FORBIDDEN:
        for s in g.subjects(p, None):
            raise InputError(f"shapes may not use {p.n3(g.namespace_manager)} (on {s})", path=where)
    for p, feature in _NOT_RUN.items():
        for s in g.subjects(p, None):
            raise InputError(f"{p.n3(g.namespace_manager)} on {_name(g, s)}: {feature} are not run by mvkg's "
                             "validation, so they are refused rather than skipped", path=where)
    for t, feature in _NOT_RUN_TYPES.items():
        for s in g.subjects(RDF.type, t):
            raise InputError(f"{_name(g, s)} is a {t.n3(g.namespace_manager)}: {feature} are not run by mvkg's "
                             "validation, so they are refused rather than skipped", path=where)
    for shape, path in g.subject_objects(SH.path):
        _check_path(g, path, shape, where)
    for prop in (SH.select, SH.ask, SH.construct):
        for constraint, text in g.subject_objects(prop):
            try:  # with the prefixes the engines declare for it, and no others
                check_query(str(text), set(), prefixes=declared_prefixes(g, constraint))
            except MvkgError as exc:
                raise InputError(f"SPARQL of {_name(g, constraint)} is refused: {exc.message}", path=where) from None
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
