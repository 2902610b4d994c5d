"""Theme and topic tags of a clause, each with the words that triggered it, and which of the
themes the clause asserts and which it only suggests. The tagging policy is data, stated on
`mvkg:ThemeScheme` in ontology/themes.ttl: a clause asserts its strongest theme and the themes
named in its lead-in or its operative part (its first `operativeWords` content words); a theme
first named later is a suggestion, unless drafting names it anywhere (a duty's beneficiaries
and purpose: `mvkg:namedAnywhere`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mvkg.kernel.lexicon import Concept, Lexicon, Matcher, find_mentions
from mvkg.kernel.model import Span, Tag


@dataclass(frozen=True)
class ThemeTags:
    asserted: tuple[Tag, ...]
    suggested: tuple[Tag, ...]


def broader_closure(concepts: dict[str, Concept], iri: str) -> set[str]:
    out: set[str] = set()
    todo = list(concepts[iri].broader) if iri in concepts else []
    while todo:
        b = todo.pop()
        if b not in out:
            out.add(b)
            todo += list(concepts[b].broader) if b in concepts else []
    return out


def tags_in(matchers: tuple[Matcher, ...], concepts: dict[str, Concept], text: str, spans: Iterable[Span],
            names: tuple[Matcher, ...] = (), name_rx: tuple[re.Pattern[str], ...] = ()) -> tuple[Tag, ...]:
    """Concept tags found in the given spans, each at its first mention; a concept implied by a
    more specific tag is dropped (the hierarchy puts it back at query time). Words inside a
    longer name of an actor (`names`: "Security Council", "Human Rights Council") are not about
    a theme."""
    found: dict[str, Tag] = {}
    for sp in spans:
        # proper names only: "Security Council" hides "security"; "other standards development
        # organizations" does not hide the collaboration with them
        named = [(n.start, n.end) for n in find_mentions(names, sp.text) if n.text[:1].isupper()] if names else []
        named += [(m.start(), m.end()) for rx in name_rx for m in rx.finditer(sp.text)]  # "Connect 2030 Agenda"
        for matcher in matchers:
            for m in matcher.finditer(sp.text):
                if any(a <= m.start and m.end <= b and b - a > m.end - m.start for a, b in named):
                    continue  # "security" inside "Security Council"; a group named like a theme stays
                tag = Tag(m.iri, Span(sp.start + m.start, sp.start + m.end, text[sp.start + m.start:sp.start + m.end]))
                if m.iri not in found or tag.span.start < found[m.iri].span.start:
                    found[m.iri] = tag
    implied = set().union(*(broader_closure(concepts, iri) for iri in found)) if found else set()
    return tuple(sorted((t for iri, t in found.items() if iri not in implied), key=lambda t: (t.span.start, t.concept)))


_PARENTHESES = re.compile(r"\([^()]*\)")


def content_words(text: str) -> int:
    """Words that open in lower case, outside parentheses: a name, a title or an abbreviation
    ("Telecommunication Standardization Advisory Group (TSAG)") labels one thing and does not
    lengthen the duty."""
    return sum(1 for w in _PARENTHESES.sub(" ", text).split() if w[:1].islower())


def _confidence(tag: Tag, own: Span, text: str, lex: Lexicon) -> float:
    """Full confidence for a theme first named in the lead-in, within the clause's first
    `operativeWords` content words, or named anywhere by its nature (mvkg:namedAnywhere);
    `lateConfidence` for one first named after the operative part."""
    policy = lex.theme_policy
    window = policy.get("operativeWords")
    if window is None or tag.span.start < own.start:
        return 1.0
    if ({tag.concept} | broader_closure(lex.themes, tag.concept)) & lex.themes_named_anywhere:
        return 1.0
    if content_words(text[own.start:tag.span.start]) < window:
        return 1.0
    return policy.get("lateConfidence", 1.0)


def theme_tags(lex: Lexicon, text: str, lead_in: tuple[Span, ...], own: Span) -> ThemeTags:
    """The clause's themes (from its lead-in and its own words), asserted or suggested by the
    lexicon's theme tagging policy. Without a policy every theme found is asserted."""
    found = tags_in(lex.theme_matchers, lex.themes, text, (*lead_in, own), lex.actor_matchers,
                    lex.pattern("theme-name"))
    policy = lex.theme_policy
    scored = [Tag(t.concept, t.span, _confidence(t, own, text, lex)) for t in found]
    ranked = sorted(scored, key=lambda t: (-t.confidence, t.span.start, t.concept))
    threshold = policy.get("assertThreshold", 0.0)
    most = int(policy.get("maxAssertedThemes", len(ranked)))
    keep = {id(t) for k, t in enumerate(ranked) if k < most and (k == 0 or t.confidence >= threshold)}
    return ThemeTags(tuple(t for t in scored if id(t) in keep), tuple(t for t in scored if id(t) not in keep))
