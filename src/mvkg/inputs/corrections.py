"""Analysts' corrections of what ingest extracted, kept as data (`data/corrections/corrections.csv`,
one row per correction, with who, when and why) and applied to the parsed resolutions at every
build.

A correction names its obligation by the obligation's own words, not only by its id: after the
same document is ingested again (a new PDF of the same text, a better extractor), the correction
still finds its obligation as long as the words are the same, as the snapshot diff follows
obligations. A correction whose words are no longer there is reported as stale, never applied
to another obligation.

Kinds: `bearers`, `strength`, `modality`, `themes`, `item` replace one field; `not-obligation`
keeps the clause but drops the obligation; `split` cuts an obligation in two before the words
given; `merge` joins the obligation with the one whose words are given."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from mvkg.ingest.rdf import resolution_graph
from mvkg.ingest.resolutions import parse_entry
from mvkg.inputs.csvtable import Problem, TableError, read_rows, rows_bytes, split_list
from mvkg.kernel.errors import InputError
from mvkg.kernel.files import atomic_write
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.model import ObligationRecord, ResolutionRecord, Span, Tag
from mvkg.kernel.namespaces import DCTERMS, MVKG, obligation_iri, short_id, slugify
from mvkg.kernel.workspace import ResolutionEntry, Workspace

COLUMNS = ("resolution", "obligation", "text", "kind", "value", "by", "at", "why")
FIELD_KINDS = ("bearers", "strength", "modality", "themes", "item")
KINDS = (*FIELD_KINDS, "not-obligation", "split", "merge")
_NEEDS_VALUE = ("bearers", "strength", "modality", "item", "split", "merge")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Correction:
    resolution: str  # the resolution's code
    obligation: str  # the obligation's short id when the correction was made
    text: str  # the obligation's words then: what the correction is matched by
    kind: str
    value: str
    by: str
    at: str  # ISO date-time
    why: str
    line: int = 0  # row in the file (0 for one not yet stored)

    def row(self) -> dict[str, str]:
        return {"resolution": self.resolution, "obligation": self.obligation, "text": self.text, "kind": self.kind,
                "value": self.value, "by": self.by, "at": self.at, "why": self.why}


@dataclass(frozen=True)
class Applied:
    correction: Correction
    target: str  # IRI of the obligation (or, for not-obligation, of its clause) it changed
    before: str  # the value it replaced, as text


@dataclass(frozen=True)
class Corrected:
    record: ResolutionRecord
    applied: tuple[Applied, ...]
    stale: tuple[Correction, ...]  # whose words are no longer in the resolution


def words(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def check(c: Correction) -> list[str]:
    """What is wrong with one correction on its own (its values are checked against the
    lexicon when it is applied)."""
    problems = []
    if c.kind not in KINDS:
        problems.append(f"kind must be one of {', '.join(KINDS)}, not {c.kind!r}")
    if not c.resolution:
        problems.append("resolution is empty")
    if not words(c.text):
        problems.append("text is empty: a correction is matched by the obligation's words")
    if c.kind in _NEEDS_VALUE and not c.value:
        problems.append(f"a {c.kind} correction needs a value")
    if not c.why.strip():
        problems.append("why is empty: say why the extraction was wrong")
    if not c.by.strip():
        problems.append("by is empty")
    try:
        datetime.fromisoformat(c.at.replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"at must be an ISO date-time, not {c.at!r}")
    return problems


def load_corrections(ws: Workspace) -> list[Correction]:
    path = ws.corrections_file
    if not path.is_file():
        return []
    out, problems = [], []
    for line, row in read_rows(path, COLUMNS):
        c = Correction(**row, line=line)
        problems += [Problem(line, p) for p in check(c)]
        out.append(c)
    if problems:
        raise TableError(ws.relative(path), problems)
    return out


def save_corrections(ws: Workspace, corrections: Sequence[Correction]) -> None:
    atomic_write(ws.corrections_file, rows_bytes(COLUMNS, [c.row() for c in corrections]))


def for_resolution(corrections: Iterable[Correction], record: ResolutionRecord) -> list[Correction]:
    return [c for c in corrections if slugify(c.resolution) == record.slug]


# ------------------------------------------------------------------ resolving values


class CorrectionError(InputError):
    pass


def _fail(c: Correction, where: str, message: str) -> CorrectionError:
    return CorrectionError(message, path=where, line=c.line or None)


def _lookup(value: str, table: dict[str, str], what: str, c: Correction, where: str) -> str:
    key = value.strip().casefold()
    if key in table:
        return table[key]
    raise _fail(c, where, f"unknown {what} {value!r} (expected the label, notation or IRI of one in the ontology)")


def _actor_table(lex: Lexicon, record: ResolutionRecord) -> dict[str, str]:
    table = {iri.casefold(): iri for iri in lex.actors}
    for iri, actor in lex.actors.items():
        table.setdefault(actor.label.casefold(), iri)
        table.setdefault(actor.notation.casefold(), iri)
    for iri, label in record.minted_actors:
        table.setdefault(label.casefold(), iri)
    return table


def actor_iri(value: str, lex: Lexicon, record: ResolutionRecord, c: Correction, where: str) -> str:
    table = _actor_table(lex, record)
    key = value.strip().casefold()
    if key in table:
        return table[key]
    for matcher in lex.actor_matchers:  # an alternative name ("private sector" for industry)
        if any(m.start == 0 and m.end == len(value.strip()) for m in matcher.finditer(value.strip())):
            return matcher.iri
    raise _fail(c, where, f"unknown actor {value!r} (expected a label, notation or IRI from ontology/actors.ttl)")


def theme_iri(value: str, lex: Lexicon, c: Correction, where: str) -> str:
    table = {iri.casefold(): iri for iri in lex.themes}
    for iri, concept in lex.themes.items():
        table[concept.label.casefold()] = iri
        table[concept.notation.casefold()] = iri
    return _lookup(value, table, "theme", c, where)


def verb_iri(value: str, lex: Lexicon, c: Correction, where: str) -> str:
    table = {v.iri.casefold(): v.iri for v in lex.verbs if v.operative}
    for v in lex.verbs:
        if v.operative:
            table.update({label.casefold(): v.iri for label in (v.label, v.notation, *v.labels)})
    return _lookup(value, table, "operative verb", c, where)


# ------------------------------------------------------------------ applying


def _find(obligations: list[ObligationRecord], text: str) -> int | None:
    wanted = words(text)
    hits = [i for i, ob in enumerate(obligations) if words(ob.span.text) == wanted]
    return hits[0] if hits else None


def _sub_span(span: Span, start: int, end: int) -> Span:
    """The part [start, end) of a span's text (offsets relative to it), trimmed of white space."""
    piece = span.text[start:end]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    return Span(span.start + start + lead, span.start + start + lead + len(piece), piece)


