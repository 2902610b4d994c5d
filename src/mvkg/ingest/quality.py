"""How sure ingest is of each obligation: the warnings that concern it (from the parser's
line-based warnings, its bearers and its themes) and a confidence computed from their kinds'
factors in the ontology (`mvkg:confidenceFactor`, ontology/extraction.ttl)."""

from __future__ import annotations

from dataclasses import dataclass

from mvkg.ingest.themes import why_suggested
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.model import ObligationRecord, ResolutionRecord

# parser warnings about a whole paragraph or heading: they concern every obligation of it
_LINE_KINDS = ("unknown-verb", "split-paragraph", "guessed-label")


@dataclass(frozen=True)
class Quality:
    warnings: tuple[tuple[str, str], ...]  # (kind, message)
    confidence: float


def obligation_quality(record: ResolutionRecord, lex: Lexicon) -> dict[str, Quality]:
    """Obligation IRI -> its warnings and confidence."""
    clause_line = {c.iri: c.line for c in record.clauses}
    section_line = {s.iri: s.line for s in record.sections}
    minted = dict(record.minted_actors)
    out = {}
    for ob in record.obligations:
        lines = {clause_line.get(ob.clause), section_line.get(ob.section)}
        found = [(kind, message) for line, kind, message in record.warnings if kind in _LINE_KINDS and line in lines]
        found += _own_warnings(ob, minted, lex)
        found = list(dict.fromkeys(found))
        confidence = 1.0
        for kind, _ in found:
            confidence *= lex.warning_factors.get(kind, 1.0)
        out[ob.iri] = Quality(tuple(found), round(confidence, 3))
    return out


def _own_warnings(ob: ObligationRecord, minted: dict[str, str], lex: Lexicon) -> list[tuple[str, str]]:
    found = []
    if not ob.bearers:
        found.append(("no-bearer", "no bearer named or implied"))
    found += [("minted-actor", f"bearer '{minted[b]}' is not in ontology/actors.ttl") for b in ob.bearers if b in minted]
    found += [("low-confidence-theme", f"theme '{lex.themes[t.concept].label}' only suggested (confidence {t.confidence}): "
               f"{why_suggested(lex, t, ob.span)}") for t in ob.suggested if t.concept in lex.themes]
    return found
