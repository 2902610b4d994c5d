"""From parsed structure to obligations: bearers, collaborators, conditions, deadlines,
themes, topics and SDG references, each with the words that triggered it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from mvkg.ingest.aliases import document_actors
from mvkg.ingest.annex_bearers import annex_title_body
from mvkg.ingest.bearers import (
    Addressees,
    Minted,
    actors_in,
    addressees,
    collaborators_in_action,
    duty_subjects,
    established_body,
    first_person_subject,
    own_bodies,
    own_named,
    passive_subjects,
    short_form,
    un_homonyms,
    unique,
)
from mvkg.ingest.headings import match_heading
from mvkg.ingest.structure import Item, ParsedText, Section
from mvkg.ingest.themes import tags_in, theme_tags
from mvkg.kernel.lexicon import Lexicon, Verb, find_mentions
from mvkg.kernel.model import (
    ClauseRecord,
    ObligationRecord,
    ResolutionMeta,
    ResolutionRecord,
    SdgRef,
    SectionRecord,
    Span,
)
from mvkg.kernel.namespaces import ID, slugify

_NUMBER_RX = re.compile(r"\d{1,2}")


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def collapse(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ themes, topics, SDGs

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
    """One slug per section: the verb and its addressees' notations, numbered when repeated
    (linear in the number of sections: each base keeps its own counter)."""
    slugs: list[str] = []
    used: set[str] = set()
    counters: dict[str, int] = {}
    for sec, who in zip(sections, bearers):
        names = [lex.actors[a].notation if a in lex.actors else a.rsplit("/", 1)[-1] for a in who]
        addressed = sec.heading_end > sec.addressee_start and names
        base = sec.verb.notation + ("-" + "-".join(names) if addressed else "")
        slug = base
        while slug in used:
            counters[base] = counters.get(base, 1) + 1
            slug = f"{base}-{counters[base]}"
        used.add(slug)
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


@dataclass(frozen=True)
class _Context:
    lex: Lexicon
    text: str
    default: str | None
    homonyms: dict[str, str]
    own: dict[str, str] = field(default_factory=dict)  # "the Sector", "the Union": own-body role → actor
    we: Addressees | None = None  # who "we" are in a first-person declaration


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
    homonyms = un_homonyms(lex, parsed.assembly)
    own_names = document_actors(lex, text, homonyms)  # "the Board of Peace (BoP)" … "Requests the BoP to …"
    lex = own_names.lex
    ctx = _Context(lex, text, default, homonyms, own_bodies(lex, parsed.assembly), first_person_subject(lex, text, homonyms))
    known_verbs = {v.iri for v in lex.verbs}
    heads = [addressees(lex, text[s.addressee_start : s.heading_end], s.addressee_start, ctx.homonyms,
                        mint_unknown=s.verb.operative and not s.verb.declaratory) for s in parsed.sections]
    minted: dict[str, Minted] = {m.iri: m for h in heads for m in h.minted}
    heads = [Addressees(own_named(lex, ctx.own, h.bearers, minted), h.collaborators, h.minted) for h in heads]
    slugs = _section_slugs(lex, parsed.sections, [h.bearers for h in heads])
    sections, clauses, obligations = [], [], []
    for order, (sec, head, sslug) in enumerate(zip(parsed.sections, heads, slugs), start=1):
        sec_iri = f"{res_iri}/{sslug}"
        span = _span(text, sec.heading_start, sec.heading_end)
        sections.append(SectionRecord(sec_iri, order, sec.verb.iri, sec.verb.operative,
                                      collapse(span.text).rstrip(",:;"), span, head.bearers, head.collaborators, sec.line,
                                      declaratory=sec.verb.declaratory))
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
            ob = _obligation(ctx, sec, item, iris, sec_iri, head, minted)
            if ob is not None:
                obligations.append(ob)
    named = {a for o in obligations for a in (*o.bearers, *o.collaborators)} | {a for h in heads for a in (*h.bearers, *h.collaborators)}
    minted.update({iri: m for iri, m in own_names.minted.items() if iri in named})
    return ResolutionRecord(
        meta=meta, slug=slug, iri=res_iri, source_file=source_file, sha256=sha256, media_type=media_type,
        assembly=parsed.assembly, sections=tuple(sections), clauses=tuple(clauses), obligations=tuple(obligations),
        minted_actors=tuple(sorted((m.iri, m.label) for m in minted.values() if own_named(lex, ctx.own, (m.iri,), minted) == (m.iri,))),
        minted_verbs=tuple(sorted({(s.verb.iri, s.verb.label) for s in parsed.sections if s.verb.iri not in known_verbs})),
        warnings=tuple((w.line, w.kind, w.message) for w in parsed.warnings) + _bearer_warnings(obligations, sections),
        preamble_sdgs=sdg_refs_in(lex, text, [_span(text, s.heading_start, _section_end(s)) for s in parsed.sections
                                              if not s.verb.operative]),
    )


def _section_end(sec: Section) -> int:
    items = ([sec.intro] if sec.intro else []) + list(_walk(sec.items))
    return max([sec.heading_end, *(it.end for it in items)])


def _bearer_warnings(obligations: list[ObligationRecord], sections: list[SectionRecord]) -> tuple[tuple[int, str, str], ...]:
    lines = {s.iri: s.line for s in sections}
    return tuple((lines[o.section], "no-bearer", f"{o.item or 'the paragraph'}: no bearer named or implied")
                 for o in obligations if not o.bearers)


def _short_names(ctx: _Context, sec: Section, found: Addressees) -> tuple[str, ...]:
    """Bearers named by a short form of an actor the heading names in full ("the Commission"
    after "the Commission on Science and Technology for Development") are that actor."""
    mentions = find_mentions(ctx.lex.actor_matchers, ctx.text[sec.heading_start:sec.heading_end])
    short = {m.iri: m.label for m in found.minted if " " not in m.label.strip()}
    out = []
    for iri in found.bearers:
        word = short.get(iri)
        hits = {m.iri for m in mentions if word and re.search(rf"\b{re.escape(word)}\b", m.text, re.IGNORECASE)}
        out.append(hits.pop() if len(hits) == 1 else iri)
    return tuple(dict.fromkeys(out))


def _handed_on(ctx: _Context, spans: tuple[Span, ...], first_person: bool = False) -> tuple[Verb, Addressees] | None:
    """A clause that hands its duty to someone under another verb: "resolves … 8 to instruct
    the Director of the Radiocommunication Bureau to …", or a declaratory paragraph that goes
    on "… and calls upon States to …". The first such verb phrase in the clause's lead-in and
    own text wins. A second verb agrees in person with the paragraph's own: in a declaration
    written in the first person ("Recognize …, and therefore encourage all nations to …") a
    verb in the third person ("commitments and calls for action") is a noun."""
    return next(_hand_overs(ctx, spans, first_person), None)


def _hand_overs(ctx: _Context, spans: tuple[Span, ...], first_person: bool = False,
                joined_only: bool = False) -> Iterator[tuple[Verb, Addressees]]:
    """Every verb phrase that hands a duty on in the spans, in text order (with `joined_only`,
    only second verbs joined by 'and' or a comma, not an infinitive 'to')."""
    for sp in spans:
        for m in sorted((m for rx in ctx.lex.pattern("hand-over") for m in rx.finditer(sp.text)), key=lambda m: m.start()):
            rest = sp.text[m.end():]
            to = bool(m.groupdict().get("to"))
            if to and joined_only:
                continue
            found = _first_person_verb(ctx, rest) if first_person and not to else _verb_at(ctx, rest, to)
            if found is not None:
                verb, after = found
                action = _first_match(ctx.lex.pattern("inline-action"), after)
                who_text = after[: action.start()] if action else after.split(";")[0][:200]
                yield verb, addressees(ctx.lex, who_text, 0, ctx.homonyms, mint_unknown=True)


def _verb_at(ctx: _Context, rest: str, to: bool) -> tuple[Verb, str] | None:
    """A duty verb opening `rest` (its infinitive after "to", perhaps after a modifier: "to
    strongly recommend administrations to …"): the verb and the text after it."""
    if to:
        for rx in ctx.lex.pattern("verb-modifier"):
            if (modifier := re.match(r"\s*(?:" + rx.pattern + r")\s+", rest, rx.flags)) is not None:
                rest = rest[modifier.end():]
                break
    for verb in ctx.lex.verbs:
        if not verb.operative or verb.declaratory:
            continue
        words = ([verb.infinitive] if verb.infinitive else []) if to else list(verb.labels)
        for w in words:
            wm = re.match(r"\s*" + r"\s+".join(re.escape(x) for x in w.split()) + r"(?![\w-])", rest, re.IGNORECASE)
            if wm is not None:
                return verb, rest[wm.end():]
    return None


def _first_person_verb(ctx: _Context, rest: str) -> tuple[Verb, str] | None:
    m = ctx.lex.first_person_rx.match(rest) if ctx.lex.first_person_rx else None
    if m is None:
        return None
    verb = ctx.lex.verb_for(m.group("verb"))
    return None if verb.declaratory else (verb, rest[m.end("verb"):])


def _opening_verb(ctx: _Context, own: Span) -> tuple[Verb, Addressees] | None:
    """A sub-item that opens with an operative verb of its own, and whom it addresses."""
    m = match_heading(ctx.lex, own.text)
    if m is None:
        return None
    verb = m.verb
    if not verb.operative:
        return None
    rest = m.rest
    action = _first_match(ctx.lex.pattern("inline-action"), rest)
    clause = any(rx.match(rest) for rx in ctx.lex.pattern("clause-opening"))  # "Demands that all parties cease …"
    who = rest[: action.start()] if action else rest if clause else ""
    return verb, addressees(ctx.lex, who, 0, ctx.homonyms, mint_unknown=True)


def _declared(ctx: _Context, item: Item, own: Span) -> bool:
    """A top-level item that opens with a verb of stance in the infinitive ("to reaffirm …",
    "to recognize …"): under a plain "resolves" it is the body's own statement."""
    return item.parent is None and _first_match(ctx.lex.pattern("stance-infinitive"), own.text) is not None


def _first_match(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    found = [m for rx in patterns if (m := rx.search(text)) is not None]
    return min(found, key=lambda m: m.start()) if found else None


def _obligation(ctx: _Context, sec: Section, item: Item, iris, sec_iri, head: Addressees,
                minted: dict[str, Minted]) -> ObligationRecord | None:
    lex, text = ctx.lex, ctx.text
    chain = []
    node = item.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    lead = ([sec.intro] if sec.intro else []) + list(reversed(chain))
    lead_spans = tuple(_span(text, n.start, n.end) for n in lead)
    own = _span(text, item.start, item.end)
    spans = (*lead_spans, own)
    verb, bearers = sec.verb, head.bearers
    own_verb = _opening_verb(ctx, own)
    capital = own.text.lstrip()[:1].isupper()  # "(a) Encourages Member States …": the item's own verb and addressees
    if own_verb is not None and own_verb[0].declaratory:
        if capital:  # "(c) Notes with appreciation …" under "Calls upon …:" declares, unless it hands a duty on
            verb = own_verb[0]
        own_verb = None
    if own_verb is not None and (verb.declaratory or not bearers or (capital and own_verb[1].bearers)):
        verb, found = own_verb
        bearers = found.bearers or bearers
        minted.update({m.iri: m for m in found.minted})
    elif not bearers and sec.verb.hands_on and sec.intro is None and _declared(ctx, item, own):
        return None  # "resolves 1 to reaffirm a shared vision …": the body states; no one is asked to act
    elif not bearers or verb.declaratory or sec.verb.hands_on:
        first_person = lex.first_person_verb(text[sec.heading_start:sec.heading_end]) is not None
        handed = _handed_on(ctx, spans if not verb.declaratory else (_span(text, own.start, own.end),), first_person)
        # "Underscores … and encourages further cooperation …": a duty with no addressee is the adopting body's
        if handed is not None and (handed[1].bearers or verb.declaratory):
            verb, bearers = handed[0], handed[1].bearers
            minted.update({m.iri: m for m in handed[1].minted})
    if verb.declaratory:
        return None
    passive = passive_subjects(lex, (own.text, *(sp.text for sp in reversed(lead_spans))), ctx.homonyms)
    if passive.bearers:  # "(b) The Commission is encouraged:" narrows "Recommends … to X, Y and Z:"
        bearers = _short_names(ctx, sec, passive)
        minted.update({m.iri: m for m in passive.minted if m.iri in bearers})
    if not bearers and (body := established_body(lex, (sp.text for sp in reversed(lead_spans)), ctx.homonyms)).bearers:
        bearers = body.bearers  # the tasks of a committee the parent paragraph establishes
        minted.update({m.iri: m for m in body.minted})
    if not bearers:
        subjects = duty_subjects(lex, (sp.text for sp in spans), ctx.homonyms)
        bearers = subjects.bearers
        minted.update({m.iri: m for m in subjects.minted})
    if not bearers and (annexed := annex_title_body(lex, text, sec, (sp.text for sp in spans), ctx.homonyms)).bearers:
        bearers = annexed.bearers  # "The working group shall:" in the "Terms of reference of the … Working Group"
        minted.update({m.iri: m for m in annexed.minted})
    if not bearers and ctx.we is not None and lex.first_person_verb(text[sec.heading_start:sec.heading_end]):
        bearers = ctx.we.bearers  # "Commit to …" in a declaration that opens "We, Heads of State …"
        minted.update({m.iri: m for m in ctx.we.minted})
    if bearers and item.parent is None:  # "Encourages X to …, and invites Y to …": both must act
        for _, more in _hand_overs(ctx, (own,), joined_only=True):
            named = {b: lex.actors[b].label if b in lex.actors else minted[b].label for b in bearers if b in lex.actors or b in minted}
            again = {m.iri: short_form(m.label, named) for m in more.minted}  # "… and invites the Committee to …"
            bearers = unique((*bearers, *(again.get(b) or b for b in more.bearers)))
            minted.update({m.iri: m for m in more.minted if m.iri in bearers})
    if not bearers and lead_spans and sec.verb.declaratory:  # "Stresses that … rests with the parties …: (a) Calls for …"
        bearers = unique(m.iri for m in actors_in(lex, lead_spans[-1].text, 0, ctx.homonyms))
    bearers = own_named(lex, ctx.own, bearers, minted)
    implicit = not bearers
    who = bearers or ((ctx.default,) if ctx.default else ())
    partners = [collaborators_in_action(lex, sp.text, ctx.homonyms) for sp in spans]  # "in consultation with X"
    minted.update({m.iri: m for f in partners for m in f.minted if m.iri not in who})
    collaborators = unique(a for a in (*head.collaborators, *(a for f in partners for a in f.bearers)) if a not in who)
    condition = _first(lex.pattern("condition"), own.text, own.start, text)
    deadline = _first(lex.pattern("deadline"), own.text, own.start, text)
    action_text = own.text
    if condition is not None and condition.start == own.start:
        action_text = text[condition.end : own.end].lstrip(" ,\t\r\n")
    action = collapse(" ".join([*(s.text for s in lead_spans), action_text]))
    themes = theme_tags(lex, text, lead_spans, own)
    topics = tags_in(lex.topic_matchers, lex.topics, text, spans)
    clause_iri = iris[id(item)]
    return ObligationRecord(
        iri=clause_iri + "/obligation",
        clause=clause_iri,
        section=sec_iri,
        item=".".join(p for p in item.path() if p),
        modality=verb.iri,
        strength=_strength(lex, verb, own.text),
        bearers=who,
        collaborators=collaborators,
        implicit_bearer=implicit,
        action=action,
        condition=condition,
        deadline=deadline,
        lead_in=lead_spans,
        span=own,
        tags=themes.asserted + topics,
        sdg_refs=sdg_refs_in(lex, text, spans),
        suggested=themes.suggested,
    )


def _strength(lex: Lexicon, verb: Verb, own: str) -> str:
    """The heading verb's strength; a binding heading over an item the advisory-modal patterns
    match ("that … should …", "that X may …") recommends."""
    strength = verb.strength or "binding"
    if strength == "binding" and any(rx.search(own) for rx in lex.pattern("advisory-modal")):
        return "recommendation"
    return strength
