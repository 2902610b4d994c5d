"""Theme and topic tags of a clause, each with the words that triggered it and a confidence,
and which of the themes the clause asserts and which it only suggests. The tagging policy is
data, stated on `mvkg:ThemeScheme` in ontology/themes.ttl: a theme's confidence comes from
where its first cue stands (lead-in, operative part, aside, late, or anywhere for a duty's
beneficiaries and purpose), how many different words name it and how many candidate themes
the clause has; a clause asserts its strongest theme (when it reaches `strongestFloor`) and
every theme at or above `assertThreshold`, and suggests the rest with their confidence."""

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


def position(lex: Lexicon, tag: Tag, own: Span) -> str:
    """Where a theme's first cue stands in its clause: "lead-in", "anywhere" (a theme whose place
    says nothing, mvkg:namedAnywhere), "late" (after the first `operativeWords` content words),
    "aside" (after a theme-aside marker in the same part of the clause) or "operative"."""
    window = lex.theme_policy.get("operativeWords")
    if tag.span.start < own.start:
        return "lead-in"
    if ({tag.concept} | broader_closure(lex.themes, tag.concept)) & lex.themes_named_anywhere:
        return "anywhere"
    before = own.text[:tag.span.start - own.start]
    if window is not None and content_words(before) >= window:
        return "late"
    return "aside" if in_aside(lex, before) else "operative"


_BASE = {"lead-in": "leadInConfidence", "anywhere": "namedAnywhereConfidence", "late": "lateConfidence",
         "aside": "asideConfidence", "operative": "operativeConfidence"}


def confidence(lex: Lexicon, tag: Tag, own: Span, cues: int, candidates: int) -> float:
    """A theme's confidence from general evidence, each number a property of mvkg:ThemeScheme:
    the base confidence of its cue's position (the operative part loses `operativeSlope` over
    its `operativeWords` words), plus `prefLabelBonus` when the cue is the theme's own name
    (its prefLabel, not a synonym or a broad word), plus `cueBonus` for each further distinct word that names the
    theme (up to `maxExtraCues`), minus `crowdPenalty` for each candidate theme of the clause
    beyond `crowdFree`. Without a policy every theme has full confidence."""
    policy = lex.theme_policy
    if "operativeWords" not in policy:
        return 1.0
    where = position(lex, tag, own)
    value = policy.get(_BASE[where], 1.0)
    if where == "operative":
        value -= policy.get("operativeSlope", 0.0) * content_words(own.text[:tag.span.start - own.start]) / policy["operativeWords"]
    if tag.concept in lex.themes and tag.span.text.lower() == lex.themes[tag.concept].label.lower():
        value += policy.get("prefLabelBonus", 0.0)
    value += policy.get("cueBonus", 0.0) * min(max(cues - 1, 0), int(policy.get("maxExtraCues", 0)))
    value -= policy.get("crowdPenalty", 0.0) * max(candidates - int(policy.get("crowdFree", candidates)), 0)
    return round(min(1.0, max(0.0, value)), 3)


def why_suggested(lex: Lexicon, tag: Tag, own: Span) -> str:
    """Why a suggested theme is not asserted, from its own cue: its place in the clause, or
    (named in the main words) a confidence below the threshold."""
    where = position(lex, tag, own)
    if where == "late":
        return f"'{tag.span.text}' comes late in the clause"
    if where == "aside":
        return f"'{tag.span.text}' is named in an aside (an example or instance of the duty, or a remark beside it)"
    return f"below the assert threshold {lex.theme_policy.get('assertThreshold', 0.0)}"


def theme_tags(lex: Lexicon, text: str, lead_in: tuple[Span, ...], own: Span) -> ThemeTags:
    """The clause's themes (from its lead-in and its own words), asserted or suggested by the
    lexicon's theme tagging policy. Without a policy every theme found is asserted."""
    found = tags_in(lex.theme_matchers, lex.themes, text, (*lead_in, own), lex.actor_matchers,
                    lex.pattern("theme-name"))
    policy = lex.theme_policy
    cues = cue_counts(lex, text, (*lead_in, own))
    scored = [Tag(t.concept, t.span, confidence(lex, t, own, cues.get(t.concept, 1), len(found))) for t in found]
    ranked = sorted(scored, key=lambda t: (-t.confidence, t.span.start, t.concept))
    threshold = policy.get("assertThreshold", 0.0)
    most = int(policy.get("maxAssertedThemes", len(ranked)))
    floor = policy.get("strongestFloor", 0.0)
    keep = {id(t) for k, t in enumerate(ranked)
            if k < most and ((k == 0 and t.confidence >= floor) or t.confidence >= threshold)}
    return ThemeTags(tuple(t for t in scored if id(t) in keep), tuple(t for t in scored if id(t) not in keep))
