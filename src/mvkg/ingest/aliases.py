"""Names a document defines for itself: "the Board of Peace (BoP)", "the United Nations Mission
in X (UNMIX)". A later clause that names the body by its abbreviation names the same actor:
the lexicon's actor when the full name is one it knows, else an actor minted from the full
name's words (as any unknown addressee is).

A body the text establishes ("Decides to establish … a Committee of the Security Council …")
is also what its short form names later ("the Committee established by paragraph 10 below
may authorize …"), when no other body the text establishes has the same first word and the
lexicon does not know that word alone.

The definition is found by the `abbreviation-definition` patterns of `ontology/patterns.ttl`
(a capitalised name, then a bracketed abbreviation). The name is trimmed at the front until
its first word opens with the abbreviation's first letter, and it counts only when the
abbreviation's capitals appear, in order, among the initials of the name's words (so a
bracket that is not an abbreviation of the words before it, such as a French acronym after
an English name, defines nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mvkg.ingest.bearers import Minted, actors_in, mint
from mvkg.kernel.lexicon import Actor, Lexicon, Matcher, find_mentions


@dataclass(frozen=True)
class DocumentActors:
    lex: Lexicon  # the lexicon, with the document's own abbreviations recognised
    minted: dict[str, Minted]  # actors minted from a defined name the lexicon does not know


def _initials_fit(abbr: str, name_words: list[str]) -> bool:
    capitals = [c for c in abbr if c.isupper()]
    initials = iter(w[0].upper() for w in name_words)
    return bool(capitals) and all(any(c == i for i in initials) for c in capitals)


def _defined_name(abbr: str, name: str) -> str | None:
    words = name.split()
    while words and words[0][:1].upper() != abbr[:1].upper():
        words = words[1:]
    if len(words) < 2 or not words[0][:1].isupper() or not _initials_fit(abbr, words):
        return None
    return " ".join(words)


def definitions(lex: Lexicon, text: str) -> dict[str, str]:
    """abbreviation → the full name the document defines it by (the first definition wins)."""
    out: dict[str, str] = {}
    for rx in lex.pattern("abbreviation-definition"):
        for m in rx.finditer(text):
            abbr = m.group("abbr")
            name = _defined_name(abbr, " ".join(m.group("name").split()))
            if name is not None:
                out.setdefault(abbr, name)
    return out


def document_actors(lex: Lexicon, text: str, homonyms: dict[str, str] | None = None) -> DocumentActors:
    """The lexicon extended by the abbreviations the text defines: each abbreviation (matched
    case-sensitively, as a whole word) names the actor of its full name."""
    actors = dict(lex.actors)
    matchers: list[Matcher] = []
    minted: dict[str, Minted] = {}
    for abbr, name in definitions(lex, text).items():
        known = actors_in(lex, name, 0, homonyms)
        whole = [m for m in known if m.text.lower().removeprefix("the ") == name.lower().removeprefix("the ")]
        if len(whole) == 1:
            iri = whole[0].iri
        elif (new := mint(lex, name)) is not None:
            iri = new.iri
            minted[iri] = new
            actors.setdefault(iri, _actor(new))
            matchers.append(Matcher(iri, (re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, new.label.split())) + r"(?![\w-])"),)))
        else:
            continue
        matchers.append(Matcher(iri, (re.compile(r"(?<![\w-])" + re.escape(abbr) + r"(?![\w-])"),)))
    for head, new in _established(lex, text).items():
        minted[new.iri] = new
        actors.setdefault(new.iri, _actor(new))
        short = r"(?<![\w-])the\s+" + re.escape(head) + r"(?![\w-])(?!\s+(?:of|on|for|in)\b|\s+[A-Z])"  # not "the Committee on X"
        matchers.append(Matcher(new.iri, (re.compile(short),)))
    if not matchers:
        return DocumentActors(lex, {})
    return DocumentActors(replace(lex, actors=actors, actor_matchers=lex.actor_matchers + tuple(matchers)), minted)


def _actor(new: Minted) -> Actor:
    return Actor(iri=new.iri, label=new.label, notation=new.iri.rsplit("/", 1)[-1], head=None, number=None,
                 study_group=False, regional=False, default_bearer=None)


def _established(lex: Lexicon, text: str) -> dict[str, Minted]:
    """First word of the name → the one body the text establishes with that word ("Committee")."""
    found: dict[str, list[Minted]] = {}
    for rx in lex.pattern("established-body"):
        for m in rx.finditer(text):
            if (new := mint(lex, m.group("who"))) is None:
                continue
            whole = any(k.start == 0 and k.end == len(new.label) for k in find_mentions(lex.actor_matchers, new.label))
            if " " in new.label and not whole:
                found.setdefault(new.label.split()[0], []).append(new)
    return {head: bodies[0] for head, bodies in found.items()
            if len({b.iri for b in bodies}) == 1 and not find_mentions(lex.actor_matchers, head)}
