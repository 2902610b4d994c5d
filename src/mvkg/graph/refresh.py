"""The incremental half of a live write: recompute only the named graphs fed by the inputs a
write touched, replace them in the built store, re-derive what depends on them, and say
which graphs changed. `graph/update.py` decides when this applies and commits the result.

What each kind of input feeds (the build's own readers make every graph, so a refreshed
graph is the graph a full build would make):

  assessments   → coverage
  portfolios    → portfolio/NAME (all of them: one may be defined `from` another)
  catalogue     → catalogue, portfolios (their members), coverage (its entries are checked)
  decisions     → alignments
  resolutions,
  corrections   → resolution/CODE, corrections, coverage, alignments, and the reasoner's
                  input: HermiT runs again unless build/reasoning.json has the same key
  extra         → extra/NAME (imported RDF may hold anything: every defined class is recomputed)

The inferred graph is the reasoner's types plus the members of the value-defined classes.
When the reasoner's input is unchanged, only the subjects of the replaced graphs' old and new
triples can change membership; they are looked up again, with one query per definition."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
from rdflib import Graph

from mvkg.graph.build import Derive, cached_reasoning, reasoning_input, reasoning_key
from mvkg.graph.reasoning import Materialised, Materialiser, defined_class_types
from mvkg.inputs.assessments import assessments_graph, load_assessments
from mvkg.inputs.catalogue import Entry, catalogue_graph, load_catalogue
from mvkg.inputs.corrections import corrected_entry, corrections_graph, load_corrections, stale_warnings
from mvkg.inputs.portfolios import load_portfolios, portfolio_graph
from mvkg.kernel.errors import InputError
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.model import ResolutionMeta
from mvkg.kernel.namespaces import GRAPH, portfolio_graph_iri, resolution_graph
from mvkg.kernel.workspace import Workspace
from mvkg.query.named import solutions
from mvkg.query.sparql import term_text
from mvkg.query.store import DataView

FEEDS = {
    "assessments": {"coverage"},
    "portfolios": {"portfolios"},
    "catalogue": {"catalogue", "portfolios", "coverage"},
    "decisions": {"alignments"},
    "resolutions": {"resolutions", "coverage", "alignments", "reasoning"},
    "corrections": {"resolutions", "coverage", "alignments", "reasoning"},
    "extra": {"extra", "reasoning"},
}
KINDS = tuple(FEEDS) + ("ontology",)  # an ontology change is a full build
INFERRED = str(GRAPH["inferred"])
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_NT = ox.RdfFormat.N_TRIPLES


def nt(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def _names(store: ox.Store, prefix: str) -> set[str]:
    return {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(prefix)}


@dataclass
class GraphEdit:
    """Graphs replaced in a store, each one's old content kept (what changed, what to undo remotely)."""

    store: ox.Store
    old: dict[str, bytes] = field(default_factory=dict)
    patched: dict[str, tuple[frozenset[ox.Triple], frozenset[ox.Triple]]] = field(default_factory=dict)

    def replace(self, graph: str, data: bytes | None = None, *, path=None, lenient: bool = False) -> None:
        """The graph's content becomes `data` (N-Triples) or the file at `path`; empty: it goes."""
        node = ox.NamedNode(graph)
        if graph not in self.old:
            self.old[graph] = (self.store.dump(format=_NT, from_graph=node) or b"") if self.store.contains_named_graph(node) else b""
        self.store.remove_graph(node)
        try:
            if path is not None:
                self.store.load(path=str(path), format=_NT, to_graph=node, lenient=lenient)
            elif data:
                self.store.load(data, format=_NT, to_graph=node)
        except SyntaxError as exc:
            raise InputError(f"invalid N-Triples: {exc}", path=path) from None

    def patch(self, graph: str, added: frozenset[ox.Triple], removed: frozenset[ox.Triple]) -> None:
        """Add and remove a few triples of a large graph (the inferred types) instead of replacing it."""
        node = ox.NamedNode(graph)
        for t in removed:
            self.store.remove(ox.Quad(t.subject, t.predicate, t.object, node))
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in added)
        self.patched[graph] = (added, removed)

    def changed(self) -> list[str]:
        """The graphs whose triples differ from before."""
        out = [graph for graph, (added, removed) in self.patched.items() if added or removed]
        for graph, before in self.old.items():
            now = self.store.dump(format=_NT, from_graph=ox.NamedNode(graph)) or b""
            if sorted(before.splitlines()) != sorted(now.splitlines()):
                out.append(graph)
        return sorted(set(out))

    def before(self, graph: str) -> bytes:
        """A changed graph's old N-Triples (to put back on a remote endpoint)."""
        if graph in self.old:
            return self.old[graph]
        added, removed = self.patched.get(graph, (frozenset(), frozenset()))
        now = {ox.Triple(q.subject, q.predicate, q.object)
               for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}
        return ox.serialize((now - added) | removed, format=_NT) or b""

    def subjects(self, leave_out: Iterable[str] = ()) -> set[ox.NamedNode]:
        """The named subjects of the triples the replacements added or took out (but in
        `leave_out`): a subject whose triples a replaced graph holds as before cannot have
        changed (one assessment recorded: its subject, not the other hundred of the graph)."""
        out: set[ox.NamedNode] = set()
        skip = set(leave_out)
        for graph, before in self.old.items():
            if graph in skip:
                continue
            now = self.store.dump(format=_NT, from_graph=ox.NamedNode(graph)) or b""
            old, new = set(before.splitlines()), set(now.splitlines())
            differing = b"\n".join(old ^ new)
            out |= {t.subject for t in ox.parse(differing, format=_NT) if isinstance(t.subject, ox.NamedNode)}
        return out