def _inside(span: Span, part: Span) -> bool:
    return part.start <= span.start and span.end <= part.end


def _split(ob: ObligationRecord, before: str, c: Correction, where: str) -> tuple[ObligationRecord, ObligationRecord]:
    pattern = r"\s+".join(re.escape(w) for w in before.split())
    m = next((m for m in re.finditer(pattern, ob.span.text) if m.start() > 0), None)
    if m is None:
        raise _fail(c, where, f"cannot split: {before!r} is not in the obligation after its first word")
    first, second = _sub_span(ob.span, 0, m.start()), _sub_span(ob.span, m.start(), len(ob.span.text))

    def part(span: Span, iri: str) -> ObligationRecord:
        return replace(ob, iri=iri, span=span, action=span.text,
                       tags=tuple(t for t in ob.tags if _inside(t.span, span)),
                       suggested=tuple(t for t in ob.suggested if _inside(t.span, span)),
                       sdg_refs=tuple(r for r in ob.sdg_refs if _inside(r.span, span)),
                       condition=ob.condition if ob.condition and _inside(ob.condition, span) else None,
                       deadline=ob.deadline if ob.deadline and _inside(ob.deadline, span) else None)

    base = ob.iri.removesuffix("/obligation")
    second_iri = f"{base}/part-2/obligation"
    return part(first, ob.iri), replace(part(second, second_iri), item=f"{ob.item} (part 2)".strip())


def _merge(a: ObligationRecord, b: ObligationRecord, source: str) -> ObligationRecord:
    start, end = min(a.span.start, b.span.start), max(a.span.end, b.span.end)
    span = Span(start, end, source[start:end])

    def union(x: tuple, y: tuple) -> tuple:
        return tuple(dict.fromkeys((*x, *y)))

    return replace(a, span=span, action=span.text, bearers=union(a.bearers, b.bearers),
                   collaborators=union(a.collaborators, b.collaborators), implicit_bearer=a.implicit_bearer and b.implicit_bearer,
                   tags=union(a.tags, b.tags), sdg_refs=union(a.sdg_refs, b.sdg_refs),
                   suggested=tuple(t for t in union(a.suggested, b.suggested)
                                   if t.concept not in {x.concept for x in (*a.tags, *b.tags)}))


