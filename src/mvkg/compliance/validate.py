"""`mvkg validate`: run the SHACL shapes (data quality + compliance) over the built graph
with one portfolio, and read the verdicts from the results. The default engine runs every
shape as set-oriented SPARQL inside the store (shaclcore, shaclfast); pyshacl is the
reference engine and runs the shapes the compiler does not know."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import count
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, Graph, Literal, Namespace

from mvkg.compliance.shaclcore import Compiled, compile_shapes
from mvkg.compliance.shaclfast import (
    Finding,
    compiled_tasks,
    findings_from_report,
    only_shapes,
    parallel,
    report_graph,
    sparql_constraint_tasks,
    without_sparql,
)
from mvkg.compliance.shapecheck import UndeterminedShapes, check_has_shapes, check_shapes
from mvkg.inputs.rdf_import import check_rdf, read_limited
from mvkg.kernel.errors import InputError
from mvkg.kernel.namespaces import MVKG, SKOS, portfolio_graph_iri, portfolio_node
from mvkg.kernel.resources import Resources
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace
from mvkg.query.isolated import ChildLimits, LimitReached, call_bounded
from mvkg.query.named import ask, construct, select
from mvkg.query.store import DataView, open_read_only, portfolio_view

SH = Namespace("http://www.w3.org/ns/shacl#")
# SHACL severity IRI → its notation (sh:Violation → "violation"), and the verdicts, from the ontology
SEVERITIES = {SH[c.notation.capitalize()]: c.notation for c in VOCABULARY.severities}
VERDICTS = VOCABULARY.verdicts.notations


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
    component: str = ""  # the SHACL constraint component's local name
    path: str = ""
    value: str = ""
    constraint: str = ""  # the SPARQL constraint's IRI (compliance checks)

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
    verdicts: dict[str, str]  # obligation IRI -> verdict
    obligations: tuple[ObligationInfo, ...]
    data: DataView  # the data as validated (`scoped`: maybe the union, with other portfolios visible);
    # follow-up queries must name the portfolio, as coverage's covering query does

    @property
    def report(self) -> Graph:
        """The results as a SHACL validation report graph."""
        return report_graph(self.results, self.conforms)

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "violation" for r in self.results)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.results if r.severity == s) for s in VOCABULARY.severities.notations}


def load_shapes(resources: Resources) -> Graph:
    g = Graph()
    files = sorted(resources.shapes.glob("*.ttl"))
    if not files:
        raise InputError("no SHACL shapes found", path=resources.shapes)
    for path in files:
        try:
            g.parse(path, format="turtle")
        except Exception as exc:
            raise InputError(f"cannot parse shapes: {exc}", path=path) from None
    return g


def portfolio_iri(store, name: str) -> ox.NamedNode:
    iri = ox.NamedNode(portfolio_node(name))
    if not ask(store, "portfolio_exists", union=False, graph=str(portfolio_graph_iri(name)), portfolio=iri):
        known = sorted(r["n"] for r in select(store, "portfolio_names", union=False))
        raise InputError(f"no portfolio named {name!r} in the built graph; known: {', '.join(known) or 'none'}")
    return iri


def to_rdflib(view: DataView) -> Graph:
    """What the view stands for, as an rdflib Graph (for pyshacl)."""
    g = Graph()
    try:
        g.parse(data="".join(f"{t} .\n" for t in construct(view.exact(), "all_triples")), format="nt")
    except RecursionError:  # rdflib reads an XML literal's markup recursively
        raise InputError("the graph holds an XML literal nested too deeply for pyshacl to read; "
                         "re-import that file (the import gate now limits its nesting)") from None
    return g


def data_graph(store, portfolio: str) -> Graph:
    """Everything a validation sees (data graphs plus one portfolio), as an rdflib Graph."""
    portfolio_iri(store, portfolio)
    return to_rdflib(portfolio_view(store, portfolio))


PORTFOLIO_VARIABLE = re.compile(r"[?$]portfolioNode\b")


def bind_portfolio(shapes: Graph, node: str | None, focused: bool = False) -> Graph:
    """The shapes with `$portfolioNode` in every SPARQL constraint bound to the validated
    portfolio's node (a copy; unchanged when `node` is None). On data with one portfolio
    this changes nothing; it lets the checks run where other portfolios are visible too.

    For all focus nodes the node replaces the variable, so Oxigraph starts from the
    portfolio's members. For a few (`focused`, re-validation) each occurrence becomes a
    fresh variable with a FILTER, so Oxigraph starts from the focus nodes instead: 2 ms
    rather than 40 ms per check at 100k triples. That needs every occurrence to start a
    triple pattern; otherwise the node replaces the variable there too."""
    selects = [(c, q) for c, q in shapes.subject_objects(SH.select) if PORTFOLIO_VARIABLE.search(str(q))]
    if node is None or not selects:
        return shapes
    bound = Graph()
    for t in shapes:
        bound.add(t)
    for c, q in selects:
        datatype = q.datatype if isinstance(q, Literal) else None
        bound.set((c, SH.select, Literal(_bound(str(q), node, focused), datatype=datatype)))
    return bound


def _bound(query: str, node: str, focused: bool) -> str:
    starts = all(query[:m.start()].rstrip()[-1:] in ("", ".", "{", "}") for m in PORTFOLIO_VARIABLE.finditer(query))
    if not (focused and starts):
        return PORTFOLIO_VARIABLE.sub(f"<{node}>", query)
    fresh = count()

    def variable(_match) -> str:
        v = f"?mvkgPortfolio{next(fresh)}"
        return f"FILTER ({v} = <{node}>) {v}"

    return PORTFOLIO_VARIABLE.sub(variable, query)


def scoped(view: DataView) -> DataView:
    """The view over the union of all graphs when that gives the same results for the
    bundled shapes, else the view itself. It does when every portfolio is isolated: each
    triple of a portfolio graph is about that portfolio, and no portfolio node occurs
    anywhere else. The shapes then see another portfolio only through triples about it,
    which the checks never reach (they name the portfolio by `$portfolioNode`) and whose
    findings `run_engine` drops."""
    if view.portfolio is None or view.graphs is None or view.union or not isinstance(view.store, ox.Store):
        return view  # (a remote endpoint reads "all graphs" as a longer list of graphs: no gain)
    prefix, node_prefix = str(portfolio_graph_iri("")), portfolio_node("")
    nodes = {g.value: portfolio_node(g.value[len(prefix):]) for g in view.store.named_graphs()
             if isinstance(g, ox.NamedNode) and g.value.startswith(prefix)}
    if not nodes or ask(view.store, "portfolio_strays", union=False, own=list(nodes),
                        graphs=ox.Literal(prefix), nodes=ox.Literal(node_prefix)):
        return view
    return replace(view, union=True, hidden=frozenset(nodes.values()) - {view.portfolio})


def obligation_info(view: DataView) -> dict[str, ObligationInfo]:
    """Resolution, section and item of every obligation in the validated data."""
    out = {}
    for r in select(view, "obligation_info"):
        iri = r["o"]
        out[iri] = ObligationInfo(iri, r["code"], r["heading"], r["item"],
                                  r["strength"].rsplit("#", 1)[-1], int(r["so"]), int(r["co"]))
    return out


def _constraint_meta(shapes: Graph) -> dict[str, tuple[str | None, bool]]:
    meta: dict[str, tuple[str | None, bool]] = {}
    for c in set(shapes.subjects(MVKG.reportsVerdict, None)):
        reported = shapes.value(c, MVKG.reportsVerdict)
        verdict = shapes.value(reported, SKOS.notation) or str(reported).rsplit("verdict-", 1)[-1]
        meta[str(c)] = (str(verdict), (c, MVKG.reportsMissingTheme, Literal(True)) in shapes)
    return meta


ENGINES = ("oxigraph", "pyshacl")


def _pyshacl_findings(data: Graph, shapes: Graph) -> list[Finding]:
    try:
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", abort_on_first=False,
                                       allow_warnings=True, advanced=False)
    except ReportableRuntimeError as exc:  # a shape pyshacl cannot load (a bad sh:minCount ...)
        raise InputError(f"a shape cannot be run: {' '.join(str(exc.message).split())[:300]}") from None
    return findings_from_report(report)


def run_engine(view: DataView, shapes: Graph, engine: str = "oxigraph", focus: tuple[str, ...] | None = None,
               compiled: Compiled | None = None) -> list[Finding]:
    """The SHACL results. 'pyshacl' runs every shape in pyshacl over an rdflib copy (the
    reference); 'oxigraph' runs the core shapes compiled to SPARQL and the SPARQL
    constraints set-at-a-time, in the store, and only shapes the compiler does not know in
    pyshacl. `focus` limits the oxigraph engine to these focus nodes (re-validation);
    `compiled` is the core shapes already compiled (they do not depend on the portfolio)."""
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine {engine!r}; choose from {', '.join(ENGINES)}")
    if engine == "pyshacl":
        data = to_rdflib(view)
        if len(set(data.subjects(RDF.type, MVKG.Portfolio))) > 1:  # else the variable binds itself, and
            shapes = bind_portfolio(shapes, view.portfolio)       # rdflib plans the unbound form better
        return _pyshacl_findings(data, shapes)
    if compiled is None:
        compiled = compile_shapes(without_sparql(shapes))
    shapes = bind_portfolio(shapes, view.portfolio, focused=focus is not None)
    findings = parallel(compiled_tasks(view, compiled, focus) + sparql_constraint_tasks(view, shapes, focus))
    if compiled.unsupported:
        findings += _pyshacl_findings(to_rdflib(view), only_shapes(without_sparql(shapes), compiled.unsupported))
    return [f for f in findings if f.focus not in view.hidden]


@dataclass(frozen=True)
class UserShapes:
    """Shapes from an analyst's files (checked), and the files they came from."""

    graph: Graph
    files: tuple[str, ...]

    def __iter__(self):
        return iter(self.graph)

    def __len__(self) -> int:
        return len(self.graph)


