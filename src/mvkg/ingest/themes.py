"""Theme and topic tags of a clause, each with the words that triggered it, and which of the
themes the clause asserts and which it only suggests. The tagging policy is data, stated on
`mvkg:ThemeScheme` in ontology/themes.ttl: a clause asserts its strongest theme and the themes
named in its lead-in or its operative part (its first `operativeWords` content words); a theme
first named later, or first named in an aside of one word ("…, including …", "such as …"), is
a suggestion, unless drafting names it anywhere (a duty's beneficiaries and purpose:
`mvkg:namedAnywhere`)."""

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


def _mentions(matchers: tuple[Matcher, ...], text: str, spans: Iterable[Span], names: tuple[Matcher, ...],
              name_rx: tuple[re.Pattern[str], ...]) -> Iterable[Tag]:
    """Every mention of a concept in the spans, outside the names that hide its words."""
    for sp in spans:
        # proper names only: "Security Council" hides "security"; "other standards development
        # organizations" does not hide the collaboration with them
        named = [(n.start, n.end) for n in find_mentions(names, sp.text) if n.text[:1].isupper()] if names else []
        named += [(m.start(), m.end()) for rx in name_rx for m in rx.finditer(sp.text)]  # "Connect 2030 Agenda"
        for matcher in matchers:
            for m in matcher.finditer(sp.text):
                if any(a <= m.start and m.end <= b and b - a > m.end - m.start for a, b in named):
                    continue  # "security" inside "Security Council"; a group named like a theme stays
                yield Tag(m.iri, Span(sp.start + m.start, sp.start + m.end, text[sp.start + m.start:sp.start + m.end]))


def tags_in(matchers: tuple[Matcher, ...], concepts: dict[str, Concept], text: str, spans: Iterable[Span],
            names: tuple[Matcher, ...] = (), name_rx: tuple[re.Pattern[str], ...] = ()) -> tuple[Tag, ...]:
    """Concept tags found in the given spans, each at its first mention; a concept implied by a
    more specific tag is dropped (the hierarchy puts it back at query time). Words inside a
    longer name of an actor (`names`: "Security Council", "Human Rights Council") are not about
    a theme."""
    found: dict[str, Tag] = {}
    for tag in _mentions(matchers, text, spans, names, name_rx):
        if tag.concept not in found or tag.span.start < found[tag.concept].span.start:
            found[tag.concept] = tag
    implied = set().union(*(broader_closure(concepts, iri) for iri in found)) if found else set()
    return tuple(sorted((t for iri, t in found.items() if iri not in implied), key=lambda t: (t.span.start, t.concept)))


_PARENTHESES = re.compile(r"\([^()]*\)")


def content_words(text: str) -> int:
    """Words that open in lower case, outside parentheses: a name, a title or an abbreviation
    ("Telecommunication Standardization Advisory Group (TSAG)") labels one thing and does not
    lengthen the duty."""
    return sum(1 for w in _PARENTHESES.sub(" ", text).split() if w[:1].islower())


def cue_counts(lex: Lexicon, text: str, spans: Iterable[Span]) -> dict[str, int]:
    """How many different words name each theme in the spans (a narrower theme's words count for
    the themes above it): "capacity building" and "training programmes" are two cues."""
    cues: dict[str, set[str]] = {}
    for tag in _mentions(lex.theme_matchers, text, spans, lex.actor_matchers, lex.pattern("theme-name")):
        for iri in {tag.concept} | broader_closure(lex.themes, tag.concept):
            cues.setdefault(iri, set()).add(tag.span.text.lower())
    return {iri: len(words) for iri, words in cues.items()}


def in_aside(lex: Lexicon, before: str) -> bool:
    """Whether the words before a mention, in its part of the clause (after the last ';'),
    open an aside: an example or a list of instances ("including", "such as", "in particular";
    patterns with the role `theme-aside`)."""
    part = before.rsplit(";", 1)[-1]
    return any(rx.search(part) for rx in lex.pattern("theme-aside"))


def _confidence(tag: Tag, own: Span, text: str, lex: Lexicon, cues: dict[str, int]) -> float:
    """Full confidence for a theme first named in the lead-in, or within the clause's first
    `operativeWords` content words and outside an aside (unless `asideCues` different words
    name it), or named anywhere by its nature (mvkg:namedAnywhere); `lateConfidence` for one
    first named after the operative part, `asideConfidence` for one first named in an aside."""
    policy = lex.theme_policy
    window = policy.get("operativeWords")
    if window is None or tag.span.start < own.start:
        return 1.0
    if ({tag.concept} | broader_closure(lex.themes, tag.concept)) & lex.themes_named_anywhere:
        return 1.0
    before = text[own.start:tag.span.start]
    if content_words(before) >= window:
        return policy.get("lateConfidence", 1.0)
    if "asideConfidence" in policy and in_aside(lex, before) and cues.get(tag.concept, 1) < policy.get("asideCues", 2):
        return policy["asideConfidence"]
    return 1.0


def theme_tags(lex: Lexicon, text: str, lead_in: tuple[Span, ...], own: Span) -> ThemeTags:
    """The clause's themes (from its lead-in and its own words), asserted or suggested by the
    lexicon's theme tagging policy. Without a policy every theme found is asserted."""
    found = tags_in(lex.theme_matchers, lex.themes, text, (*lead_in, own), lex.actor_matchers,
                    lex.pattern("theme-name"))
    policy = lex.theme_policy
    cues = cue_counts(lex, text, (*lead_in, own))
    scored = [Tag(t.concept, t.span, _confidence(t, own, text, lex, cues)) for t in found]
    ranked = sorted(scored, key=lambda t: (-t.confidence, t.span.start, t.concept))
    threshold = policy.get("assertThreshold", 0.0)
    most = int(policy.get("maxAssertedThemes", len(ranked)))
    keep = {id(t) for k, t in enumerate(ranked) if k < most and (k == 0 or t.confidence >= threshold)}
    return ThemeTags(tuple(t for t in scored if id(t) in keep), tuple(t for t in scored if id(t) not in keep))
