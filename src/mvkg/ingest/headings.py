"""Where a section heading opens, and headings run into the text before them.

A heading opens with an operative or preambular verb the lexicon knows ("instructs the
Secretary-General", "Also requests", "resolves to invite"), or with a verb of continuation
and that verb in the infinitive ("continues to invite", "Continues to urge": the infinitive
governs). Copies of published files flow a heading into the paragraph before it ("… this
resolution, instructs the Director of the Radiocommunication Bureau to support …");
`run_on_headings` finds where such headings start. The words come from the lexicon (verbs,
and the patterns of ontology/patterns.ttl); this module knows only the layout."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mvkg.ingest.structure import match_first
from mvkg.kernel.lexicon import Lexicon, Verb

_SEPARATOR_RX = re.compile(r"[,;]\s+")
_FIRST_WORD_RX = re.compile(r"[ \t]*[A-Za-z]+\s+")
_EMPHASIS_RX = re.compile(r"[ \t]*[*_]{1,2}(?=[A-Za-z])")  # Markdown emphasis before a word
_CLOSE_RX = re.compile(r"[*_]{1,2}(?=[\s,:;.]|$)")
_CLOSED_RX = re.compile(r"[;.:]")  # an addressee holds no sentence or clause end
MAX_ADDRESSEE = 400  # characters between the verb and its action ("continues to invite" + a long list)
MAX_BARE_HEADING = 250  # a heading that ends its line, its items on the lines after it


@dataclass(frozen=True)
class Heading:
    """A heading at the start of a text: its verb, where the verb phrase ends (the addressee
    starts) and the text after it; offsets are into the text given."""

    verb: Verb
    verb_end: int
    rest: str


@dataclass(frozen=True)
class RunOn:
    """A heading run into the text before it: where it starts in the line, the heading, and
    where its inline action starts in the line (None when the heading ends the line)."""

    start: int
    heading: Heading
    action: int | None


def match_heading(lex: Lexicon, text: str) -> Heading | None:
    """The heading that opens `text`, if any. Emphasis marks of a Markdown copy around the
    verb ("*Requests* the Secretary-General", "_considering_") are read past."""
    opening = _EMPHASIS_RX.match(text)
    if opening is None:
        return _heading(lex, text)
    h = _heading(lex, text[opening.end():])
    if h is None:
        return None
    closing = _CLOSE_RX.match(h.rest)
    end = opening.end() + h.verb_end + (closing.end() if closing else 0)
    return Heading(h.verb, end, text[end:])


def _heading(lex: Lexicon, text: str) -> Heading | None:
    m = lex.heading_rx.match(text)
    if m is not None:
        return Heading(lex.verb_for(m.group("verb")), m.end("verb"), m.group("rest"))
    return _split_by_modifier(lex, text) or _continued(lex, text)


def starts_upper(text: str) -> bool:
    """The text opens with a capital, perhaps after spaces and emphasis marks ("*Decides*")."""
    return text.lstrip(" \t*_")[:1].isupper()


def _split_by_modifier(lex: Lexicon, text: str) -> Heading | None:
    """A verb of several words with a modifier inside it: "Calls also for …", "Calls further
    upon …" (the modifier may stand after the verb's first word)."""
    first = _FIRST_WORD_RX.match(text)
    if first is None:
        return None
    for rx in lex.pattern("verb-modifier"):
        mod = rx.match(text, first.end())
        if mod is None or not text[mod.end():mod.end() + 1].isspace():
            continue
        joined = text[:first.end()] + text[mod.end():]
        m = lex.heading_rx.match(joined)
        if m is not None and m.end("verb") > first.end():
            end = m.end("verb") + mod.end() - first.end()
            return Heading(lex.verb_for(m.group("verb")), end, text[end:])
    return None


def _continued(lex: Lexicon, text: str) -> Heading | None:
    """ "continues to invite …": the infinitive's verb."""
    cont = match_first(lex.pattern("verb-continuation"), text)
    if cont is None or cont.start() != 0 or lex.first_person_rx is None:
        return None
    inf = lex.first_person_rx.match(text[cont.end():])  # the infinitive is the first-person form
    if inf is None:
        return None
    end = cont.end() + inf.end("verb")
    return Heading(lex.verb_for(inf.group("verb")), end, text[end:])


def run_on_headings(lex: Lexicon, text: str, next_labelled: bool) -> list[RunOn]:
    """Operative headings run into a line after a comma or semicolon: a lower-case verb
    phrase, an addressee (no clause end in it, not a preposition or 'that'), then either its
    action ("to …") on the same line or the end of the line when numbered items follow
    (`next_labelled`)."""
    found: list[tuple[int, Heading]] = []
    for m in _SEPARATOR_RX.finditer(text):
        tail = text[m.end():]
        if not tail[:1].islower():
            continue
        h = match_heading(lex, tail)
        if h is None or not h.verb.operative or (h.rest and h.rest[0] not in " \t,"):
            continue
        if match_first(lex.pattern("not-addressee"), h.rest):
            continue
        found.append((m.end(), h))
    out: list[RunOn] = []
    for n, (start, h) in enumerate(found):
        stop = found[n + 1][0] if n + 1 < len(found) else len(text)
        rest = text[start + h.verb_end : stop]
        action = match_first(lex.pattern("inline-action"), rest)
        who = rest[: action.start()] if action else rest
        if action is None and (plain := plain_verb(lex, text[start : start + h.verb_end])) is not None:
            out.append(RunOn(start, plain[0], start + plain[1]))  # "…, resolves to encourage the sharing …"
            continue
        if not who.strip() or len(who) > MAX_ADDRESSEE or _CLOSED_RX.search(who):
            continue
        if action is None and (stop < len(text) or not next_labelled or len(who) > MAX_BARE_HEADING):
            continue
        out.append(RunOn(start, h, None if action is None else start + h.verb_end + action.start()))
    return out


def plain_verb(lex: Lexicon, phrase: str) -> tuple[Heading, int] | None:
    """A verb phrase that holds its own "to" ("resolves to encourage"), read as the plain verb
    and where the "to" starts: the paragraph is "to encourage …", under "resolves"."""
    to = match_first(lex.pattern("inline-action"), phrase)
    if to is None:
        return None
    plain = match_heading(lex, phrase[: to.start()])
    return None if plain is None or plain.rest.strip() else (plain, to.start())


def items_after(lex: Lexicon, heading: Heading, text: str) -> int | None:
    """Where the first item of a heading's list starts when a copy runs the list onto the
    heading's line ("instructs the Secretary-General 1 to report …; 2 to …"): the offset in
    `text` (which `heading` opens) of a first label (1, a), (a), i)) after the addressee, or None."""
    rest = text[heading.verb_end:]
    m = match_first(lex.pattern("first-item"), rest)
    if m is None:
        return None
    who = rest[: m.start()]
    if len(who) > MAX_ADDRESSEE or _CLOSED_RX.search(who):
        return None
    return heading.verb_end + m.start("label")