# an analyst's shapes run in a child under these limits (the shipped shapes need ~4 s at 1M triples)
USER_SHAPES_LIMITS = ChildLimits(seconds=300.0, memory_mb=4096)


def user_shapes(paths: list[Path]) -> UserShapes:
    """Extra shapes from files: through the strict upload gate, then the shape checks."""
    g = Graph()
    for path in paths:
        checked = check_rdf(read_limited(path), str(path))
        part = Graph()
        part.parse(data="".join(f"{t} .\n" for t in checked.triples), format="nt")
        check_has_shapes(part, str(path))
        check_shapes(part, str(path))
        for t in part:
            g.add(t)
    return UserShapes(g, tuple(str(p) for p in paths))


def shapes_for(resources: Resources, extra_shapes: Graph | None = None) -> Graph:
    shapes = load_shapes(resources)
    if extra_shapes is not None:
        for t in extra_shapes:
            shapes.add(t)
        check_shapes(shapes, "shapes")  # the combination may refer across files
    return shapes


@dataclass(frozen=True)
class Shapes:
    """The bundled shapes, parsed and with their core compiled: what every validation with
    them starts from (neither depends on the data, so a server can keep them between builds and
    share them, read-only, between sessions; compliance.incremental.shapes_key says when they
    must be read again)."""

    graph: Graph
    compiled: Compiled

    @classmethod
    def of(cls, resources: Resources) -> Shapes:
        graph = shapes_for(resources)
        return cls(graph, compile_shapes(without_sparql(graph)))


