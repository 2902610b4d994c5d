"""Set-oriented evaluation of SHACL on Oxigraph: the compiled core shapes (shaclcore) and
the SHACL-SPARQL constraints in shapes/, and the findings both engines report.

pyshacl runs each SPARQL constraint once per focus node through rdflib; here each
constraint runs once, for all focus nodes of its shape's target class, inside Oxigraph.
The SPARQL text is the one in the shapes file (SHACL stays the single source of truth);
only the target pattern is added. tests/test_shacl_engines.py checks that both engines
report the same results."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from mvkg.compliance.shaclcore import Branch, Compiled, focus_values, restrict

SH = Namespace("http://www.w3.org/ns/shacl#")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class Finding:
    """One validation result, whichever engine found it."""

    focus: str
    shape: str
    constraint: str  # SPARQL constraint IRI, or "" for core constraints
    severity: URIRef
    value: str | None
    message: str
    component: str = "SPARQLConstraintComponent"
    path: str = ""


def declared_prefixes(shapes: Graph, constraint) -> dict[str, str]:
    """The prefixes a SPARQL constraint declares through sh:prefixes / sh:declare: the only
    ones the engines give its query (the guard checks it with these too)."""
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


def only_shapes(shapes: Graph, keep) -> Graph:
    """The shapes graph with the targets of every node shape not in `keep` removed (so an
    engine runs only `keep`)."""
    keep = set(keep)
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    g = Graph()
    for t in shapes:
        if t[1] not in targets or t[0] in keep:
            g.add(t)
    return g


def without_sparql(shapes: Graph) -> Graph:
    """The shapes graph minus its SPARQL constraints (for the core engine)."""
    g = Graph()
    for t in shapes:
        if t[1] != SH.sparql:
            g.add(t)
    return g


_EXISTS = re.compile(r"FILTER\s+(NOT\s+)?EXISTS\s*\{", re.IGNORECASE)
_VAR = re.compile(r"[?$](\w+)")


def _block_end(text: str, start: int) -> int:
    """Index just past the brace block opening at text[start] == '{' (strings skipped)."""
    depth, i, quote = 0, start, None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced braces in a SPARQL constraint")


def set_oriented(select: str, values: str = "") -> str:
    """Rewrite the top-level FILTER NOT EXISTS / FILTER EXISTS blocks of a constraint's
    WHERE group into MINUS and a DISTINCT sub-select joined at the end of the group.
    Oxigraph evaluates (NOT) EXISTS once per row, but MINUS and joins once per query; the
    SHACL spec forbids MINUS in SPARQL constraints, so the shapes keep the portable form
    and only this engine rewrites it. The rewrite is exact when the variables a block
    shares with the rest of the query are bound by the group's triple patterns ($this, and
    ?value), which holds for every constraint whose blocks only share those; other blocks
    are left as they are. `values` (a VALUES block for $this) is repeated inside each moved
    block, so re-validating a few focus nodes does not evaluate the blocks for all."""
    m = _WHERE.search(select)
    if not m:
        return select
    body_start = m.end() - 1
    body_end = _block_end(select, body_start)
    body = select[body_start + 1: body_end - 1]
    kept, moved, pos = [], [], 0
    for hit in _EXISTS.finditer(body):
        if hit.start() < pos or _depth(body, hit.start()) != 0:
            continue
        end = _block_end(body, hit.end() - 1)
        block = body[hit.end(): end - 1]
        outside = body[:hit.start()] + body[end:] + select[:body_start]
        shared = sorted(set(_VAR.findall(block)) & set(_VAR.findall(outside)))
        if not shared or not set(shared) <= {"this", "value"}:
            continue
        kept.append(body[pos:hit.start()])
        if hit.group(1):
            moved.append(f"MINUS {{ {values} {block} }}")
        else:
            moved.append(f"{{ SELECT DISTINCT {' '.join('?' + v for v in shared)} WHERE {{ {values} {block} }} }}")
        pos = end
    if not moved:
        return select
    kept.append(body[pos:])
    return select[:body_start + 1] + "".join(kept) + "\n" + "\n".join(moved) + "\n}" + select[body_end:]


def _depth(text: str, index: int) -> int:
    return text.count("{", 0, index) - text.count("}", 0, index)


_SELECT = re.compile(r"\bSELECT\s+((?:DISTINCT|REDUCED)\s+)?", re.IGNORECASE)


def _targeted(select: str, targets: list[URIRef], focus: tuple[str, ...] | None) -> str:
    """The constraint's query for every focus node of any of `targets` (bound to
    ?mvkgTarget, which is added to the projection)."""
    values = focus_values(focus)
    select = set_oriented(select, values)
    m = _WHERE.search(select)
    if not m:
        raise ValueError("a SHACL-SPARQL constraint without WHERE")
    if len(targets) == 1:
        target = (f"$this a ?mvkgTargetType . ?mvkgTargetType <{RDFS.subClassOf}>* <{targets[0]}> . "
                  f"BIND(<{targets[0]}> AS ?mvkgTarget) ")
    else:  # one pass for all target classes: the subclass closure is small, a filter keeps it cheap
        target = (f"$this a ?mvkgTargetType . ?mvkgTargetType <{RDFS.subClassOf}>* ?mvkgTarget . "
                  f"FILTER(?mvkgTarget IN ({', '.join(f'<{t}>' for t in targets)})) ")
    select = select[: m.end()] + values + target + select[m.end():]
    head = _SELECT.search(select)
    if head and not select[head.end():].lstrip().startswith("*"):
        select = select[: head.end()] + "?mvkgTarget " + select[head.end():]
    return select


def parallel(tasks: list) -> list:
    """Run independent query tasks on every core (Oxigraph releases the GIL while it
    evaluates), all results in task order."""
    if not tasks:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(len(tasks), os.cpu_count() or 1))) as pool:
        return [item for part in pool.map(lambda task: task(), tasks) for item in part]


def sparql_constraint_tasks(store, shapes: Graph, focus: tuple[str, ...] | None = None) -> list:
    """Each SPARQL constraint once for all focus nodes of the target classes of every shape
    that uses it (or only for `focus`), as tasks for `parallel`; rows are then dealt to the
    shapes by target."""
    users: dict = {}
    for shape, target, severity, constraint in sparql_shapes(shapes):
        users.setdefault(constraint, []).append((shape, target, severity))

    def task(constraint, used_by):
        select = str(shapes.value(constraint, SH.select))
        template = str(shapes.value(constraint, SH.message) or "")
        targets = sorted({t for _, t, _ in used_by}, key=str)
        rows = store.query(_targeted(select, targets, focus), prefixes=declared_prefixes(shapes, constraint))
        names = [v.value for v in rows.variables if v.value != "mvkgTarget"]
        results = []
        for row in rows:
            binding = {n: row[n] for n in names if row[n] is not None}
            value = binding.get("value")
            message = _TEMPLATE.sub(partial(_filled, binding), template)
            for shape, target, severity in used_by:
                if row["mvkgTarget"].value == str(target):
                    results.append(Finding(binding["this"].value, str(shape), str(constraint), severity,
                                           value.value if value is not None else None, message))
        del rows  # result objects must die on the thread that made them
        return results

    return [lambda c=c, u=u: task(c, u) for c, u in users.items()]


def _filled(binding: dict, m: re.Match) -> str:
    """A `{?name}` placeholder of a message template: the bound value, or the placeholder itself."""
    return binding[m.group(1)].value if m.group(1) in binding else m.group(0)


def _default_message(b: Branch, value: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    kind = b.component.removesuffix("ConstraintComponent")
    on = f" on {b.path}" if b.path is not None else ""
    return f"{kind} constraint violated{on}" + (f" by {value.value}" if value is not None else "")


def compiled_tasks(store, compiled: Compiled, focus: tuple[str, ...] | None = None) -> list:
    """The compiled core shapes: one query per node shape (or only for `focus`), as tasks
    for `parallel`, the shapes with the most constraints first (the longest queries)."""

    def task(shape):
        out = []
        rows = store.query(restrict(shape.query(), focus))
        for row in rows:
            b = compiled.branches[int(row["mvkgBranch"].value)]
            value = row["value"]
            out.append(Finding(row["this"].value, str(b.source_shape), "", b.severity,
                               value.value if value is not None else None, b.message or _default_message(b, value),
                               b.component, str(b.path) if isinstance(b.path, URIRef) else ""))
        del rows  # result objects must die on the thread that made them
        return out

    shapes = sorted(compiled.shapes, key=lambda s: -len(s.branches))
    return [lambda s=s: task(s) for s in shapes]


def findings_from_report(report: Graph) -> list[Finding]:
    """The results of a pyshacl report graph."""
    out = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(node, SH.value)
        path = report.value(node, SH.resultPath)
        out.append(Finding(
            str(report.value(node, SH.focusNode)), str(report.value(node, SH.sourceShape) or ""),
            str(report.value(node, SH.sourceConstraint) or ""), URIRef(str(report.value(node, SH.resultSeverity) or SH.Violation)),
            str(value) if value is not None else None,
            " ".join(str(m) for m in report.objects(node, SH.resultMessage)),
            str(report.value(node, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1],
            str(path) if path is not None and not isinstance(path, BNode) else ""))
    return out


def report_graph(results, conforms: bool) -> Graph:
    """Results (validate.Result) as a SHACL validation report."""
    report = Graph()
    report.bind("sh", SH)
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(conforms)))
    severities = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}
    for r in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, URIRef(r.focus)))
        report.add((node, SH.resultSeverity, severities[r.severity]))
        if r.shape.startswith(("http://", "https://")):
            report.add((node, SH.sourceShape, URIRef(r.shape)))
        if r.constraint:
            report.add((node, SH.sourceConstraint, URIRef(r.constraint)))
        if r.component:
            report.add((node, SH.sourceConstraintComponent, SH[r.component]))
        if r.path:
            report.add((node, SH.resultPath, URIRef(r.path)))
        report.add((node, SH.resultMessage, Literal(r.message)))
        if r.value:
            report.add((node, SH.value, URIRef(r.value) if r.value.startswith(("http://", "https://")) else Literal(r.value)))
    return report
