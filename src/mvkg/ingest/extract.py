"""From parsed structure to obligations: bearers, collaborators, conditions, deadlines,
themes, topics and SDG references, each with the words that triggered it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mvkg.kernel.lexicon import Lexicon, Match, Matcher, find_mentions
from mvkg.kernel.model import (
    ClauseRecord,
    ObligationRecord,
    ResolutionMeta,
    ResolutionRecord,
    SdgRef,
    SectionRecord,
    Span,
    Tag,
)
from mvkg.kernel.namespaces import ID, slugify
from mvkg.ingest.parse import Item, ParsedText, Section

_NUMBER_RX = re.compile(r"\d{1,2}")


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def collapse(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ actors

def _study_groups(lex: Lexicon, text: str, offset: int) -> list[Match]:
    out = []
    for rx in lex.pattern("study-group-list"):
        for m in rx.finditer(text):
            for n in _NUMBER_RX.finditer(m.group("numbers")):
                actor = lex.study_group(int(n.group(0)))
                if actor is not None:
                    out.append(Match(actor.iri, offset + m.start(), offset + m.end(), m.group(0)))
    return out


def actors_in(lex: Lexicon, text: str, offset: int = 0) -> list[Match]:
    """Actors named in a phrase. Study-group lists resolve by number; after 'the Director(s)
    of' a bureau is read as the post that heads it."""
    groups = _study_groups(lex, text, offset)
    masked = text
    for m in groups:
        a, b = m.start - offset, m.end - offset
        masked = masked[:a] + " " * (b - a) + masked[b:]
    mentions = [Match(m.iri, m.start + offset, m.end + offset, m.text) for m in find_mentions(lex.actor_matchers, masked)]
    heads_from = min((m.start() + offset for rx in lex.pattern("head-of") for m in rx.finditer(text)), default=None)
    out: list[Match] = []
    for m in sorted(groups + mentions, key=lambda x: x.start):
        actor = lex.actors[m.iri]
        if heads_from is not None and m.start >= heads_from and actor.head:
            m = Match(actor.head, m.start, m.end, m.text)
        out.append(m)
    return out