def validate(ws: Workspace | None, resources: Resources | None, portfolio: str, engine: str = "oxigraph",
             extra_shapes: Graph | UserShapes | None = None, store=None,
             limits: ChildLimits | None = None, shapes: Shapes | None = None) -> Validation:
    """Validate the built graph with one portfolio (`store`: an already opened graph, else the
    workspace's). `shapes`: the bundled shapes already parsed and compiled (`Shapes.of`), kept
    by a caller that validates often; else they are read from `resources`. With an analyst's
    own shapes the engines run in a child process under `limits` (default USER_SHAPES_LIMITS):
    a costly shape (a cross join in its sh:select) is stopped, and the run is undetermined,
    never endless."""
    if store is None:
        assert ws is not None, "validate needs a workspace or an opened store"
        store = open_read_only(ws)
    portfolio_iri(store, portfolio)
    view = portfolio_view(store, portfolio)
    if extra_shapes is None:  # shapes of the analyst's own may look at portfolios differently
        view = scoped(view)
        if shapes is not None:
            return validate_view(view, shapes.graph, portfolio, engine, compiled=shapes.compiled)
        assert resources is not None, "validate needs the resources or the shapes"
        return validate_view(view, shapes_for(resources), portfolio, engine)
    assert resources is not None, "validate with extra shapes needs the resources"
    combined = shapes_for(resources, extra_shapes.graph if isinstance(extra_shapes, UserShapes) else extra_shapes)
    files = ", ".join(extra_shapes.files) if isinstance(extra_shapes, UserShapes) else "the extra shapes"
    try:
        findings = call_bounded(lambda: run_engine(view, combined, engine), limits or USER_SHAPES_LIMITS,
                                what="the validation")
    except LimitReached as exc:
        raise UndeterminedShapes(f"validation is undetermined: {exc.message}; a shape's SPARQL or path may be too "
                                 "costly", path=files) from None
    except InputError as exc:  # a shape an engine cannot run: say which files were given
        raise InputError(exc.message, path=exc.path or files, line=exc.line) from None
    return assemble(view, combined, portfolio, findings, obligation_info(view))


