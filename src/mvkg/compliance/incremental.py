"""Re-validation after a small change (one assessment, a portfolio member, an entry's
status), limited to what the change can affect, with the coverage tallies the UI shows
(per theme, bearer, resolution and SDG) updated by the difference instead of recounted.

A `LiveValidation` owns an in-memory copy of one portfolio's data, so changes never touch
the built store. Which focus nodes a change can affect:
  - the subjects of the changed triples (and the objects of mvkg:member, coveredBy and
    assessedObligation links), and every node that points at one of them (a removed type
    or status can break a sh:class or sh:in elsewhere);
  - every obligation that an affected node assesses, or that is assessed against an
    affected catalogue entry (a member, status or theme change of an entry).
Every shape is then run again for those focus nodes only; tests/test_scale.py checks
the result equals a full validation after the same change."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph

from mvkg.compliance.shaclcore import Compiled, compile_shapes
from mvkg.compliance.shaclfast import Finding, without_sparql
from mvkg.compliance.validate import (
    Shapes,
    Validation,
    assemble,
    obligation_info,
    run_engine,
    theme_labels,
    validate,
)
from mvkg.kernel.namespaces import MVKG
from mvkg.kernel.resources import Resources
from mvkg.query.named import select, solutions
from mvkg.query.store import DataView, memory_copy, to_oxigraph

# dimension -> the named query listing each obligation's keys in it (?o ?k)
DIMENSIONS = {"theme": "tally_theme", "bearer": "tally_bearer", "resolution": "tally_resolution", "sdg": "tally_sdg"}


@dataclass
class Tally:
    """Verdict counts per (dimension, key), e.g. ("theme", theme IRI) -> Counter."""

    keys: dict[str, list[tuple[str, str]]]  # obligation -> [(dimension, key)]
    counts: dict[tuple[str, str], Counter] = field(default_factory=dict)

    @classmethod
    def of(cls, view: DataView, verdicts: dict[str, str]) -> Tally:
        keys: dict[str, list[tuple[str, str]]] = {}
        for dim, query in DIMENSIONS.items():
            for r in select(view, query):
                keys.setdefault(r["o"], []).append((dim, r["k"]))
        tally = cls(keys)
        for ob, verdict in verdicts.items():
            tally.move(ob, None, verdict)
        return tally

    def move(self, obligation: str, old: str | None, new: str | None) -> None:
        for key in self.keys.get(obligation, ()):
            c = self.counts.setdefault(key, Counter())
            if old:
                c[old] -= 1
            if new:
                c[new] += 1

    def by(self, dimension: str) -> dict[str, dict[str, int]]:
        return {k: {v: n for v, n in c.items() if n} for (d, k), c in sorted(self.counts.items()) if d == dimension}


def judge(store, shapes: Shapes, portfolio: str) -> Validation:
    """What `validate` answers with the bundled shapes (the built graph, one portfolio), from
    shapes already compiled: `validate` itself, given them."""
    return validate(None, None, portfolio, store=store, shapes=shapes)


def shapes_key(resources: Resources) -> str:
    """The sha256 of the bundled shapes files (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(resources.shapes.glob("*.ttl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass
class LiveValidation:
    view: DataView
    shapes: Graph
    portfolio: str
    findings: list[Finding]
    run: Validation
    tally: Tally
    labels: dict[str, str]
    compiled: Compiled  # the core shapes, compiled once for every re-validation
    members: frozenset[str] = frozenset()  # the portfolio's members now
    added: frozenset[ox.Triple] = frozenset()  # triples `move_to` added that were not in the data

    @classmethod
    def start(cls, view: DataView, shapes: Graph | Shapes, portfolio: str) -> LiveValidation:
        """`shapes`: the shapes graph, or the shapes already compiled (`Shapes`)."""
        own = memory_copy(view)
        graph = shapes.graph if isinstance(shapes, Shapes) else shapes
        compiled = shapes.compiled if isinstance(shapes, Shapes) else compile_shapes(without_sparql(shapes))
        findings = run_engine(own, graph, compiled=compiled)
        labels = theme_labels(own)
        run = assemble(own, graph, portfolio, findings, obligation_info(own), labels)
        members = (frozenset(r["e"] for r in select(own, "portfolio_members", portfolio=own.portfolio))
                   if own.portfolio else frozenset())
        return cls(own, graph, portfolio, findings, run, Tally.of(own, run.verdicts), labels, compiled, members)

    def move_to(self, members: tuple[str, ...], extra: Graph | None = None) -> Validation:
        """Bring the data to a what-if state, the difference from the current one applied
        as one change: the portfolio's members become `members`, and `extra` (hypothetical
        entries and assessments) replaces the extra triples of the previous state."""
        node, member = ox.NamedNode(self.view.portfolio or ""), ox.NamedNode(str(MVKG.member))
        wanted = frozenset(members)
        store = self._store()
        extra_now = {ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in (extra or ())}
        new_extra = frozenset(t for t in extra_now if t in self.added or ox.Quad(*t) not in store)
        added = [ox.Triple(node, member, ox.NamedNode(e)) for e in sorted(wanted - self.members)]
        removed = [ox.Triple(node, member, ox.NamedNode(e)) for e in sorted(self.members - wanted)]
        added += sorted(new_extra - self.added, key=str)
        removed += sorted(self.added - new_extra, key=str)
        self.members, self.added = wanted, new_extra
        return self.apply(added, removed) if added or removed else self.run

    def _store(self) -> ox.Store:
        """The private in-memory copy this validation changes (`memory_copy`)."""
        assert isinstance(self.view.store, ox.Store)
        return self.view.store

    def apply(self, added: Sequence[ox.Triple] = (), removed: Sequence[ox.Triple] = ()) -> Validation:
        """Change the data and re-validate what the change can affect."""
        store = self._store()
        linking = {str(MVKG.member), str(MVKG.coveredBy), str(MVKG.assessedObligation)}
        touched = {t.subject for t in [*added, *removed]} | {t.object for t in [*added, *removed]
                                                             if t.predicate.value in linking}
        before = self._affected(touched)
        for t in removed:
            store.remove(ox.Quad(t.subject, t.predicate, t.object))
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in added)
        focus = tuple(sorted(before | self._affected(touched)))
        fresh = run_engine(self.view, self.shapes, focus=focus, compiled=self.compiled) if focus else []
        chosen = set(focus)
        self.findings = [f for f in self.findings if f.focus not in chosen] + fresh
        info = {o.iri: o for o in self.run.obligations}
        changed_obligation = any(isinstance(t.subject, ox.NamedNode) and t.subject.value in info
                                 for t in [*added, *removed])
        if changed_obligation:  # its themes, bearers ... may have changed too
            info = obligation_info(self.view)
        old = self.run.verdicts
        self.run = assemble(self.view, self.shapes, self.portfolio, self.findings, info, self.labels)
        if changed_obligation:
            self.tally = Tally.of(self.view, self.run.verdicts)
            return self.run
        for ob in chosen | (set(old) ^ set(self.run.verdicts)):
            if old.get(ob) != self.run.verdicts.get(ob):
                self.tally.move(ob, old.get(ob), self.run.verdicts.get(ob))
        return self.run

    def _affected(self, nodes: set) -> set[str]:
        if not nodes:
            return set()
        _, rows = solutions(self.view, "affected_focus", n=list(nodes))
        return {n.value for n in nodes} | {f.value for (f,) in rows if isinstance(f, ox.NamedNode)}
