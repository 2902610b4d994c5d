"""The lexicon: verbs, actors, themes, topics, SDGs and structural patterns, read from the
ontology. Nothing here knows a keyword: every word the ingest recognises comes from
`ontology/*.ttl` (labels, alt labels, hidden labels and mvkg:matchPattern)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from mvkg.kernel.errors import InputError
from mvkg.kernel.namespaces import MVKG, SKOS

_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Match:
    """One recognised mention: which concept, where (offsets into the searched text), what."""

    iri: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Matcher:
    """Recognises one concept in text by its labels and patterns."""

    iri: str
    regexes: tuple[re.Pattern[str], ...]

    def finditer(self, text: str) -> Iterable[Match]:
        for rx in self.regexes:
            for m in rx.finditer(text):
                if m.end() > m.start():
                    yield Match(self.iri, m.start(), m.end(), m.group(0))


@dataclass(frozen=True)
class Concept:
    iri: str
    label: str
    notation: str
    broader: tuple[str, ...]


@dataclass(frozen=True)
class Verb:
    iri: str
    label: str
    notation: str
    operative: bool
    strength: str | None
    labels: tuple[str, ...]
    declaratory: bool = False  # operative, but states a position: a clause, not an obligation
    infinitive: str | None = None  # "instruct": how a clause under another heading hands on this duty
    hands_on: bool = False  # a clause under this verb may hand its duty on ("resolves … 8 to instruct …")


@dataclass(frozen=True)
class Actor:
    iri: str
    label: str
    notation: str
    head: str | None
    number: int | None
    study_group: bool
    regional: bool
    default_bearer: str | None
    part_of: str | None = None
    homonym_of: str | None = None  # the other organization's actor named by the same words
    symbol_prefix: str | None = None  # an adopting body's resolution symbols begin so ("A/HRC/RES/")


@dataclass(frozen=True)
class Lexicon:
    verbs: tuple[Verb, ...]
    heading_rx: re.Pattern[str]
    verb_by_label: dict[str, Verb]
    actors: dict[str, Actor]
    actor_matchers: tuple[Matcher, ...]
    themes: dict[str, Concept]
    theme_matchers: tuple[Matcher, ...]
    topics: dict[str, Concept]
    topic_matchers: tuple[Matcher, ...]
    sdgs: dict[int, str]
    patterns: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    # the same operative verbs in the first person ("We … Recognize", "Commit"), as the
    # paragraphs of a declaration annexed to a resolution open
    first_person_rx: re.Pattern[str] | None = None
    warning_factors: dict[str, float] = field(default_factory=dict)  # extraction warning kind -> confidence factor
    theme_policy: dict[str, float] = field(default_factory=dict)  # theme tagging numbers on mvkg:ThemeScheme
    themes_named_anywhere: frozenset[str] = frozenset()  # mvkg:namedAnywhere themes: position says nothing

    def pattern(self, role: str) -> tuple[re.Pattern[str], ...]:
        return self.patterns.get(role, ())

    def verb_for(self, heading_word: str) -> Verb:
        return self.verb_by_label[_norm(heading_word)]

    def first_person_verb(self, text: str) -> tuple[Verb, int] | None:
        """A capitalised first-person operative verb opening `text`: the verb and where its
        phrase ends."""
        m = self.first_person_rx.match(text) if self.first_person_rx else None
        if m is None or not text.lstrip()[:1].isupper():
            return None
        return self.verb_by_label[_norm(m.group("verb"))], m.end("verb")

    def notations(self, kind: str) -> dict[str, str]:
        """notation -> IRI for 'theme', 'topic' or 'actor'."""
        tables: dict[str, Mapping[str, Concept] | Mapping[str, Actor]] = {
            "theme": self.themes, "topic": self.topics, "actor": self.actors}
        return {c.notation: iri for iri, c in tables[kind].items()}

    def within(self, actor: str, unit: str) -> bool:
        """True when `actor` is `unit` or part of it (a study group is within ITU-T)."""
        seen = set()
        current: str | None = actor
        while current and current not in seen:
            if current == unit:
                return True
            seen.add(current)
            current = self.actors[current].part_of if current in self.actors else None
        return False

    def study_group(self, number: int) -> Actor | None:
        for actor in self.actors.values():
            if actor.study_group and actor.number == number:
                return actor
        return None


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def phrase_regex(phrase: str) -> str:
    """A label as a regex: case-insensitive, any run of white space, whole words only."""
    words = [re.escape(w) for w in phrase.split()]
    return r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])"


def _literals(g: Graph, s: Node, p: URIRef) -> list[str]:
    return sorted(str(o) for o in g.objects(s, p))


def _one(g: Graph, s: Node, p: URIRef) -> str | None:
    values = _literals(g, s, p)
    return values[0] if values else None


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, _FLAGS)
    except re.error as exc:
        raise InputError(f"invalid mvkg:matchPattern on {where}: {exc}") from None


def _matcher(g: Graph, s: Node) -> Matcher:
    labels = [
        *_literals(g, s, SKOS.prefLabel),
        *_literals(g, s, SKOS.altLabel),
        *_literals(g, s, SKOS.hiddenLabel),
    ]
    regexes = []
    if labels:
        alternation = "|".join(phrase_regex(x) for x in sorted(set(labels), key=len, reverse=True))
        regexes.append(_compile(alternation, str(s)))
    regexes += [_compile(p, str(s)) for p in _literals(g, s, MVKG.matchPattern)]
    return Matcher(str(s), tuple(regexes))


def _concepts(g: Graph, cls: URIRef) -> tuple[dict[str, Concept], tuple[Matcher, ...]]:
    concepts: dict[str, Concept] = {}
    matchers = []
    for s in sorted(g.subjects(RDF.type, cls), key=str):
        concepts[str(s)] = Concept(
            iri=str(s),
            label=_one(g, s, SKOS.prefLabel) or str(s),
            notation=_one(g, s, SKOS.notation) or str(s).rsplit("/", 1)[-1],
            broader=tuple(sorted(str(o) for o in g.objects(s, SKOS.broader))),
        )
        matchers.append(_matcher(g, s))
    return concepts, tuple(matchers)


def _verbs(g: Graph) -> tuple[Verb, ...]:
    verbs = []
    for cls, operative in ((MVKG.OperativeVerb, True), (MVKG.DeclaratoryVerb, True), (MVKG.PreambularVerb, False)):
        for s in sorted(g.subjects(RDF.type, cls), key=str):
            strength = g.value(s, MVKG.hasStrength)
            labels = tuple(_literals(g, s, SKOS.prefLabel) + _literals(g, s, SKOS.altLabel))
            verbs.append(
                Verb(
                    iri=str(s),
                    label=_one(g, s, SKOS.prefLabel) or str(s),
                    notation=_one(g, s, SKOS.notation) or str(s).rsplit("/", 1)[-1],
                    operative=operative,
                    strength=str(strength).rsplit("#", 1)[-1] if strength else None,
                    labels=labels,
                    declaratory=cls == MVKG.DeclaratoryVerb,
                    infinitive=_one(g, s, MVKG.infinitive),
                    hands_on=_one(g, s, MVKG.handsOn) == "true",
                )
            )
    return tuple(verbs)


def _first_person(label: str) -> str:
    """'recognizes' → 'recognize', 'stresses' → 'stress', 'calls upon' → 'call upon'."""
    first, _, rest = label.partition(" ")
    if first.endswith(("sses", "ches", "shes", "xes")):
        first = first[:-2]
    elif first.endswith("s") and not first.endswith("ss"):
        first = first[:-1]
    return f"{first} {rest}".strip()


def _first_person_rx(labels: tuple[str, ...], modifiers: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    if not labels:
        return None
    alternation = "|".join(r"\s+".join(re.escape(w) for w in lab.split()) for lab in sorted(labels, key=len, reverse=True))
    mods = "|".join(f"(?:{m.pattern})" for m in modifiers)
    before = rf"(?:(?:{mods})\s+)??" if mods else ""
    return re.compile(r"^[ \t]*" + before + r"(?P<verb>" + alternation + r")(?![\w-])", re.IGNORECASE)


def _heading_rx(verbs: tuple[Verb, ...], modifiers: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """A heading: optional modifiers before the verb ("Also requests", "Strongly urges") and
    after it ("Requests also"), from the verb-modifier patterns; the bare verb is tried first."""
    labels = sorted({lab for v in verbs for lab in v.labels}, key=len, reverse=True)
    alternation = "|".join(r"\s+".join(re.escape(w) for w in lab.split()) for lab in labels)
    mods = "|".join(f"(?:{m.pattern})" for m in modifiers)
    before = rf"(?P<mod>(?:(?:{mods})\s+)+)??" if mods else ""
    after = rf"(?:\s+(?:{mods}))?" if mods else ""
    return re.compile(r"^[ \t]*" + before + r"(?P<verb>" + alternation + r")" + after + r"(?![\w-])(?P<rest>.*)$",
                      re.IGNORECASE | re.DOTALL)


def _actors(g: Graph) -> tuple[dict[str, Actor], tuple[Matcher, ...]]:
    classes = (MVKG.Organization, MVKG.StudyGroup, MVKG.StandardsBody, MVKG.Post,
               MVKG.MemberGroup, MVKG.RegionalOrganization)
    subjects = sorted({s for c in classes for s in g.subjects(RDF.type, c)}, key=str)
    actors: dict[str, Actor] = {}
    matchers = []
    for s in subjects:
        head = g.value(s, MVKG.head)
        number = g.value(s, MVKG.number)
        default = g.value(s, MVKG.defaultBearer)
        part_of = g.value(s, MVKG.partOf)
        homonym = g.value(s, MVKG.homonymOf)
        actors[str(s)] = Actor(
            iri=str(s),
            label=_one(g, s, SKOS.prefLabel) or str(s),
            notation=_one(g, s, SKOS.notation) or str(s).rsplit("/", 1)[-1],
            head=str(head) if head else None,
            number=int(str(number)) if number is not None else None,
            study_group=(s, RDF.type, MVKG.StudyGroup) in g,
            regional=(s, RDF.type, MVKG.RegionalOrganization) in g,
            default_bearer=str(default) if default else None,
            part_of=str(part_of) if part_of else None,
            homonym_of=str(homonym) if homonym else None,
            symbol_prefix=_one(g, s, MVKG.symbolPrefix),
        )
        matchers.append(_matcher(g, s))
    return actors, tuple(matchers)


def _patterns(g: Graph) -> dict[str, tuple[re.Pattern[str], ...]]:
    by_role: dict[str, list[re.Pattern[str]]] = {}
    for s in sorted(g.subjects(RDF.type, MVKG.TextPattern), key=str):
        role = g.value(s, MVKG.hasPatternRole)
        if role is None:
            continue
        name = str(role).rsplit("#role-", 1)[-1]
        by_role.setdefault(name, []).extend(_compile(p, str(s)) for p in _literals(g, s, MVKG.matchPattern))
    return {k: tuple(v) for k, v in by_role.items()}


def _sdgs(g: Graph) -> dict[int, str]:
    numbers = {s: g.value(s, MVKG.number) for s in g.subjects(RDF.type, MVKG.SustainableDevelopmentGoal)}
    return {int(str(n)): str(s) for s, n in numbers.items() if n is not None}


def _warning_factors(g: Graph) -> dict[str, float]:
    """Extraction warning kind (its notation) -> what it multiplies an obligation's confidence by."""
    out = {}
    for kind in g.subjects(RDF.type, MVKG.ExtractionWarningKind):
        notation, factor = g.value(kind, SKOS.notation), g.value(kind, MVKG.confidenceFactor)
        if notation is not None and factor is not None:
            out[str(notation)] = float(str(factor))
    return out


