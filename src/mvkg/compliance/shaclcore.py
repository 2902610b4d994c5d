"""SHACL Core shapes compiled to set-oriented SPARQL, run inside Oxigraph (or a remote
SPARQL endpoint).

Each node shape becomes ONE SELECT: a UNION of one branch per constraint, each branch
finding every violating focus node of the shape's targets at once (absence is tested with
MINUS rather than a FILTER NOT EXISTS that Oxigraph would evaluate as a scan per row). The
exception: all `sh:minCount 1` checks of a shape on plain predicates share one block, a
VALUES list of (branch, predicate) with a FILTER NOT EXISTS that is a single index lookup
per focus node and predicate: one pass over the focus nodes instead of one per predicate
(2x faster at 1M triples). pyshacl evaluates the
same shapes one focus node at a time in Python; tests/test_shacl_engines.py and the
benchmark check that both report the same results.

A node shape that uses a feature this compiler does not know (sh:closed, sh:node,
qualified shapes, property pairs, language constraints, SPARQL-based targets ...) is left
to pyshacl: `compile_shapes` returns it in `unsupported`. The compiled shapes keep SHACL as
the single source of truth; nothing here knows mvkg's own shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")
_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_TYPE = f"<{RDF.type}>"

# value-node constraints: (parameter, component name, FILTER that is TRUE for a violating ?v)
_NUMERIC = ("integer", "decimal", "double", "float", "long", "int", "short", "byte", "nonNegativeInteger",
            "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt")
_NODE_KINDS = {
    SH.IRI: "!isIRI({v})", SH.BlankNode: "!isBlank({v})", SH.Literal: "!isLiteral({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})", SH.BlankNodeOrLiteral: "isIRI({v})", SH.IRIOrLiteral: "isBlank({v})",
}
_COMPARISONS = {SH.minInclusive: ("MinInclusive", "!({v} >= {x})"), SH.maxInclusive: ("MaxInclusive", "!({v} <= {x})"),
                SH.minExclusive: ("MinExclusive", "!({v} > {x})"), SH.maxExclusive: ("MaxExclusive", "!({v} < {x})")}
_LOGICAL = (SH["or"], SH["and"], SH.xone, SH["not"])
_IGNORED = {RDF.type, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
            SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH.property,
            SH.sparql, SH.deactivated, SH.declare, SH.prefixes}
_HANDLED = {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["in"], SH.minLength, SH.maxLength, SH.pattern,
            SH.flags, SH.hasValue, SH.nodeKind, *_COMPARISONS, *_LOGICAL}


FOCUS = "#mvkg-focus#\n"  # replaced by a VALUES block when only some focus nodes are re-validated


def focus_values(focus: tuple[str, ...] | None) -> str:
    """A VALUES block binding ?this to the focus nodes ("" for all of them)."""
    return "" if focus is None else "VALUES ?this { " + " ".join(f"<{f}>" for f in focus) + " }\n"


def restrict(query: str, focus: tuple[str, ...] | None) -> str:
    return query.replace(FOCUS, focus_values(focus))


class Unsupported(Exception):
    """A shape feature the compiler does not translate (the shape goes to pyshacl)."""


@dataclass(frozen=True)
class Branch:
    """One constraint: a group pattern binding ?this (and ?value when there is one)."""

    key: int
    source_shape: Node
    component: str  # e.g. "MinCountConstraintComponent"
    path: Node | None
    severity: URIRef
    message: str
    pattern: str
    required: str | None = None  # a minCount 1 on this predicate: checked in the shape's shared block


@dataclass(frozen=True)
class CompiledShape:
    shape: Node
    branches: tuple[Branch, ...]
    focus: str = ""  # the pattern binding ?this to the shape's focus nodes

    def query(self) -> str:
        parts = [f"{{ {b.pattern} BIND({b.key} AS ?mvkgBranch) }}" for b in self.branches if b.required is None]
        required = " ".join(f"({b.key} {b.required})" for b in self.branches if b.required is not None)
        if required:
            parts.append(f"{{ {self.focus} VALUES (?mvkgBranch ?mvkgRequired) {{ {required} }} "
                         f"FILTER NOT EXISTS {{ ?this ?mvkgRequired ?mvkgAny }} }}")
        return f"SELECT DISTINCT ?mvkgBranch ?this ?value WHERE {{ {' UNION '.join(parts)} }}"


@dataclass(frozen=True)
class Compiled:
    shapes: tuple[CompiledShape, ...]
    unsupported: tuple[Node, ...] = ()
    branches: dict[int, Branch] = field(default_factory=dict)


def _term(t: Node) -> str:
    if isinstance(t, BNode):
        raise Unsupported("a blank node as a constraint value")
    return t.n3()


def _int(n: Node) -> int:
    """A count or length given in a shape (an xsd:integer literal)."""
    try:
        return int(n.toPython() if isinstance(n, Literal) else str(n))
    except (TypeError, ValueError):
        raise Unsupported(f"{n} as a count or length") from None


def _path(g: Graph, p: Node) -> str:
    if isinstance(p, URIRef):
        return p.n3()
    if (p, RDF.first, None) in g:
        return "(" + "/".join(_path(g, x) for x in Collection(g, p)) + ")"
    for prop, op in ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = g.value(p, prop)
        if inner is not None:
            return f"^({_path(g, inner)})" if op == "^" else f"({_path(g, inner)}){op}"
    alt = g.value(p, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(_path(g, x) for x in Collection(g, alt)) + ")"
    raise Unsupported(f"the path {p}")


@dataclass
class _Compiler:
    g: Graph
    vars: count = field(default_factory=lambda: count(1))
    keys: count = field(default_factory=lambda: count(1))

    def var(self) -> str:
        return f"?mvkgV{next(self.vars)}"

    def target(self, shape: Node) -> str:
        """A pattern binding ?this to every focus node of a shape's targets."""
        parts = []
        for c in self.g.objects(shape, SH.targetClass):
            t = self.var()
            parts.append(f"?this {_TYPE} {t} . {t} {_SUBCLASS}* {_term(c)} .")
        if (shape, RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in self.g:
            raise Unsupported("implicit class targets")
        nodes = list(self.g.objects(shape, SH.targetNode))
        if nodes:
            parts.append("VALUES ?this { " + " ".join(_term(n) for n in nodes) + " }")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {_term(p)} {self.var()} .")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"{self.var()} {_term(p)} ?this .")
        if not parts:
            return ""
        union = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {FOCUS} {union} }} }}"

    def check_known(self, shape: Node) -> None:
        for p in set(self.g.predicates(shape, None)):
            if p not in _IGNORED and p not in _HANDLED and str(p).startswith(str(SH)):
                raise Unsupported(f"sh:{str(p)[len(str(SH)):]}")
        if any(True for _ in self.g.objects(shape, SH.sparql)) and self.g.value(shape, SH.path) is not None:
            raise Unsupported("SPARQL constraints on a property shape")

    # ---------------------------------------------------------------- constraints

    def value_constraints(self, shape: Node, focus: str, values: str) -> list[tuple[str, str]]:
        """(component, pattern) for each constraint of a shape whose value nodes ?value are
        bound by `values` (given ?this, bound by `focus`)."""
        g, out = self.g, []

        def filtered(component: str, condition: str) -> None:
            out.append((component, f"{focus} {values} FILTER({condition})"))

        for dt in g.objects(shape, SH.datatype):
            bad = f"!isLiteral(?value) || datatype(?value) != {_term(dt)}"
            if str(dt).rsplit("#", 1)[-1] in _NUMERIC:
                bad += " || !isNumeric(?value)"
            filtered("DatatypeConstraintComponent", bad)
        for kind in g.objects(shape, SH.nodeKind):
            template = _NODE_KINDS.get(URIRef(str(kind)))
            if template is None:
                raise Unsupported(f"node kind {kind}")
            filtered("NodeKindConstraintComponent", template.format(v="?value"))
        for n in g.objects(shape, SH.minLength):
            filtered("MinLengthConstraintComponent", f"isBlank(?value) || STRLEN(STR(?value)) < {_int(n)}")
        for n in g.objects(shape, SH.maxLength):
            filtered("MaxLengthConstraintComponent", f"isBlank(?value) || STRLEN(STR(?value)) > {_int(n)}")
        for pat in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = f"{Literal(str(pat)).n3()}" + (f", {Literal(str(flags)).n3()}" if flags else "")
            filtered("PatternConstraintComponent", f"isBlank(?value) || !REGEX(STR(?value), {args})")
        for prop, (name, template) in _COMPARISONS.items():
            for x in g.objects(shape, prop):
                filtered(f"{name}ConstraintComponent", template.format(v="?value", x=_term(x)))
        for lst in g.objects(shape, SH["in"]):
            members = ", ".join(_term(m) for m in Collection(g, lst))
            filtered("InConstraintComponent", f"?value NOT IN ({members})")
        for c in g.objects(shape, SH["class"]):
            t = self.var()
            out.append(("ClassConstraintComponent",
                        f"{focus} {values} MINUS {{ ?value {_TYPE} {t} . {t} {_SUBCLASS}* {_term(c)} . }}"))
        return out

    def node_branches(self, shape: Node, focus: str, severity: URIRef, message: str) -> list[Branch]:
        """Branches for the constraints a node shape puts on its focus nodes themselves."""
        self.check_known(shape)
        out = []
        for component, pattern in self.value_constraints(shape, focus, "BIND(?this AS ?value)"):
            out.append(self.branch(shape, component, None, severity, message, pattern))
        for v in self.g.objects(shape, SH.hasValue):
            out.append(self.branch(shape, "HasValueConstraintComponent", None, severity, message,
                                   f"{focus} FILTER(?this != {_term(v)}) BIND(?this AS ?value)"))
        out += self.logical(shape, focus, severity, message)
        return out

    def logical(self, shape: Node, focus: str, severity: URIRef, message: str) -> list[Branch]:
        g, out = self.g, []
        for kind in _LOGICAL:
            for head in g.objects(shape, kind):
                members = [head] if kind == SH["not"] else list(Collection(g, head))
                violators = [self.violators(m, focus) for m in members]
                if kind == SH["not"]:  # violates `not S` = conforms to S
                    pattern = f"{focus} MINUS {{ {violators[0]} }}"
                elif kind == SH["and"]:
                    pattern = focus + " { " + " } UNION { ".join(violators) + " }"
                elif kind == SH["or"]:
                    pattern = focus + " " + " ".join(f"{{ {v} }}" for v in violators)
                else:  # xone: exactly one member conforms
                    flags = [self.var() for _ in violators]
                    optionals = " ".join(f"OPTIONAL {{ SELECT ?this (true AS {f}) WHERE {{ {v} }} }}"
                                         for f, v in zip(flags, violators))
                    conforming = " + ".join(f"IF(BOUND({f}), 0, 1)" for f in flags)
                    pattern = f"{focus} {optionals} FILTER(({conforming}) != 1)"
                name = {SH["or"]: "Or", SH["and"]: "And", SH.xone: "Xone", SH["not"]: "Not"}[kind]
                out.append(self.branch(shape, f"{name}ConstraintComponent", None, severity, message,
                                       pattern + " BIND(?this AS ?value)"))
        return out

    def violators(self, shape: Node, focus: str) -> str:
        """A subquery binding ?this to every node bound by `focus` that does NOT conform to
        `shape`."""
        branches = self.node_branches(shape, focus, SH.Violation, "")
        for prop in self.g.objects(shape, SH.property):
            branches += self.property_branches(prop, focus)
        if not branches:
            return "FILTER(false)"
        inner = " UNION ".join(f"{{ {b.pattern} }}" for b in branches)
        return f"SELECT DISTINCT ?this WHERE {{ {inner} }}"

    def property_branches(self, prop: Node, focus: str) -> list[Branch]:
        g = self.g
        if (prop, SH.deactivated, Literal(True)) in g:
            return []
        self.check_known(prop)
        if any(True for _ in g.objects(prop, SH.property)):
            raise Unsupported("nested property shapes")
        path_node = g.value(prop, SH.path)
        if path_node is None:
            raise Unsupported("a property shape without sh:path")
        path = _path(g, path_node)
        severity = URIRef(str(g.value(prop, SH.severity) or SH.Violation))
        message = str(g.value(prop, SH.message) or "")
        out = []
        for least in g.objects(prop, SH.minCount):
            n = _int(least)
            if n == 1:
                pattern = f"{focus} MINUS {{ {FOCUS} ?this {path} {self.var()} . }}"
                if isinstance(path_node, URIRef):
                    out.append(self.branch(prop, "MinCountConstraintComponent", path_node, severity, message, pattern,
                                           required=path))
                    continue
            elif n > 1:
                v = self.var()
                pattern = (f"{{ SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} {v} . }} }} "
                           f"GROUP BY ?this HAVING (COUNT(DISTINCT {v}) < {n}) }}")
            else:
                continue
            out.append(self.branch(prop, "MinCountConstraintComponent", path_node, severity, message, pattern))
        for most in g.objects(prop, SH.maxCount):
            v = self.var()
            pattern = (f"{{ SELECT ?this WHERE {{ {focus} ?this {path} {v} . }} "
                       f"GROUP BY ?this HAVING (COUNT(DISTINCT {v}) > {_int(most)}) }}")
            out.append(self.branch(prop, "MaxCountConstraintComponent", path_node, severity, message, pattern))
        for wanted in g.objects(prop, SH.hasValue):
            out.append(self.branch(prop, "HasValueConstraintComponent", path_node, severity, message,
                                   f"{focus} MINUS {{ {FOCUS} ?this {path} {_term(wanted)} . }}"))
        for component, pattern in self.value_constraints(prop, focus, f"?this {path} ?value ."):
            out.append(self.branch(prop, component, path_node, severity, message, pattern))
        if any(True for k in _LOGICAL for _ in g.objects(prop, k)):
            raise Unsupported("logical constraints on a property shape")
        return out

    def branch(self, shape: Node, component: str, path: Node | None, severity: URIRef, message: str,
               pattern: str, required: str | None = None) -> Branch:
        return Branch(next(self.keys), shape, component, path, severity, message, pattern, required)

    def node_shape(self, shape: Node) -> CompiledShape | None:
        if (shape, SH.deactivated, Literal(True)) in self.g:
            return None
        focus = self.target(shape)
        if not focus:
            return None
        severity = URIRef(str(self.g.value(shape, SH.severity) or SH.Violation))
        message = str(self.g.value(shape, SH.message) or "")
        branches = self.node_branches(shape, focus, severity, message)
        for prop in self.g.objects(shape, SH.property):
            branches += self.property_branches(prop, focus)
        return CompiledShape(shape, tuple(branches), focus)


def compile_shapes(shapes: Graph) -> Compiled:
    """Every node shape with a target, compiled; those the compiler cannot translate are
    listed in `unsupported` (to be run by pyshacl)."""
    compiler = _Compiler(shapes)
    candidates = set(shapes.subjects(RDF.type, SH.NodeShape))
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        candidates |= set(shapes.subjects(p, None))
    compiled, unsupported, branches = [], [], {}
    for shape in sorted(candidates, key=str):
        if any(True for _ in shapes.objects(shape, SH.target)):
            unsupported.append(shape)
            continue
        try:
            c = compiler.node_shape(shape)
        except (Unsupported, ValueError, TypeError):  # a feature it does not know, or a value it cannot read
            unsupported.append(shape)  # (sh:minCount "abc"): pyshacl runs it or reports the shape
            continue
        if c is not None and c.branches:
            compiled.append(c)
            branches.update({b.key: b for b in c.branches})
    return Compiled(tuple(compiled), tuple(unsupported), branches)