def validate_view(view: DataView, shapes: Graph, portfolio: str, engine: str = "oxigraph",
                  compiled: Compiled | None = None) -> Validation:
    findings = run_engine(view, shapes, engine, compiled=compiled)
    return assemble(view, shapes, portfolio, findings, obligation_info(view))


def theme_labels(view: DataView) -> dict[str, str]:
    return {r["s"]: r["l"] for r in select(view, "concept_labels")}


def assemble(view: DataView, shapes: Graph, portfolio: str, findings: list[Finding],
             info: dict[str, ObligationInfo], labels: dict[str, str] | None = None) -> Validation:
    """Results, verdicts and ordering from the engine's findings."""
    meta = _constraint_meta(shapes)
    labels = theme_labels(view) if labels is None else labels
    results = []
    verdicts: dict[str, str] = {}
    for f in findings:
        verdict, reports_theme = meta.get(f.constraint, (None, False))
        ob = info.get(f.focus)
        if verdict and ob:
            verdicts[f.focus] = verdict
        results.append(Result(
            focus=f.focus,
            resolution=ob.resolution if ob else "",
            section=ob.section if ob else "",
            item=ob.item if ob else "",
            severity=SEVERITIES.get(f.severity, "violation"),
            shape=f.shape,
            message=f.message,
            verdict=verdict,
            missing_theme=labels.get(f.value) if reports_theme and f.value else None,
            component=f.component,
            path=f.path,
            value=f.value or "",
            constraint=f.constraint,
        ))
    for iri in info:
        verdicts.setdefault(iri, "covered")
    order = {"violation": 0, "warning": 1, "info": 2}
    results.sort(key=lambda r: (order[r.severity], r.resolution, _sort_key(info.get(r.focus)), r.message, r.focus, r.shape))
    rows = select(view, "portfolio_label", portfolio=portfolio_node(portfolio))
    label = rows[0]["l"] if rows else portfolio
    obligations = tuple(sorted(info.values(), key=lambda o: (o.resolution, o.section_order, o.clause_order)))
    return Validation(portfolio, label, tuple(results), verdicts, obligations, view)


def _sort_key(ob: ObligationInfo | None) -> tuple[int, int]:
    return (ob.section_order, ob.clause_order) if ob else (0, 0)
