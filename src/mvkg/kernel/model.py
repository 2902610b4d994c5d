"""Typed boundary objects passed between ingest, RDF generation and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """Verbatim text at code-point offsets [start, end) of the source file."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Tag:
    concept: str  # IRI of a theme or metaverse topic
    span: Span
    confidence: float = 1.0  # how sure ingest is that the text is about the concept (ontology/themes.ttl policy)


@dataclass(frozen=True)
class SdgRef:
    goal: int | None  # None for a generic mention ("the SDGs", "the 2030 Agenda")
    span: Span


@dataclass(frozen=True)
class SectionRecord:
    iri: str
    order: int
    verb: str  # IRI
    operative: bool
    heading: str  # as written, white space collapsed
    span: Span
    bearers: tuple[str, ...]
    collaborators: tuple[str, ...]
    line: int
    declaratory: bool = False  # an operative section that states a position: clauses, no obligations


@dataclass(frozen=True)
class ClauseRecord:
    iri: str
    section: str
    parent: str | None
    label: str
    path: str  # "1.ii", "" for an unnumbered paragraph
    order: int
    span: Span
    line: int


@dataclass(frozen=True)
class ObligationRecord:
    iri: str
    clause: str
    section: str
    item: str
    modality: str  # operative verb IRI
    strength: str  # "binding" | "recommendation"
    bearers: tuple[str, ...]
    collaborators: tuple[str, ...]
    implicit_bearer: bool
    action: str
    condition: Span | None
    deadline: Span | None
    lead_in: tuple[Span, ...]
    span: Span
    tags: tuple[Tag, ...]
    sdg_refs: tuple[SdgRef, ...]
    suggested: tuple[Tag, ...] = ()  # themes named in the text but not asserted (mvkg:suggestedTheme)


@dataclass(frozen=True)
class ResolutionMeta:
    """What the workspace records about a resolution besides its text (data/resolutions/CODE.json)."""

    code: str
    title: str | None = None
    proposer: str | None = None  # actor IRI
    document_numbers: tuple[str, ...] = ()
    date: str | None = None  # ISO yyyy-mm-dd
    status: str = "draft"
    related: tuple[str, ...] = ()  # codes of related drafts
    origin: str | None = None  # where the text came from
    original: str | None = None  # the published file kept beside the text (PDF, Word, HTML, XML)
    original_sha256: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "title": self.title,
            "proposer": self.proposer,
            "document_numbers": list(self.document_numbers),
            "date": self.date,
            "status": self.status,
            "related": list(self.related),
            "origin": self.origin,
            **({"original": self.original, "original_sha256": self.original_sha256} if self.original else {}),
        }


@dataclass(frozen=True)
class ResolutionRecord:
    meta: ResolutionMeta
    slug: str
    iri: str
    source_file: str  # workspace-relative path of the text the offsets point into
    sha256: str
    media_type: str
    assembly: str | None
    sections: tuple[SectionRecord, ...] = ()
    clauses: tuple[ClauseRecord, ...] = ()
    obligations: tuple[ObligationRecord, ...] = field(default=())
    minted_actors: tuple[tuple[str, str], ...] = ()  # (IRI, label) of actors named but not in the lexicon
    minted_verbs: tuple[tuple[str, str], ...] = ()  # (IRI, label) of heading verbs not in the lexicon
    warnings: tuple[tuple[int, str, str], ...] = ()  # (line, kind, message) for the analyst to check
    preamble_sdgs: tuple[SdgRef, ...] = ()  # explicit goals the preamble names