def _unique(iris: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for iri in iris:
        seen.setdefault(iri, None)
    return tuple(seen)


def _collaboration_split(lex: Lexicon, text: str) -> int | None:
    starts = [m.start() for rx in lex.pattern("collaboration") for m in rx.finditer(text)]
    return min(starts) if starts else None


def addressees(lex: Lexicon, text: str, offset: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(bearers, collaborators) named in a heading's text after its verb."""
    split = _collaboration_split(lex, text)
    head, tail = (text, "") if split is None else (text[:split], text[split:])
    bearers = _unique(m.iri for m in actors_in(lex, head, offset))
    collaborators = _unique(m.iri for m in actors_in(lex, tail, offset + len(head)) if m.iri not in bearers)
    return bearers, collaborators


def collaborators_in_action(lex: Lexicon, text: str) -> list[str]:
    """Actors the text says to work with: after a collaboration phrase, up to the next ';'."""
    out = []
    for rx in lex.pattern("collaboration"):
        for m in rx.finditer(text):
            segment_end = text.find(";", m.end())
            segment = text[m.end() : segment_end if segment_end >= 0 else len(text)]
            out += [a.iri for a in actors_in(lex, segment)]
    return out


# ------------------------------------------------------------------ themes, topics, SDGs

def _broader_closure(concepts: dict, iri: str) -> set[str]:
    out: set[str] = set()
    todo = list(concepts[iri].broader) if iri in concepts else []
    while todo:
        b = todo.pop()
        if b not in out:
            out.add(b)
            todo += list(concepts[b].broader) if b in concepts else []
    return out


def tags_in(matchers: tuple[Matcher, ...], concepts: dict, text: str, spans: Iterable[Span]) -> tuple[Tag, ...]:
    """Concept tags found in the given spans; a concept implied by a more specific tag is
    dropped (the hierarchy puts it back at query time)."""
    found: dict[str, Tag] = {}
    for sp in spans:
        for matcher in matchers:
            for m in matcher.finditer(sp.text):
                tag = Tag(m.iri, _span(text, sp.start + m.start, sp.start + m.end))
                if m.iri not in found or tag.span.start < found[m.iri].span.start:
                    found[m.iri] = tag
    implied = set().union(*(_broader_closure(concepts, iri) for iri in found)) if found else set()
    return tuple(sorted((t for iri, t in found.items() if iri not in implied), key=lambda t: (t.span.start, t.concept)))


def sdg_refs_in(lex: Lexicon, text: str, spans: Iterable[Span]) -> tuple[SdgRef, ...]:
    refs: dict[tuple[int | None, int], SdgRef] = {}
    for sp in spans:
        for rx in lex.pattern("sdg-goals"):
            for m in rx.finditer(sp.text):
                for n in _NUMBER_RX.finditer(m.group("numbers")):
                    goal = int(n.group(0))
                    if goal in lex.sdgs:
                        refs[(goal, sp.start + m.start())] = SdgRef(goal, _span(text, sp.start + m.start(), sp.start + m.end()))
        for rx in lex.pattern("sdg-generic"):
            for m in rx.finditer(sp.text):
                refs[(None, sp.start + m.start())] = SdgRef(None, _span(text, sp.start + m.start(), sp.start + m.end()))
    return tuple(sorted(refs.values(), key=lambda r: (r.span.start, r.goal or 0)))


def _first(patterns: tuple[re.Pattern[str], ...], text: str, offset: int, whole: str) -> Span | None:
    best = None
    for rx in patterns:
        m = rx.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return None
    start, end = offset + best.start(), offset + best.end()
    while end > start and whole[end - 1] in " \t\r\n,":
        end -= 1
    return _span(whole, start, end)


# ------------------------------------------------------------------ records

def _section_slugs(lex: Lexicon, sections: list[Section], bearers: list[tuple[str, ...]]) -> list[str]:
    slugs: list[str] = []
    for sec, who in zip(sections, bearers):
        names = [lex.actors[a].notation for a in who]
        addressed = sec.heading_end > sec.addressee_start and names
        base = sec.verb.notation + ("-" + "-".join(names) if addressed else "")
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.append(slug)
    return slugs


def _walk(items: list[Item]) -> Iterable[Item]:
    for item in items:
        yield item
        yield from _walk(item.children)


def _clause_iri(section_iri: str, item: Item, unnumbered_index: dict[int, int]) -> str:
    parts = []
    for depth, label in enumerate(item.path()):
        if label:
            parts.append(("para_" if depth == 0 else "item_") + slugify(label))
        else:
            parts.append(f"para_{unnumbered_index[id(item)]}")
    return section_iri + "/" + "/".join(parts)


def build_record(
    parsed: ParsedText,
    meta: ResolutionMeta,
    lex: Lexicon,
    *,
    source_file: str,
    sha256: str,
    media_type: str,
) -> ResolutionRecord:
    text = parsed.text
    slug = slugify(meta.code)
    res_iri = str(ID[slug])
    default = lex.actors[parsed.assembly].default_bearer if parsed.assembly in lex.actors else None
    heads = [addressees(lex, text[s.addressee_start : s.heading_end], s.addressee_start) for s in parsed.sections]
    slugs = _section_slugs(lex, parsed.sections, [h[0] for h in heads])
    sections, clauses, obligations = [], [], []
    for order, (sec, (bearers, collabs), sslug) in enumerate(zip(parsed.sections, heads, slugs), start=1):
        sec_iri = f"{res_iri}/{sslug}"
        span = _span(text, sec.heading_start, sec.heading_end)
        sections.append(SectionRecord(sec_iri, order, sec.verb.iri, sec.verb.operative,
                                      collapse(span.text).rstrip(",:;"), span, bearers, collabs, sec.line))
        all_items = ([sec.intro] if sec.intro else []) + list(_walk(sec.items))
        unnumbered = {id(it): k for k, it in enumerate((it for it in all_items if not it.label), start=1)}
        iris = {id(it): _clause_iri(sec_iri, it, unnumbered) for it in all_items}
        if sec.intro is not None:
            iris[id(sec.intro)] = sec_iri + "/intro"
        for corder, item in enumerate(all_items, start=1):
            clauses.append(ClauseRecord(
                iris[id(item)], sec_iri, iris[id(item.parent)] if item.parent else None, item.label,
                ".".join(p for p in item.path() if p), corder, _span(text, item.start, item.end), item.line))
        if not sec.verb.operative:
            continue
        for item in _walk(sec.items):
            if item.children:
                continue
            obligations.append(_obligation(lex, text, sec, item, iris, sec_iri, bearers, collabs, default))
    return ResolutionRecord(
        meta=meta, slug=slug, iri=res_iri, source_file=source_file, sha256=sha256, media_type=media_type,
        assembly=parsed.assembly, sections=tuple(sections), clauses=tuple(clauses), obligations=tuple(obligations),
    )


def _obligation(lex, text, sec: Section, item: Item, iris, sec_iri, bearers, collabs, default) -> ObligationRecord:
    chain = []
    node = item.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    lead = ([sec.intro] if sec.intro else []) + list(reversed(chain))
    lead_spans = tuple(_span(text, n.start, n.end) for n in lead)
    own = _span(text, item.start, item.end)
    spans = (*lead_spans, own)
    implicit = not bearers
    who = bearers or ((default,) if default else ())
    action_collabs = [a for sp in spans for a in collaborators_in_action(lex, sp.text)]
    collaborators = _unique(a for a in (*collabs, *action_collabs) if a not in who)
    condition = _first(lex.pattern("condition"), own.text, own.start, text)
    deadline = _first(lex.pattern("deadline"), own.text, own.start, text)
    action_text = own.text
    if condition is not None and condition.start == own.start:
        action_text = text[condition.end : own.end].lstrip(" ,\t\r\n")
    action = collapse(" ".join([*(s.text for s in lead_spans), action_text]))
    themes = tags_in(lex.theme_matchers, lex.themes, text, spans)
    topics = tags_in(lex.topic_matchers, lex.topics, text, spans)
    clause_iri = iris[id(item)]
    return ObligationRecord(
        iri=clause_iri + "/obligation",
        clause=clause_iri,
        section=sec_iri,
        item=".".join(p for p in item.path() if p),
        modality=sec.verb.iri,
        strength=sec.verb.strength or "binding",
        bearers=who,
        collaborators=collaborators,
        implicit_bearer=implicit,
        action=action,
        condition=condition,
        deadline=deadline,
        lead_in=lead_spans,
        span=own,
        tags=themes + topics,
        sdg_refs=sdg_refs_in(lex, text, spans),
    )