def _field(ob: ObligationRecord, c: Correction, lex: Lexicon, record: ResolutionRecord,
           where: str) -> tuple[ObligationRecord, str]:
    """The obligation with one field replaced, and the field's value before, as text."""
    if c.kind == "bearers":
        iris = tuple(dict.fromkeys(actor_iri(v, lex, record, c, where) for v in split_list(c.value)))
        return replace(ob, bearers=iris, implicit_bearer=False), "; ".join(ob.bearers)
    if c.kind == "strength":
        if c.value not in ("binding", "recommendation"):
            raise _fail(c, where, f"strength must be binding or recommendation, not {c.value!r}")
        return replace(ob, strength=c.value), ob.strength
    if c.kind == "modality":
        return replace(ob, modality=verb_iri(c.value, lex, c, where)), ob.modality
    if c.kind == "themes":
        wanted = [theme_iri(v, lex, c, where) for v in split_list(c.value)]
        kept = tuple(t for t in ob.tags if t.concept not in lex.themes or t.concept in wanted)
        found = {t.concept for t in kept}
        # a theme the extractor only suggested keeps the words that suggested it, now asserted;
        # one it did not see is tagged on the obligation's whole text
        suggested = {t.concept: t for t in ob.suggested}
        added = tuple(replace(suggested[iri], confidence=1.0) if iri in suggested else Tag(iri, ob.span)
                      for iri in wanted if iri not in found)
        before = "; ".join(sorted(t.concept for t in ob.tags if t.concept in lex.themes))
        # the analyst has settled the themes: what was only suggested is no longer open
        return replace(ob, tags=kept + added, suggested=()), before
    return replace(ob, item=c.value), ob.item  # item


def apply_corrections(record: ResolutionRecord, source: str, corrections: Iterable[Correction], lex: Lexicon,
                      where: str = "data/corrections/corrections.csv") -> Corrected:
    """The record as the analysts corrected it, in the order the corrections were made (a later
    correction may refer to the words an earlier split or merge produced)."""
    obligations = list(record.obligations)
    applied: list[Applied] = []
    stale: list[Correction] = []
    for c in for_resolution(corrections, record):
        i = _find(obligations, c.text)
        if i is None:
            stale.append(c)
            continue
        ob = obligations[i]
        if c.kind == "not-obligation":
            applied.append(Applied(c, ob.clause, ob.iri))
            del obligations[i]
        elif c.kind == "split":
            first, second = _split(ob, c.value, c, where)
            obligations[i:i + 1] = [first, second]
            applied.append(Applied(c, ob.iri, ob.span.text))
        elif c.kind == "merge":
            j = _find(obligations, c.value)
            if j is None or j == i:
                stale.append(c)
                continue
            obligations[i] = _merge(ob, obligations[j], source)
            del obligations[j]
            applied.append(Applied(c, ob.iri, ob.span.text))
        else:
            obligations[i], before = _field(ob, c, lex, record, where)
            applied.append(Applied(c, ob.iri, before))
    return Corrected(replace(record, obligations=tuple(obligations)), tuple(applied), tuple(stale))


def corrections_graph(applied: Iterable[Applied]) -> Graph:
    """What was corrected, by whom, when and why, on the obligation (or clause) it changed; the
    latest correction of a kind on one target is the one recorded."""
    g = Graph()
    latest = {(a.target, a.correction.kind): a for a in applied}
    for (target, kind), a in sorted(latest.items()):
        c = a.correction
        node = URIRef(f"{target}/correction/{kind}")
        g.add((URIRef(target), MVKG.hasCorrection, node))
        g.add((node, RDF.type, MVKG.Correction))
        g.add((node, MVKG.correctionKind, Literal(kind)))
        g.add((node, MVKG.valueBefore, Literal(a.before)))
        g.add((node, MVKG.valueAfter, Literal(c.value)))
        g.add((node, MVKG.correctedBy, Literal(c.by)))
        g.add((node, DCTERMS.created, Literal(c.at, datatype=XSD.dateTime)))
        g.add((node, RDFS.comment, Literal(c.why)))
    return g


