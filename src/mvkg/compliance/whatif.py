"""What-if: a hypothetical proposed standard and the obligations it would cover, as RDF to
judge (through mvkg.incremental.LiveValidation.move_to) before anything is saved; the what-if
state of a portfolio (ticked entries plus hypothetical ones) and how its projected verdicts
compare with the current ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from mvkg.compliance.coverage import Coverage
from mvkg.inputs.catalogue import entry_iri
from mvkg.kernel.errors import InputError
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.namespaces import ACTOR, ID, MVKG, obligation_iri
from mvkg.kernel.vocabulary import VOCABULARY

# What an analyst starts from when adding a hypothetical standard.
EXAMPLE_ID = "Draft X.meta-privacy"
EXAMPLE_TITLE = "Privacy-enhancing technologies for metaverse platforms"
DEFAULT_PUBLISHER = str(ACTOR["itu-t"])
# The statuses a hypothetical entry can have (any but withdrawn, the least advanced first) and
# the coverage it can claim: the relations by which an entry covers an obligation.
STATUSES = tuple(c.notation for c in reversed(VOCABULARY.entry_statuses.concepts) if c.notation != "withdrawn")
RELATIONS = ("full", "partial")


@dataclass(frozen=True)
class Hypothetical:
    id: str
    title: str
    status: str  # usually "proposed"
    themes: tuple[str, ...]  # theme IRIs
    publisher: str  # actor IRI
    covers: tuple[tuple[str, str], ...]  # (obligation short id, relation)


def hypothetical_graph(h: Hypothetical) -> Graph:
    if not h.id.strip():
        raise InputError("a hypothetical standard needs an id")
    g = Graph()
    e = URIRef(entry_iri(h.id))
    g.add((e, RDF.type, MVKG.Standard))
    g.add((e, MVKG.identifier, Literal(h.id)))
    g.add((e, MVKG.title, Literal(h.title or h.id)))
    g.add((e, RDFS.label, Literal(f"{h.id}: {h.title} (hypothetical)")))
    g.add((e, MVKG.hasEntryStatus, MVKG["status-" + h.status]))
    g.add((e, MVKG.kind, MVKG["kind-standard"]))
    g.add((e, MVKG.publisher, URIRef(h.publisher)))
    g.add((e, MVKG.sourceUrl, Literal("urn:mvkg:what-if", datatype=XSD.anyURI)))
    g.add((e, MVKG.note, Literal("hypothetical entry (what-if, not saved)")))
    for t in h.themes:
        g.add((e, MVKG.hasTheme, URIRef(t)))
    for short, relation in h.covers:
        a = URIRef(str(ID[f"assessment/whatif/{short}"]))
        g.add((a, RDF.type, MVKG.CoverageAssessment))
        g.add((a, MVKG.assessedObligation, URIRef(obligation_iri(short))))
        g.add((a, MVKG.coveredBy, e))
        g.add((a, MVKG.hasRelation, MVKG["relation-" + relation]))
        g.add((a, MVKG.rationale, Literal("what-if: assumed by the analyst")))
        g.add((a, MVKG.assessor, Literal("what-if")))
        g.add((a, MVKG.assessedOn, Literal("2000-01-01", datatype=XSD.date)))
    return g


def hypothetical(identifier: str, title: str, status: str, themes: Iterable[str], covers: Iterable[str],
                 relation: str, publisher: str = DEFAULT_PUBLISHER) -> Hypothetical:
    """A hypothetical entry from what an analyst types: `themes` are theme IRIs, `covers`
    short obligation ids, each covered with `relation`."""
    if status not in STATUSES:
        raise InputError(f"a hypothetical entry's status is one of {', '.join(STATUSES)}")
    if relation not in RELATIONS:
        raise InputError(f"a hypothetical entry covers with one of {', '.join(RELATIONS)}")
    return Hypothetical(identifier, title, status, tuple(themes), publisher, tuple((c, relation) for c in covers))


def whatif_state(ticked: Iterable[str], hypotheticals: Iterable[Hypothetical]) -> tuple[tuple[str, ...], Graph]:
    """The portfolio members (entry IRIs: the ticked catalogue ids, then the hypothetical
    entries) and the extra RDF of the hypothetical entries, for LiveValidation.move_to."""
    hypos = list(hypotheticals)
    extra = Graph()
    for h in hypos:
        for t in hypothetical_graph(h):
            extra.add(t)
    return tuple(entry_iri(i) for i in ticked) + tuple(entry_iri(h.id) for h in hypos), extra


def catalogue_row(h: Hypothetical, lex: Lexicon, note: str) -> dict[str, str]:
    """A hypothetical entry as a catalogue row (data/catalogue/*.csv columns, notations for
    its publisher and themes), to be saved with a portfolio; `note` says where it comes from."""
    if not h.id.strip():
        raise InputError("a hypothetical standard needs an id")
    actors = {iri: n for n, iri in lex.notations("actor").items()}
    themes = {iri: n for n, iri in lex.notations("theme").items()}
    return {"id": h.id.strip(), "title": h.title.strip() or h.id.strip(), "publisher": actors[h.publisher],
            "kind": "standard", "status": h.status, "date": "", "url": "", "themes": ";".join(themes[t] for t in h.themes),
            "topics": "", "source_url": "", "notes": note}


def assessment_rows(h: Hypothetical, by: str, today: str, rationale: str) -> list[dict[str, str]]:
    """The coverage a hypothetical entry was assumed to give, as assessment rows (its CSV columns)."""
    return [{"obligation": short, "entry": h.id.strip(), "relation": relation, "rationale": rationale, "evidence": "",
             "evidence_url": "", "assessor": by, "date": today, "confidence": "", "method": "manual"}
            for short, relation in h.covers]


@dataclass(frozen=True)
class Projection:
    """One obligation's verdict now and in the what-if state."""

    obligation: str  # "RESOLUTION section item"
    current: str
    projected: str

    @property
    def changed(self) -> bool:
        return self.current != self.projected


def projections(current: Coverage, projected: Coverage) -> list[Projection]:
    now = {r.id: r.verdict for r in current.rows}
    return [Projection(f"{r.resolution} {r.section} {r.item}", now.get(r.id, ""), r.verdict) for r in projected.rows]


def coverage_delta(current: Coverage, projected: Coverage) -> float | None:
    """Projected minus current coverage %, in points (None when either is undefined)."""
    a, b = current.summary.coverage_percent, projected.summary.coverage_percent
    return None if a is None or b is None else round(b - a, 1)