@dataclass
class Inputs:
    """What the refreshed graphs were made from (read once, shared by the steps)."""

    ws: Workspace
    lexicon: Lexicon | None
    obligations: set[str] | None = None
    entries: list[Entry] | None = None
    metas: list[ResolutionMeta] | None = None
    summary: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _resolutions(edit: GraphEdit, inputs: Inputs) -> None:
    ws, lex = inputs.ws, inputs.lexicon
    assert lex is not None
    corrections = load_corrections(ws)
    corrected = [corrected_entry(ws, e, lex, corrections) for e in ws.resolutions()]
    records = [r for r, _, _ in corrected]
    inputs.warnings += stale_warnings(ws, corrections, (fixed for _, _, fixed in corrected))
    wanted = {str(resolution_graph(r.slug)): g for r, g, _ in corrected}
    for gone in _names(edit.store, str(GRAPH["resolution/"])) - set(wanted):
        edit.replace(gone)
    for name, graph in wanted.items():
        edit.replace(name, nt(graph))
    edit.replace(str(GRAPH["corrections"]), nt(corrections_graph(a for _, _, fixed in corrected for a in fixed.applied)))
    inputs.obligations = {o.iri for r in records for o in r.obligations}
    inputs.metas = [r.meta for r in records]
    inputs.summary.update(resolutions=len(records), clauses=sum(len(r.clauses) for r in records),
                          obligations=len(inputs.obligations))


def _catalogue(edit: GraphEdit, inputs: Inputs) -> None:
    assert inputs.lexicon is not None
    inputs.entries = load_catalogue(inputs.ws, inputs.lexicon)
    edit.replace(str(GRAPH["catalogue"]), nt(catalogue_graph(inputs.entries)))
    inputs.summary["entries"] = len(inputs.entries)


def _portfolios(edit: GraphEdit, inputs: Inputs) -> None:
    ws, lex = inputs.ws, inputs.lexicon
    assert lex is not None
    portfolios = load_portfolios(ws)
    entries = inputs.entries if inputs.entries is not None else load_catalogue(ws, lex)
    graphs = {str(portfolio_graph_iri(name)): portfolio_graph(name, portfolios, entries, lex) for name in portfolios}
    files = {str(portfolio_graph_iri(p.stem)): p for p in ws.rdf_portfolio_files()}
    for path in ws.rdf_portfolio_files():
        if path.stem in portfolios:
            raise InputError(f"portfolio {path.stem!r} is defined twice (.json and .nt)", path=path)
    for gone in _names(edit.store, str(GRAPH["portfolio/"])) - set(graphs) - set(files):
        edit.replace(gone)
    for name, graph in graphs.items():
        edit.replace(name, nt(graph))
    for name, path in files.items():
        edit.replace(name, path=path)
    inputs.summary["portfolios"] = len(portfolios)


def _coverage(edit: GraphEdit, inputs: Inputs, known_obligations: set[str], known_entries: set[str]) -> None:
    obligations = inputs.obligations if inputs.obligations is not None else known_obligations
    entries = {e.iri for e in inputs.entries} if inputs.entries is not None else known_entries
    assessments = load_assessments(inputs.ws, obligations, entries)
    edit.replace(str(GRAPH["coverage"]), nt(assessments_graph(assessments)))
    inputs.summary["assessments"] = len(assessments)


def _extra(edit: GraphEdit, inputs: Inputs) -> None:
    files = {str(GRAPH["extra/" + p.stem]): p for p in inputs.ws.extra_files()}
    for gone in _names(edit.store, str(GRAPH["extra/"])) - set(files):
        edit.replace(gone)
    for name, path in files.items():
        edit.replace(name, path=path, lenient=True)


def refresh_inputs(edit: GraphEdit, inputs: Inputs, steps: set[str], known_obligations, known_entries) -> None:
    """Replace the graphs the steps make (known_*: callables giving what the build holds now)."""
    if "resolutions" in steps:
        _resolutions(edit, inputs)
    if "catalogue" in steps:
        _catalogue(edit, inputs)
    if "portfolios" in steps:
        _portfolios(edit, inputs)
    if "coverage" in steps:
        _coverage(edit, inputs, known_obligations() if inputs.obligations is None else set(),
                  known_entries() if inputs.entries is None else set())
    if "extra" in steps:
        _extra(edit, inputs)


