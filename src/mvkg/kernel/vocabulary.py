"""The closed value lists of mvkg, read from the ontology (their schemes are in `ontology/coverage.ttl`): verdicts,
catalogue entry kinds and statuses, coverage relations, assessment methods, finding severities,
alignment relations, review statuses and resolution statuses, each with its notation, label,
order, icon and colour. A new verdict or status is a Turtle edit, not a Python one.

Read once, when the module is first imported; the result is immutable."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from mvkg.kernel.errors import WorkspaceError
from mvkg.kernel.namespaces import MVKG, SKOS
from mvkg.kernel.resources import find_resources

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _p(ns: object, name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ns}{name}")


@dataclass(frozen=True)
class Concept:
    iri: str
    notation: str
    label: str
    definition: str
    order: int
    icon: str = ""
    colour: str = ""
    in_force: bool = False

    @property
    def mark(self) -> str:
        """Icon and label together ("✔ covered"): how a value is shown, never by colour alone."""
        return f"{self.icon} {self.notation}".strip()


@dataclass(frozen=True)
class Scheme:
    iri: str
    concepts: tuple[Concept, ...]

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    @property
    def notations(self) -> tuple[str, ...]:
        return tuple(c.notation for c in self.concepts)

    def get(self, notation: str) -> Concept:
        for c in self.concepts:
            if c.notation == notation:
                return c
        raise KeyError(notation)

    def iri_of(self, notation: str) -> str:
        return self.get(notation).iri

    def by_iri(self) -> dict[str, Concept]:
        return {c.iri: c for c in self.concepts}

    @property
    def marks(self) -> dict[str, str]:
        return {c.notation: c.mark for c in self.concepts}


@dataclass(frozen=True)
class Vocabulary:
    verdicts: Scheme
    entry_kinds: Scheme
    entry_statuses: Scheme
    relations: Scheme
    methods: Scheme
    severities: Scheme
    alignment_relations: Scheme
    review_statuses: Scheme
    resolution_statuses: Scheme
    assessment_reviews: Scheme  # draft, reviewed

    @property
    def in_force_statuses(self) -> tuple[str, ...]:
        return tuple(c.notation for c in self.entry_statuses if c.in_force)


_SCHEMES = {
    "verdicts": "VerdictScheme", "entry_kinds": "EntryKindScheme", "entry_statuses": "EntryStatusScheme",
    "relations": "RelationScheme", "methods": "AssessmentMethodScheme", "severities": "SeverityScheme",
    "alignment_relations": "AlignmentRelationScheme", "review_statuses": "ReviewStatusScheme",
    "resolution_statuses": "ResolutionStatusScheme", "assessment_reviews": "AssessmentReviewScheme",
}


def _value(triples: dict[tuple[str, str], str], subject: str, prop: ox.NamedNode) -> str:
    return triples.get((subject, prop.value), "")


def load_vocabulary(paths: list[Path]) -> Vocabulary:
    quads = []
    for path in paths:
        try:
            quads += list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except (OSError, SyntaxError) as exc:
            raise WorkspaceError(f"cannot read the value schemes: {exc}", path=path) from None
    values: dict[tuple[str, str], str] = {}
    members: dict[str, list[str]] = {}
    in_scheme = _p(SKOS, "inScheme").value
    for q in quads:
        if q.predicate.value == in_scheme:
            members.setdefault(q.object.value, []).append(q.subject.value)
        elif q.predicate != _RDF_TYPE and not (isinstance(q.object, ox.Literal) and q.object.language not in (None, "en")):
            values[(q.subject.value, q.predicate.value)] = q.object.value
    schemes = {}
    for field, local in _SCHEMES.items():
        iri = f"{MVKG}{local}"
        concepts = [_concept(values, c) for c in members.get(iri, [])]
        if not concepts:
            raise WorkspaceError(f"the value scheme mvkg:{local} has no concepts in {', '.join(p.name for p in paths)}")
        schemes[field] = Scheme(iri, tuple(sorted(concepts, key=lambda c: (c.order, c.notation))))
    return Vocabulary(**schemes)


def _concept(values: dict[tuple[str, str], str], iri: str) -> Concept:
    order = _value(values, iri, _p(MVKG, "displayOrder"))
    return Concept(
        iri=iri, notation=_value(values, iri, _p(SKOS, "notation")), label=_value(values, iri, _p(SKOS, "prefLabel")),
        definition=_value(values, iri, _p(SKOS, "definition")), order=int(order) if order else 999,
        icon=_value(values, iri, _p(MVKG, "icon")), colour=_value(values, iri, _p(MVKG, "colour")),
        in_force=_value(values, iri, _p(MVKG, "inForce")) == "true")


VOCABULARY: Final[Vocabulary] = load_vocabulary(find_resources().ontology_files())