def _theme_policy(g: Graph) -> dict[str, float]:
    """The numbers of the theme tagging policy, stated on the theme scheme (ontology/themes.ttl),
    by property local name ("operativeWords", "lateConfidence" ...)."""
    out: dict[str, float] = {}
    for p, o in g.predicate_objects(MVKG.ThemeScheme):
        value = o.toPython() if isinstance(o, Literal) else None
        if str(p).startswith(str(MVKG)) and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            out[str(p).rsplit("#", 1)[-1]] = float(value)
    return out


def lexicon_from_graph(g: Graph) -> Lexicon:
    verbs = _verbs(g)
    actors, actor_matchers = _actors(g)
    themes, theme_matchers = _concepts(g, MVKG.Theme)
    topics, topic_matchers = _concepts(g, MVKG.MetaverseTopic)
    by_label = {_norm(lab): v for v in verbs for lab in v.labels}
    first_person = {_first_person(lab): v for v in verbs if v.operative for lab in v.labels if _first_person(lab) != lab}
    by_label.update({_norm(lab): v for lab, v in first_person.items() if _norm(lab) not in by_label})
    patterns = _patterns(g)
    return Lexicon(
        verbs=verbs,
        heading_rx=_heading_rx(verbs, patterns.get("verb-modifier", ())),
        first_person_rx=_first_person_rx(tuple(first_person), patterns.get("verb-modifier", ())),
        verb_by_label=by_label,
        actors=actors,
        actor_matchers=actor_matchers,
        themes=themes,
        theme_matchers=theme_matchers,
        topics=topics,
        topic_matchers=topic_matchers,
        sdgs=_sdgs(g),
        patterns=patterns,
        warning_factors=_warning_factors(g),
        theme_policy=_theme_policy(g),
        themes_named_anywhere=frozenset(str(t) for t, v in g.subject_objects(MVKG.namedAnywhere)
                                        if isinstance(v, Literal) and v.toPython() is True),
    )


def load_ontology_graph(files: Iterable[Path]) -> Graph:
    g = Graph()
    for path in files:
        try:
            g.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many types for bad Turtle
            raise InputError(f"cannot parse ontology file: {exc}", path=path) from None
    return g


def find_mentions(matchers: Iterable[Matcher], text: str) -> list[Match]:
    """All mentions, longest first where they overlap, in text order."""
    found = sorted(
        (m for matcher in matchers for m in matcher.finditer(text)),
        key=lambda m: (m.start, -(m.end - m.start), m.iri),
    )
    chosen: list[Match] = []
    taken_until = -1
    for m in found:
        if m.start >= taken_until:
            chosen.append(m)
            taken_until = m.end
    return chosen
