"""Who must act, and with whom: the actors a heading, a clause or its lead-in names.

- Actors come from `ontology/actors.ttl` (labels, alternative labels, study-group lists; "the
  Director(s) of" a bureau is the post that heads it).
- An actor named only to qualify another ("non-members of the United Nations") is not an
  addressee.
- In a resolution of the UN system, words that name an actor of another organization name its
  UN homonym instead ("the Secretary-General" of a General Assembly resolution).
- An addressee phrase that names no known actor becomes an actor minted from its words, with a
  warning: never an empty list of bearers where the text names someone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mvkg.kernel.lexicon import Lexicon, Match, find_mentions
from mvkg.kernel.namespaces import ACTOR, slugify

_NUMBER_RX = re.compile(r"\d{1,2}")
_QUALIFIER_RX = re.compile(r"\b(?:of|non-members\s+of|members\s+of)\s+(?:the\s+)?$", re.IGNORECASE)
_LEADING_RX = re.compile(r"^(?:\s|,|the\b|all\b|each\b|every\b|its\b|their\b|relevant\b|concerned\b)+", re.IGNORECASE)
_TRAILING_RX = re.compile(r"[\s,;:.]+$|\s+(?:and|or|as well as)$", re.IGNORECASE)
# a name: starts with a capital (named bodies are capitalised; common groups are in the lexicon;
# a lower-case group quantified by "all" is recognised by the unnamed-group patterns)
_MINTABLE_RX = re.compile(r"^[A-Z][\w'’\-]*(?:\s+[\w'’\-,()]+){0,11}$")
_NOT_ACTORS = {"it", "itself", "them", "themselves", "that", "this", "these", "those", "which", "such"}


@dataclass(frozen=True)
class Minted:
    """An actor the text names but the lexicon does not know."""

    iri: str
    label: str


@dataclass(frozen=True)
class Addressees:
    bearers: tuple[str, ...]
    collaborators: tuple[str, ...]
    minted: tuple[Minted, ...] = ()


def unique(iris: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for iri in iris:
        seen.setdefault(iri, None)
    return tuple(seen)


def _study_groups(lex: Lexicon, text: str, offset: int) -> list[Match]:
    out = []
    for rx in lex.pattern("study-group-list"):
        for m in rx.finditer(text):
            for n in _NUMBER_RX.finditer(m.group("numbers")):
                actor = lex.study_group(int(n.group(0)))
                if actor is not None:
                    out.append(Match(actor.iri, offset + m.start(), offset + m.end(), m.group(0)))
    return out


def un_homonyms(lex: Lexicon, assembly: str | None) -> dict[str, str]:
    """Actor → the homonym the same words name in a text this assembly adopts: an actor with
    mvkg:homonymOf stands for it when the assembly, or the body it acts for, is within what that
    actor is part of ("the Secretary-General" in a resolution of the UN system is the UN's;
    "the study groups" and "Study Group 5" in a WRC or RA text are ITU-R's)."""
    if assembly is None or assembly not in lex.actors:
        return {}
    scope = [a for a in (assembly, lex.actors[assembly].default_bearer) if a]
    return {a.homonym_of: a.iri for a in lex.actors.values()
            if a.homonym_of and a.part_of and any(lex.within(s, a.part_of) for s in scope)}


def _mentions(lex: Lexicon, text: str) -> list[Match]:
    """Actors named, longest first; words that name several posts at once ("the Directors of
    the Bureaux", a pattern the three Directors share) name each of them."""
    chosen = find_mentions(lex.actor_matchers, text)
    posts = {a.head for a in lex.actors.values() if a.head}
    spans = {(m.start, m.end) for m in chosen if m.iri in posts}
    if not spans:
        return chosen
    same = [m for matcher in lex.actor_matchers if matcher.iri in posts for m in matcher.finditer(text)
            if (m.start, m.end) in spans]
    return sorted({(m.start, m.iri): m for m in (*chosen, *same)}.values(), key=lambda m: (m.start, m.iri))


def actors_in(lex: Lexicon, text: str, offset: int = 0, homonyms: dict[str, str] | None = None) -> list[Match]:
    """Actors named in a phrase. Study-group lists resolve by number; after 'the Director(s)
    of' a bureau is read as the post that heads it; an actor after 'of the' that heads nothing
    only qualifies the phrase before it."""
    groups = _study_groups(lex, text, offset)
    masked = text
    for m in groups:
        a, b = m.start - offset, m.end - offset
        masked = masked[:a] + " " * (b - a) + masked[b:]
    mentions = [Match(m.iri, m.start + offset, m.end + offset, m.text) for m in _mentions(lex, masked)]
    heads_from = min((m.start() + offset for rx in lex.pattern("head-of") for m in rx.finditer(text)), default=None)
    out: list[Match] = []
    for m in sorted(groups + mentions, key=lambda x: x.start):
        actor = lex.actors[m.iri]
        if heads_from is not None and m.start >= heads_from and actor.head:
            m = Match(actor.head, m.start, m.end, m.text)
        elif _QUALIFIER_RX.search(text[: m.start - offset]):
            continue  # "States non-members of the United Nations": the UN is not addressed
        elif any(rx.match(text[m.end - offset:]) for rx in lex.pattern("cited-document")):
            continue  # "as called for in General Assembly resolution 70/125": a document, not its author
        iri = (homonyms or {}).get(m.iri, m.iri)
        out.append(Match(iri, m.start, m.end, m.text))
    return out


def _collaboration_split(lex: Lexicon, text: str) -> int | None:
    starts = [m.start() for rx in lex.pattern("collaboration") for m in rx.finditer(text)]
    return min(starts) if starts else None


def _unnamed_group(lex: Lexicon, phrase: str, words: str) -> bool:
    """A lower-case group quantified by 'all' ("all action line facilitators"): the words
    are the group the unnamed-group patterns of `patterns.ttl` find."""
    return any((m := rx.match(phrase)) is not None and m.group("group") == words for rx in lex.pattern("unnamed-group"))


def mint(lex: Lexicon, phrase: str) -> Minted | None:
    """An actor from the words of an addressee phrase ('the Committee on the Peaceful Uses of
    Outer Space'), or None when the words do not read as a name."""
    words = _TRAILING_RX.sub("", _LEADING_RX.sub("", " ".join(phrase.split())))
    words = re.split(r",\s*(?:including|in particular|inter alia|as well as)\b|\s+\((?!.*\))", words, maxsplit=1)[0].strip(" ,")
    words = re.split(r",\s+(?=[a-z])", words, maxsplit=1)[0].strip()  # "the Office for X, within existing resources,"
    if not words or words.lower() in _NOT_ACTORS:
        return None
    if not _MINTABLE_RX.match(words) and not _unnamed_group(lex, phrase, words):
        return None
    words = _without_parent(lex, words)
    return Minted(str(ACTOR["named/" + slugify(words)]), words)


def _without_parent(lex: Lexicon, name: str) -> str:
    """'the Office for Disarmament Affairs of the Secretariat': a full name of at least three
    words followed by 'of' a known actor is the body itself (the actor after 'of' is what it
    belongs to); 'the Committee of the Security Council' keeps its 'of', which completes it."""
    for m in find_mentions(lex.actor_matchers, name):
        if m.end == len(name):
            own = re.sub(r"\s+of(?:\s+the)?\s*$", "", name[: m.start])
            if own != name[: m.start] and len(own.split()) >= 3:
                return own
    return name


def addressees(lex: Lexicon, text: str, offset: int, homonyms: dict[str, str] | None = None,
               mint_unknown: bool = False) -> Addressees:
    """(bearers, collaborators) named in a heading's text after its verb; with `mint_unknown`,
    a phrase that names no known actor gives a minted one, and so does each part of a list of
    addressees that names none ("the World Bank and other financial institutions"). Asides
    ("including …", "through …", "that are not yet parties to …") name no addressee; a plural
    head shared by several names ("the Governments of A and B") addresses each."""
    split = _collaboration_split(lex, text)
    head, tail = (text, "") if split is None else (text[:split], text[split:])
    head = _clause_subject(lex, head, homonyms)
    head = _blank(head, [m.span() for rx in lex.pattern("addressee-aside") for m in rx.finditer(head)])
    shared, head = _distributed(lex, head)
    bearers = unique([*(m.iri for m in shared), *(m.iri for m in actors_in(lex, head, offset, homonyms))])
    collaborators = unique(m.iri for m in actors_in(lex, tail, offset + len(head), homonyms) if m.iri not in bearers)
    minted: tuple[Minted, ...] = shared
    if mint_unknown and not bearers:
        minted = _mint_each(lex, head)
        bearers = tuple(m.iri for m in minted)
    elif mint_unknown:
        minted += tuple(m for m in _mint_parts(lex, head, homonyms) if m.iri not in bearers)
        bearers = unique([*bearers, *(m.iri for m in minted)])
    return Addressees(bearers, collaborators, minted)


def _clause_subject(lex: Lexicon, head: str, homonyms: dict[str, str] | None) -> str:
    """'that all States shall …' after the verb: only the clause's subject is left (or nothing
    when the clause opens with something else: 'that if at any time …', 'that the provisions …')."""
    for rx in lex.pattern("clause-opening"):
        m = rx.match(head)
        if m is None:
            continue
        start = m.start("rest")
        if any(rx.match(head[start:]) for rx in lex.pattern("passive-duty")):
            return " " * len(head)  # "that the presences … shall remain authorized": no one is asked to act
        first = next(iter(actors_in(lex, head[start:], 0, homonyms)), None)
        opens = first is not None and not _LEADING_RX.sub("", head[start:start + first.start])
        # "the United Nations Observer Mission …": the actor is only the start of a longer name
        longer = first is not None and re.match(r"\s+(?:(?:of|in|for|on)\s+)?[A-Z]", head[start + first.end:])
        keep = (start + first.start, start + first.end) if first and opens and not longer else (0, 0)
        return _blank(head, [(0, keep[0]), (keep[1], len(head))])
    return head


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _distributed(lex: Lexicon, text: str) -> tuple[tuple[Minted, ...], str]:
    """'the Governments of A, B and C': the Government of each, and the text with them blanked."""
    known = find_mentions(lex.actor_matchers, text)
    for rx in lex.pattern("distributed-head"):
        for m in rx.finditer(text):
            if re.search(r"(?-i:[A-Z])[\w'’\-]*\s+$", text[: m.start()]) or any(
                    k.start <= m.start() < k.end and k.end > m.end("head") for k in known):
                continue  # "the Peaceful Uses of …", "Heads of State and Government": one name
            names = [n for n in (_unjoined(lex, n.strip(" ,")) for n in _parts(lex, m.group("names"))) if n]
            if len(names) < 2:
                continue
            found = [mint(lex, f"{m.group('head')[:-1]} of {n}") for n in names]
            if all(found):
                return tuple(f for f in found if f is not None), _blank(text, [m.span()])
    return (), text


def _unjoined(lex: Lexicon, name: str) -> str:
    """A distributed name without the words that joined it to the others ('of', 'respectively')."""
    for rx in lex.pattern("distributed-filler"):
        name = rx.sub("", name)
    return name


def _parts(lex: Lexicon, text: str) -> list[str]:
    for rx in lex.pattern("addressee-conjunction"):
        text = rx.sub("\x00", text)
    return [p for p in text.split("\x00") if p.strip(" ,")]


def _mint_parts(lex: Lexicon, head: str, homonyms: dict[str, str] | None) -> list[Minted]:
    """In a list of addressees, each part that names no known actor ("the World Bank and other
    financial institutions"), when every part is either a known actor or reads as a name."""
    masked = _blank(head, [(m.start, m.end) for m in actors_in(lex, head, 0, homonyms)])
    out = []
    for part in _parts(lex, masked):
        rest = _TRAILING_RX.sub("", _LEADING_RX.sub("", re.sub(r"\bother\b", " ", part))).strip()
        if not rest:
            continue
        new = mint(lex, part)
        if new is None or new.label != " ".join(part.split()).removeprefix("the ").strip(" ,"):
            return []
        out.append(new)
    return out


def _mint_each(lex: Lexicon, phrase: str) -> tuple[Minted, ...]:
    """One actor from the phrase, or one from each of two or more capitalised names joined by
    'and the' / ', the' ("the Committee on the Peaceful Uses of Outer Space and the Office for
    Outer Space Affairs"): coordinated addressees are each an addressee."""
    for rx in lex.pattern("coordinated-addressees"):
        parts = rx.split(phrase)
        found = [mint(lex, p) for p in parts] if len(parts) > 1 else []
        if found and all(found):
            return tuple(m for m in found if m is not None)
    new = mint(lex, phrase)
    return (new,) if new is not None else ()


def short_form(label: str, named: dict[str, str]) -> str | None:
    """The actor a one-word short form names ("the Committee" after "the Committee on the
    Peaceful Uses of Outer Space"): the one named actor whose name opens with that word."""
    word = label.strip()
    if not word or " " in word or not word[:1].isupper():
        return None
    hits = [iri for iri, name in named.items() if name.split()[:1] == [word] and " " in name]
    return hits[0] if len(hits) == 1 else None


def collaborators_in_action(lex: Lexicon, text: str, homonyms: dict[str, str] | None = None) -> Addressees:
    """Actors the text says to work with (as `bearers`): after a collaboration phrase, up to the
    next ';', and each named part of the list right after it that the lexicon does not know
    ("cooperate with OCHA and the Emergency Telecommunications Cluster"), minted."""
    out: list[str] = []
    minted: list[Minted] = []
    for rx in lex.pattern("collaboration"):
        for m in rx.finditer(text):
            segment_end = text.find(";", m.end())
            segment = text[m.end() : segment_end if segment_end >= 0 else len(text)]
            known = actors_in(lex, segment, 0, homonyms)
            out += [a.iri for a in known]
            masked = _blank(segment, [(a.start, a.end) for a in known])
            cut = min((e.start() for e in (x.search(masked) for x in lex.pattern("list-end")) if e), default=len(segment))
            # a single word ("the Commission") is a short form of a body named elsewhere, not a name
            minted += [n for n in _mint_parts(lex, segment[:cut], homonyms) if " " in n.label]
    return Addressees(unique([*out, *(n.iri for n in minted)]), (), tuple(minted))


def duty_subjects(lex: Lexicon, texts: Iterable[str], homonyms: dict[str, str] | None = None) -> Addressees:
    """Who a 'that … shall' clause binds ('Decides that all States shall prevent'), in the
    first text that has one."""
    for text in texts:
        for rx in lex.pattern("duty-subject"):
            m = rx.search(text)
            if m is not None and not any(x.match(m.group("who")) for x in lex.pattern("not-addressee")):
                return addressees(lex, m.group("who"), 0, homonyms, mint_unknown=True)  # not "that if at any time …"
        for rx in lex.pattern("passive-agent"):  # "that the decision is taken by the Conference or by the Council"
            if (m := rx.search(text)) is not None and (found := addressees(lex, m.group("who"), 0, homonyms, mint_unknown=True)).bearers:
                return found
        if (opening := _opening_actor(lex, text, homonyms)) is not None:
            return Addressees((opening,), ())
    return Addressees((), ())


def _opening_actor(lex: Lexicon, text: str, homonyms: dict[str, str] | None) -> str | None:
    """The known actor a 'that' clause opens with when its verb follows ('that all ITU-T study
    groups continue to …', 'that TSAG may …'): by the opening-subject and subject-verb roles."""
    for rx in lex.pattern("opening-subject"):
        m = rx.match(text)
        if m is None:
            continue
        rest = m.group("rest")
        first = next(iter(actors_in(lex, rest, 0, homonyms)), None)
        if first is None or _LEADING_RX.sub("", rest[:first.start]):
            return None
        if any(v.match(rest[first.end:]) for v in lex.pattern("subject-verb")):
            return first.iri
    return None


def passive_subjects(lex: Lexicon, texts: Iterable[str], homonyms: dict[str, str] | None = None) -> Addressees:
    """Who an item in the passive addresses ('(a) Governments … are encouraged: …'), in the
    first text (the item's own words, then its parents', nearest first) that opens so."""
    return _first_named(lex, "passive-subject", texts, homonyms, anywhere=False)


def established_body(lex: Lexicon, lead_texts: Iterable[str], homonyms: dict[str, str] | None = None) -> Addressees:
    """The body a parent paragraph sets up to do its sub-items ('Decides to establish … a
    Committee of the Security Council …, to undertake the following tasks: (a) To examine
    …'): in the nearest lead-in that names one."""
    return _first_named(lex, "established-body", lead_texts, homonyms, anywhere=True)


def _first_named(lex: Lexicon, role: str, texts: Iterable[str], homonyms: dict[str, str] | None, *,
                 anywhere: bool) -> Addressees:
    """The addressees named by the `who` group of the first `role` pattern that matches (at the
    start of a text, or `anywhere` in it) in the first text where one names somebody."""
    for text in texts:
        for rx in lex.pattern(role):
            m = rx.search(text) if anywhere else rx.match(text)
            if m is not None:
                found = addressees(lex, m.group("who"), 0, homonyms, mint_unknown=True)
                if found.bearers:
                    return found
    return Addressees((), ())


# ------------------------------------------------------------------ the document's own bodies

def _root(lex: Lexicon, actor: str) -> str:
    seen = {actor}
    while (parent := lex.actors[actor].part_of) in lex.actors and parent not in seen:
        seen.add(actor := parent)
    return actor


def own_bodies(lex: Lexicon, assembly: str | None) -> dict[str, str]:
    """What a text calls by its kind alone, by own-body pattern role: "the Sector" of a Sector
    assembly (WTSA, WTDC, RA, WRC) is its default bearer when that is part of a larger
    organization (ITU-T is part of ITU; a Plenipotentiary text has three Sectors, so none);
    "the Union" / "the Organization" is the organization the assembly belongs to (ITU, the
    United Nations), as their constitutive texts call them."""
    if assembly not in lex.actors:
        return {}
    out = {"own-organization": _root(lex, assembly)}
    default = lex.actors[assembly].default_bearer
    if default in lex.actors and lex.actors[default].part_of:
        out["own-sector"] = default
    return out


def own_named(lex: Lexicon, own: dict[str, str], bearers: tuple[str, ...], minted: dict[str, Minted]) -> tuple[str, ...]:
    """Bearers with an actor minted from "the Sector" or "the Union" read as the body it names."""
    def body(iri: str) -> str:
        label = minted[iri].label if iri in minted else None
        for role, actor in own.items():
            if label is not None and any(rx.match(label) for rx in lex.pattern(role)):
                return actor
        return iri

    return unique(body(iri) for iri in bearers)


def first_person_subject(lex: Lexicon, text: str, homonyms: dict[str, str] | None = None) -> Addressees | None:
    """Who 'we' are in a text that speaks in the first person plural ("We, Heads of State and
    Government …"): the first-person-subject patterns of patterns.ttl."""
    for rx in lex.pattern("first-person-subject"):
        m = rx.search(text)
        if m is not None:
            found = addressees(lex, m.group("who"), 0, homonyms, mint_unknown=True)
            return found if found.bearers else None
    return None
