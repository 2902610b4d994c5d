"""Who the duties of an annex bind when a sentence names its subject by a common noun ("The
working group shall:", "The first session shall …"): the body the annex's title is about
("Terms of reference of the Council Working Group on …", "Working methods of the Conference
Preparatory Meeting"), when the noun is that body's own (a word of its name) or one of its
sittings. The words come from the annex-common-subject, annex-title-body and sitting patterns
of `ontology/patterns.ttl`."""

from __future__ import annotations

from collections.abc import Iterable

from mvkg.ingest.bearers import Addressees, actors_in, mint
from mvkg.ingest.structure import Section, match_first
from mvkg.kernel.lexicon import Lexicon


def annex_title_body(lex: Lexicon, text: str, sec: Section, texts: Iterable[str],
                     homonyms: dict[str, str] | None = None) -> Addressees:
    """The body of the annex title that a common-noun subject of `texts` names (nothing when
    `sec` is no annex's section or no sentence opens so)."""
    if not sec.items or not match_first(lex.pattern("annex"), text[sec.heading_start:sec.heading_end]):
        return Addressees((), ())
    noun = next((m.group("who") for t in texts if (m := match_first(lex.pattern("annex-common-subject"), t))), None)
    if noun is None:
        return Addressees((), ())
    title = text[sec.heading_end:sec.items[0].start]
    for line in title.splitlines():
        m = match_first(lex.pattern("annex-title-body"), line)
        if m is None:
            continue
        name = " ".join(m.group("who").split())
        own_word = noun.split()[-1].lower() in {w.lower() for w in name.split()}
        if not own_word and not match_first(lex.pattern("sitting"), noun):
            return Addressees((), ())
        known = [a for a in actors_in(lex, name, 0, homonyms)
                 if a.text.lower().removeprefix("the ") == name.lower().removeprefix("the ")]
        if known:
            return Addressees((known[0].iri,), ())
        new = mint(lex, name)
        return Addressees((new.iri,), (), (new,)) if new is not None else Addressees((), ())
    return Addressees((), ())