def corrected_entry(ws: Workspace, entry: ResolutionEntry, lex: Lexicon,
                    corrections: Sequence[Correction]) -> tuple[ResolutionRecord, Graph, Corrected]:
    """A stored resolution parsed and corrected, and its graph (what was corrected goes in
    `corrections_graph`, kept out of the reasoner's input)."""
    record, text = parse_entry(ws, entry, lex)
    fixed = apply_corrections(record, text, corrections, lex, ws.relative(ws.corrections_file))
    return fixed.record, resolution_graph(fixed.record, lex), fixed


def stale_warnings(ws: Workspace, corrections: Sequence[Correction], corrected: Iterable[Corrected]) -> list[str]:
    """A line for each correction that no longer finds its obligation (or its resolution)."""
    done = {id(a.correction) for fixed in corrected for a in fixed.applied}
    where = ws.relative(ws.corrections_file)
    return [f"{where}:{c.line}: the {c.kind} correction of {c.resolution} {c.obligation} no longer matches an "
            "obligation's words; it was not applied" for c in corrections if id(c) not in done]


def current_obligation(ws: Workspace, lex: Lexicon, obligation: str,
                       corrections: Sequence[Correction]) -> tuple[ResolutionEntry, ObligationRecord]:
    """An obligation as the build makes it now (with the corrections so far), by IRI or short id."""
    iri = obligation if obligation.startswith(("http://", "https://")) else obligation_iri(obligation)
    for entry in ws.resolutions():
        record, _, fixed = corrected_entry(ws, entry, lex, corrections)
        for ob in record.obligations:
            if ob.iri == iri:
                return entry, ob
        if any(a.target == iri for a in fixed.applied if a.correction.kind == "not-obligation"):
            raise InputError(f"{short_id(iri)} was already corrected as not an obligation")
    raise InputError(f"no obligation {obligation!r} in the workspace (give its id as `mvkg obligations` lists it)")


def add_correction(ws: Workspace, lex: Lexicon, obligation: str, kind: str, value: str, *, why: str, by: str,
                   at: str) -> Correction:
    """Check a new correction against the obligation as it is now and store it (one atomic
    write of the corrections file); nothing is written when it does not apply."""
    existing = load_corrections(ws)
    entry, ob = current_obligation(ws, lex, obligation, existing)
    if kind == "merge":  # stored by the words of the obligation it absorbs
        value = current_obligation(ws, lex, value, existing)[1].span.text
    new = Correction(entry.meta.code, short_id(ob.iri), words(ob.span.text), kind, value.strip(), by, at, why.strip())
    problems = check(new)
    if problems:
        raise InputError("; ".join(problems))
    record, text = parse_entry(ws, entry, lex)
    before = {o.iri for o in apply_corrections(record, text, existing, lex).record.obligations}
    result = apply_corrections(record, text, [*existing, new], lex, "the new correction")
    if any(c is new for c in result.stale):
        raise InputError(f"the {kind} correction does not apply to {new.obligation}")
    _check_unassessed(ws, before - {o.iri for o in result.record.obligations})
    save_corrections(ws, [*existing, new])
    return new


def _check_unassessed(ws: Workspace, removed: set[str]) -> None:
    """An obligation a correction takes away must not be left with assessments pointing at it."""
    gone = {short_id(iri) for iri in removed}
    for path in ws.assessment_files():
        with path.open(encoding="utf-8-sig", newline="") as f:
            lines = [n for n, row in enumerate(csv.DictReader(f), start=2) if row.get("obligation", "").strip() in gone]
        if lines:
            raise InputError(f"{', '.join(sorted(gone))} is assessed on line(s) {', '.join(map(str, lines))}: remove "
                             "those assessments first, so that none is left pointing at an obligation that is no more",
                             path=ws.relative(path))


def remove_correction(ws: Workspace, line: int) -> Correction:
    """Remove the correction on `line` of the corrections file (as `mvkg correction list` shows it)."""
    existing = load_corrections(ws)
    gone = next((c for c in existing if c.line == line), None)
    if gone is None:
        raise InputError(f"no correction on line {line}", path=ws.relative(ws.corrections_file))
    save_corrections(ws, [c for c in existing if c is not gone])
    return gone


def correction_status(ws: Workspace, lex: Lexicon) -> list[tuple[Correction, bool]]:
    """Every stored correction and whether the build applies it (False: stale)."""
    existing = load_corrections(ws)
    applied = {id(a.correction) for e in ws.resolutions() for a in corrected_entry(ws, e, lex, existing)[2].applied}
    return [(c, id(c) in applied) for c in existing]