def clear_derived(edit: GraphEdit, steps: set[str], derived: Mapping[str, Derive]) -> None:
    """Before a derivation or the reasoner runs, take out the inferred types and the derived
    graphs to be made again: the store then holds what the build's derivations see, its input
    graphs only. (Otherwise the inferred graph stays and is patched: `reason`.)"""
    if steps & {"alignments", "reasoning"}:
        for name in [INFERRED, *(derived if "alignments" in steps else ())]:
            edit.replace(name)


def refresh_derived(edit: GraphEdit, inputs: Inputs, steps: set[str], derived: Mapping[str, Derive]) -> None:
    if "alignments" not in steps:
        return
    metas = inputs.metas if inputs.metas is not None else [e.meta for e in inputs.ws.resolutions()]
    made = {name: nt(derive(inputs.ws, edit.store, metas)) for name, derive in derived.items()}
    for name, data in made.items():
        edit.replace(name, data)


@dataclass(frozen=True)
class Reasoned:
    types: tuple[tuple[str, str], ...]  # the inferred graph: (subject, class); empty with a patch
    materialised: Materialised  # the reasoner's part
    key: str
    fresh: bool  # the reasoner ran (its result is to be kept in build/reasoning.json)
    # or, with the inferred graph still in the store: the types to add and to take out
    patch: tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]] | None = None
    pending: bool = False  # provisional: the reasoner is still to run over this input (graph/pending.py)


def input_view(store: ox.Store) -> DataView:
    """The store without its inferred graph: what the build's derivations see."""
    graphs = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value != INFERRED),
                    key=lambda g: g.value)
    return DataView(store, tuple(graphs))


def defined_for(store: ox.Store | DataView, nodes: Iterable[ox.NamedNode]) -> set[tuple[str, str]]:
    """Which of `nodes` are members of which value-defined class (defined_class_types, for a few)."""
    chosen = sorted(nodes, key=lambda n: n.value)
    return set(defined_class_types(store, chosen)) if chosen else set()


def reason(edit: GraphEdit, ws: Workspace, inputs: dict[str, str], steps: set[str], *, defer: bool = False,
           provisional: str | None = None) -> Reasoned:
    """The new inferred graph, with the store holding its input graphs only (`clear_derived`).
    The reasoner runs when its input changed and build/reasoning.json does not hold the answer.
    When its input is unchanged, the value-defined classes are looked up again only for the
    subjects the replaced graphs touched; every other inferred type stays.

    With `defer`, or while the reasoning of an earlier write is still pending for this same input
    (`provisional`: the key it is to answer), the reasoner does not run here: the result is
    provisional (`pending`), the reasoner's last answer for the subjects still there and the
    value-defined classes looked up again; graph/pending.py runs the reasoner after the commit."""
    store = edit.store
    key = reasoning_key(inputs, store)
    ready = cached_reasoning(ws, key)
    pending = ready is None and (defer or key == provisional)
    last = cached_reasoning(ws, None) if pending else ready
    done = last.result() if last is not None else Materialised("", (), None)
    if pending:  # the last answer is for another input: its value-defined memberships are looked up anew
        defined_classes = {term_text(row[0]) for row in solutions(store, "defined_classes", union=False)[1]}
        done = replace(done, types=tuple((s, c) for s, c in done.types if c not in defined_classes))
    if (pending or ready is not None) and "reasoning" not in steps:
        touched = edit.subjects(leave_out=[INFERRED])
        names = {n.value for n in touched}
        mine = {(s, c) for s, c in done.types if s in names}
        if INFERRED in edit.old:  # taken out for a derivation: made whole again
            old = {(t.subject.value, t.object.value) for t in ox.parse(edit.old[INFERRED], format=_NT)}
            kept = {(s, c) for s, c in old if s not in names}
            return Reasoned(tuple(sorted(kept | mine | defined_for(store, touched))), done, key, False, pending=pending)
        graph = ox.NamedNode(INFERRED)
        before = frozenset((term_text(q.subject), term_text(q.object)) for n in touched
                           for q in store.quads_for_pattern(n, _RDF_TYPE, None, graph))
        after = frozenset(mine | defined_for(input_view(store), touched))
        return Reasoned((), done, key, False, (after - before, before - after), pending)
    if pending:  # the reasoner's last types of the subjects still there, the defined classes anew
        kept = {(s, c) for s, c in done.types if next(store.quads_for_pattern(ox.NamedNode(s), None, None), None)}
        return Reasoned(tuple(sorted(kept | set(defined_class_types(store)))), done, key, False, pending=True)
    reasoner = ready or Materialiser(reasoning_input(store))
    try:
        defined = defined_class_types(store)
        done = reasoner.result()
    except BaseException:
        reasoner.stop()
        raise
    return Reasoned(tuple(sorted(set(done.types) | set(defined))), done, key, ready is None)
